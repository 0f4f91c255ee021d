/**
 * Options of the throttling parts from a validated {@link StreamConfig}: managers from the
 * `throttling` section; the sender's lag source from `throttling.consumerGroupId` (with the
 * `kafka` connection settings); intake's lag source from queue fill.
 *
 * @module
 */
import type { KafkaLagSourceOptions } from '../throttling/kafka-lag-source.js';
import type { QueueFillLagSourceOptions } from '../throttling/queue-fill-lag-source.js';
import type { ThrottlingManagerOptions, ThrottlingRuntimeOptions } from '../throttling/throttling-options.js';
import { kafkaJsProducerOptionsFromConfig } from './component-options.js';
import type { StreamConfig } from './schema/index.js';

/**
 * Options of a {@link ThrottlingManager} from the `throttling` section (a copy; `consumerGroupId`
 * is left to {@link kafkaLagSourceOptionsFromConfig}).
 *
 * @param extra - Options the file cannot hold (clock, sleep, lag source, …); they win.
 */
export function throttlingManagerOptionsFromConfig(config: Pick<StreamConfig, 'throttling'>, extra: ThrottlingRuntimeOptions = {}): ThrottlingManagerOptions {
  const { consumerGroupId: _group, ...settings } = config.throttling;
  return { ...settings, ...extra };
}

/**
 * Options of the sender's {@link KafkaLagSource} for `throttling.consumerGroupId`, connected with
 * the same client settings as the producer (brokers, client id, TLS, SASL, timeouts);
 * `undefined` when no group is configured: the sender then has no lag to throttle on (do not
 * give it a queue-fill estimate instead; see {@link QueueFillLagSource}). The lag covers the
 * topics the group has committed offsets for.
 *
 * @param extra - Options the file cannot hold (logger, a kafkajs instance, the read deadline); they win.
 */
export function kafkaLagSourceOptionsFromConfig(
  config: Pick<StreamConfig, 'kafka' | 'topics' | 'throttling'>,
  extra: Partial<KafkaLagSourceOptions> = {},
): KafkaLagSourceOptions | undefined {
  const groupId = config.throttling.consumerGroupId;
  if (groupId === undefined) return undefined;
  const { brokers, clientId, ssl, sasl, requestTimeoutMs, connectionTimeoutMs } = kafkaJsProducerOptionsFromConfig(config);
  const options: KafkaLagSourceOptions = { groupIds: [groupId], brokers, clientId, requestTimeoutMs, connectionTimeoutMs };
  if (ssl !== undefined) options.ssl = ssl;
  if (sasl !== undefined) options.sasl = sasl;
  return { ...options, ...extra };
}

/**
 * Options of intake's {@link QueueFillLagSource} with the section's `criticalConsumerLag`, for the
 * given fill function. For the manager that ingestion modes call before fetching, never the
 * sender's: throttling the sender on the fill of the queue it drains feeds back on itself.
 */
export function queueFillLagSourceOptionsFromConfig(config: Pick<StreamConfig, 'throttling'>, fill: () => number): QueueFillLagSourceOptions {
  return { fill, criticalConsumerLag: config.throttling.criticalConsumerLag };
}
