import type { ConnectionOptions } from 'node:tls';
import type { Kafka, KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import type { Logger } from '../core/logger.js';
import { InvalidOptionError } from '../errors.js';
import { COMPRESSION_NAMES } from './codecs/codec.js';
import type { CompressionName } from './codecs/codec.js';
import type { CompressionCodecOptions } from './codecs/register-codecs.js';
import { createKafkaLogCreator, kafkaLogLevel } from './kafkajs-logging.js';
import type { KafkaLogLevelName } from './kafkajs-logging.js';
import { parseOptions } from './parse-options.js';
import { DEFAULT_PRODUCER_TIMEOUT_MS } from './record-producer.js';

/** Options of `KafkaJsProducer`. */
export interface KafkaJsProducerOptions {
  /** Bootstrap brokers (`host:port`); required unless `kafka` is given. */
  brokers?: string[];
  /** Client id sent to the brokers (default `firestream`). */
  clientId?: string;
  /** TLS: `true` for Node's defaults, or tls options. Certificates are verified unless you set `rejectUnauthorized: false` yourself. */
  ssl?: boolean | ConnectionOptions;
  /** SASL authentication; never logged. */
  sasl?: SASLOptions;
  /** Acknowledgements to wait for: -1 (all in-sync replicas, default), 1 (leader) or 0 (none). */
  acks?: -1 | 0 | 1;
  /** Idempotent producer (default false); implies one request in flight and `acks: -1`. */
  idempotent?: boolean;
  /** Compression of topics not listed in `topicCompression` (default `none`). */
  defaultCompression?: CompressionName;
  /** Compression per topic; wins over a topic spec's compression and the default. */
  topicCompression?: Record<string, CompressionName>;
  /**
   * kafkajs request timeout in ms (default 10,000). Keep `requestTimeoutMs × (clientRetries + 1)`
   * within `timeoutMs`, so kafkajs's own retries can finish within a call; a warning is logged otherwise.
   */
  requestTimeoutMs?: number;
  /** kafkajs connection timeout in ms (default 3,000). */
  connectionTimeoutMs?: number;
  /** Deadline of `connect`, `send` and `ensureTopics` calls that set none (default 30,000 ms). */
  timeoutMs?: number;
  /** Deadline of `disconnect` calls that set none (default 10,000 ms). */
  disconnectTimeoutMs?: number;
  /** Deadline of the `healthCheck` probe (default 5,000 ms). */
  healthCheckTimeoutMs?: number;
  /** kafkajs's own retries per request (default 2); firestream's ProducerWrapper retries above this. */
  clientRetries?: number;
  /** Let the broker create unknown topics on first send (default true; broker setting permitting). */
  allowAutoTopicCreation?: boolean;
  /** Logger for the producer and for kafkajs's own log lines (default silent). */
  logger?: Logger;
  /** kafkajs messages passed to the logger (default `info`). */
  kafkaLogLevel?: KafkaLogLevelName;
  /** A kafkajs `Kafka` instance to reuse; `brokers`, `clientId`, `ssl`, `sasl`, timeouts and logging then come from it. */
  kafka?: Kafka;
  /**
   * Codec settings (zstd level, decompression bound, zstd backend). kafkajs's codecs are
   * process-wide: settings given here replace those in force for every kafkajs client in the
   * process (with a warning when they differ); without them the producer keeps the settings in
   * force, or installs the defaults when there are none yet.
   */
  codecs?: CompressionCodecOptions;
  /** Clock for latency measurements (default the system clock). */
  clock?: Clock;
}

/** Default kafkajs request timeout: a third of the default call deadline, so the default two retries fit in a call. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const compression = z.enum(COMPRESSION_NAMES as [CompressionName, ...CompressionName[]]);
const ms = (fallback: number) => z.int().min(1).max(2 ** 31 - 1).default(fallback);

/** Schema of the plain-data options (credentials and objects are checked separately, never echoed). */
const dataSchema = z.object({
  brokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')).min(1).optional(),
  clientId: z.string().min(1).default('firestream'),
  acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(-1),
  idempotent: z.boolean().default(false),
  defaultCompression: compression.default('none'),
  topicCompression: z.record(z.string().min(1), compression).default({}),
  requestTimeoutMs: ms(DEFAULT_REQUEST_TIMEOUT_MS),
  connectionTimeoutMs: ms(3_000),
  timeoutMs: ms(DEFAULT_PRODUCER_TIMEOUT_MS),
  disconnectTimeoutMs: ms(10_000),
  healthCheckTimeoutMs: ms(5_000),
  clientRetries: z.int().min(0).max(20).default(2),
  allowAutoTopicCreation: z.boolean().default(true),
  kafkaLogLevel: z.enum(['nothing', 'error', 'warn', 'info', 'debug']).default('info'),
});

/**
 * Options after validation, with defaults applied.
 *
 * @internal
 */
export type ResolvedKafkaJsOptions = z.output<typeof dataSchema> & {
  logger: Logger;
  clock: Clock;
  codecs?: CompressionCodecOptions;
  kafka?: Kafka;
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
};

const DATA_KEYS = Object.keys(dataSchema.shape) as (keyof typeof dataSchema.shape)[];

/** Validates producer options without mutating them; throws `INVALID_OPTION` naming the option. */
export function resolveKafkaJsOptions(options: KafkaJsProducerOptions): ResolvedKafkaJsOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
  const data: Record<string, unknown> = {};
  for (const key of DATA_KEYS) if (options[key] !== undefined) data[key] = options[key];
  const parsed = parseOptions(dataSchema, data, '');
  if (!options.kafka && !parsed.brokers) throw new InvalidOptionError('brokers', options.brokers, 'must list at least one host:port when no "kafka" instance is given');
  if (parsed.idempotent && parsed.acks !== -1) throw new InvalidOptionError('acks', parsed.acks, 'must be -1 (all) when "idempotent" is true');
  const { ssl, sasl } = options;
  if (ssl !== undefined && typeof ssl !== 'boolean' && (ssl === null || typeof ssl !== 'object')) {
    throw new InvalidOptionError('ssl', typeof ssl, 'must be a boolean or a tls options object');
  }
  const mechanism: unknown = sasl === null || typeof sasl !== 'object' ? undefined : (sasl as { mechanism?: unknown }).mechanism;
  if (sasl !== undefined && typeof mechanism !== 'string') {
    // Never echo the value: it holds credentials.
    throw new InvalidOptionError('sasl.mechanism', typeof mechanism, 'must be a SASL mechanism name (plain, scram-sha-256, scram-sha-512, aws, oauthbearer)');
  }
  return {
    ...parsed,
    topicCompression: { ...parsed.topicCompression },
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    codecs: options.codecs === undefined ? undefined : { ...options.codecs },
    kafka: options.kafka,
    ssl: ssl === undefined || typeof ssl === 'boolean' ? ssl : { ...ssl },
    sasl,
  };
}

