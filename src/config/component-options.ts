/**
 * Turns a validated {@link StreamConfig} into the options of the parts it configures, so a host
 * that wires parts itself (rather than through the facade) reads one file and gets the same
 * behaviour. Each function is pure and reads only its section of the config.
 *
 * @module
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { CompressionName } from '../producer/codecs/codec.js';
import type { KafkaJsProducerOptions } from '../producer/kafkajs-options.js';
import type { Enricher } from '../routing/enrichers.js';
import { composeEnrichers, createEnrichers } from '../routing/enrichers.js';
import type { PartitionKeyerOptions } from '../routing/partition-keyer.js';
import type { TopicResolverOptions } from '../routing/topic-resolver.js';
import { InvalidOptionError } from '../errors.js';
import type { StreamConfig } from './schema/index.js';

/** TLS options for kafkajs from `kafka.ssl`; `undefined` when TLS is off. Certificates stay verified unless the file says otherwise. */
function sslOptions(ssl: StreamConfig['kafka']['ssl']): ConnectionOptions | undefined {
  if (!ssl.enabled) return undefined;
  const options: ConnectionOptions = { rejectUnauthorized: ssl.rejectUnauthorized };
  if (ssl.ca !== undefined) options.ca = ssl.ca;
  if (ssl.cert !== undefined) options.cert = ssl.cert;
  if (ssl.key !== undefined) options.key = ssl.key;
  if (ssl.passphrase !== undefined) options.passphrase = ssl.passphrase;
  if (ssl.servername !== undefined) options.servername = ssl.servername;
  return options;
}

/**
 * Options of a {@link KafkaJsProducer} from the `kafka` and `topics` sections: brokers, client id,
 * TLS (verified by default), SASL, acks, idempotence, timeouts, the default codec and one codec per
 * configured topic. `kafka.lingerMs` and `kafka.maxBatchBytes` are not producer options (the
 * facade's sender loop reads them).
 *
 * @param config - A config from {@link loadConfig} or {@link resolveConfig}.
 * @param extra - Options the file cannot hold (logger, clock, codec settings); they win.
 * @throws {@link InvalidOptionError} for a bootstrap server written as an IPv6 literal
 *   (`[::1]:9092`): kafkajs 2 splits `host:port` at the first `:` and cannot connect to it.
 */
export function kafkaJsProducerOptionsFromConfig(
  config: Pick<StreamConfig, 'kafka' | 'topics'>,
  extra: Partial<KafkaJsProducerOptions> = {},
): KafkaJsProducerOptions {
  const { kafka } = config;
  const ipv6 = kafka.bootstrapServers.find((server) => server.startsWith('['));
  if (ipv6 !== undefined && extra.brokers === undefined) {
    throw new InvalidOptionError('kafka.bootstrapServers', ipv6, 'is an IPv6 literal, which kafkajs cannot connect to; use a host name that resolves to the address');
  }
  const topicCompression: Record<string, CompressionName> = {};
  for (const topic of config.topics) topicCompression[topic.name] = topic.compression;
  const options: KafkaJsProducerOptions = {
    brokers: [...kafka.bootstrapServers],
    clientId: kafka.clientId,
    acks: kafka.acks,
    idempotent: kafka.idempotent,
    requestTimeoutMs: kafka.requestTimeoutMs,
    connectionTimeoutMs: kafka.connectionTimeoutMs,
    defaultCompression: kafka.defaultCompression,
    topicCompression,
  };
  const ssl = sslOptions(kafka.ssl);
  if (ssl !== undefined) options.ssl = ssl;
  if (kafka.sasl !== undefined) options.sasl = { ...kafka.sasl } as SASLOptions;
  return { ...options, ...extra };
}

/**
 * Options of a {@link TopicResolver} from the `routing` section (patterns compiled with their flags)
 * and the `topic` of each source, which wins over `routing.customMappings` for that source id.
 */
export function topicResolverOptionsFromConfig(config: Pick<StreamConfig, 'routing' | 'sources'>): TopicResolverOptions {
  const { routing } = config;
  const customMappings: Record<string, string> = { ...routing.customMappings };
  for (const source of config.sources) if (source.topic !== undefined) customMappings[source.sourceId] = source.topic;
  const options: TopicResolverOptions = {
    customMappings,
    contentRules: routing.contentRules.map((rule) => ({ ...rule })),
    defaultTopic: routing.defaultTopic,
    cacheSize: routing.cacheSize,
  };
  if (routing.patterns === undefined) return options;
  return { ...options, patterns: routing.patterns.map((p) => ({ pattern: new RegExp(p.pattern, p.flags), topic: p.topic })) };
}

/** Options of a {@link PartitionKeyer} from `routing.partitionKey`. */
export function partitionKeyerOptionsFromConfig(config: Pick<StreamConfig, 'routing'>): PartitionKeyerOptions {
  const { strategy, geohashPrecision } = config.routing.partitionKey;
  return { strategy, geohashPrecision };
}

/** The enrichers named in `routing.enrichers`, composed in their order (a copy of the record for `[]`). */
export function enricherFromConfig(config: Pick<StreamConfig, 'routing'>): Enricher {
  return composeEnrichers(createEnrichers(config.routing.enrichers));
}