/** Builds the kafkajs client configuration; warns about unverified TLS and SASL without TLS. */
export function buildKafkaConfig(options: ResolvedKafkaJsOptions): KafkaConfig {
  const { ssl, sasl, logger } = options;
  if (typeof ssl === 'object' && ssl.rejectUnauthorized === false) {
    logger.warn({ component: 'producer', option: 'ssl.rejectUnauthorized' }, 'TLS certificate verification is disabled by your options; connections can be intercepted.');
  }
  if (sasl && !ssl) {
    logger.warn({ component: 'producer', mechanism: sasl.mechanism }, 'SASL is configured without TLS; credentials and data travel unencrypted.');
  }
  return {
    clientId: options.clientId,
    brokers: options.brokers ?? [],
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    enforceRequestTimeout: true,
    retry: { retries: options.clientRetries },
    logLevel: kafkaLogLevel(options.kafkaLogLevel),
    logCreator: createKafkaLogCreator(logger),
  };
}

/**
 * Warns through the logger when kafkajs's retries of one request cannot finish within a call's
 * deadline (`requestTimeoutMs × (clientRetries + 1) > timeoutMs`): such a call then ends in
 * `PRODUCER_TIMEOUT` (outcome unknown) instead of kafkajs's own error, and kafkajs keeps
 * retrying in the background.
 */
export function warnAboutTimeoutBudget(options: ResolvedKafkaJsOptions): void {
  const { requestTimeoutMs, clientRetries, timeoutMs, logger } = options;
  const budget = requestTimeoutMs * (clientRetries + 1);
  if (budget <= timeoutMs) return;
  logger.warn(
    { component: 'producer', requestTimeoutMs, clientRetries, timeoutMs },
    `requestTimeoutMs (${requestTimeoutMs}) × (clientRetries (${clientRetries}) + 1) = ${budget} ms exceeds timeoutMs (${timeoutMs}): calls can time out while kafkajs is still retrying. Lower requestTimeoutMs or clientRetries, or raise timeoutMs.`,
  );
}
