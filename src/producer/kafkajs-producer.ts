import kafkajs from 'kafkajs';
import type { Admin, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { ErrorCodes, FirestreamError } from '../errors.js';
import type { CompressionName } from './codecs/codec.js';
import { kafkaCompressionType, registerCompressionCodecs } from './codecs/register-codecs.js';
import { withDeadline } from './deadline.js';
import { wrapKafkaError } from './kafkajs-errors.js';
import { buildKafkaConfig, resolveKafkaJsOptions } from './kafkajs-options.js';
import type { KafkaJsProducerOptions, ResolvedKafkaJsOptions } from './kafkajs-options.js';
import { EMPTY_SEND_RESULT } from './record-producer.js';
import type { ProducerCallOptions, ProducerHealth, RecordProducer, SendResult, TopicBatch } from './record-producer.js';
import { buildSendResult, planSend } from './send-plan.js';
import { waitUntilWritable } from './topic-readiness.js';
import { resolveTopicSpecs, topicConfigEntries } from './topic-spec.js';
import type { TopicSpec } from './topic-spec.js';

const { Kafka: KafkaClient, Partitioners } = kafkajs;

/** Result of {@link KafkaJsProducer.ensureTopics}. */
export interface EnsureTopicsResult {
  /** Topics this call created. */
  readonly created: readonly string[];
  /** Topics that existed already (left unchanged). */
  readonly existing: readonly string[];
}

type State = 'disconnected' | 'connecting' | 'connected';

/**
 * A {@link RecordProducer} on kafkajs: one `sendBatch` per compression codec (topics grouped by
 * their codec, groups sent in parallel; one at a time, in call order, when idempotent), acks `-1`
 * by default, TLS verified by default, kafkajs
 * logs routed to the injected logger with credentials redacted, every call bounded by a deadline.
 * Registers firestream's gzip, LZ4 and zstd codecs with kafkajs on construction.
 */
export class KafkaJsProducer implements RecordProducer {
  readonly #options: ResolvedKafkaJsOptions;
  readonly #kafka: Kafka;
  readonly #specCompression = new Map<string, CompressionName>();
  #state: State = 'disconnected';
  #producer: Producer | undefined;
  #connecting: Promise<void> | undefined;
  #admin: Promise<Admin> | undefined;
  #generation = 0;
  #sendChain: Promise<void> = Promise.resolve();

  constructor(options: KafkaJsProducerOptions) {
    this.#options = resolveKafkaJsOptions(options);
    registerCompressionCodecs(this.#options.codecs);
    this.#kafka = this.#options.kafka ?? new KafkaClient(buildKafkaConfig(this.#options));
  }

  /** True between a successful `connect()` and `disconnect()`. */
  get connected(): boolean {
    return this.#state === 'connected';
  }

  /** The codec used for `topic`: `topicCompression`, then the topic's spec, then the default. */
  compressionFor(topic: string): CompressionName {
    return this.#options.topicCompression[topic] ?? this.#specCompression.get(topic) ?? this.#options.defaultCompression;
  }

  /** Connects the producer; concurrent calls share one attempt. A no-op when connected. */
  async connect(options: ProducerCallOptions = {}): Promise<void> {
    if (this.#state === 'connected') return;
    if (this.#connecting) {
      const attempt = this.#connecting;
      return withDeadline(() => attempt, this.#callOptions('connect', options));
    }
    const { idempotent, allowAutoTopicCreation, clientRetries, logger, clientId } = this.#options;
    const producer = this.#kafka.producer({
      idempotent,
      allowAutoTopicCreation,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: clientRetries },
      ...(idempotent ? { maxInFlightRequests: 1 } : {}),
    });
    const generation = this.#generation;
    this.#state = 'connecting';
    this.#connecting = withDeadline(() => producer.connect(), this.#callOptions('connect', options)).then(
      () => {
        if (generation !== this.#generation) {
          producer.disconnect().catch(() => undefined);
          throw new FirestreamError(ErrorCodes.ABORTED, 'Producer connect was superseded by disconnect().', { context: { operation: 'connect' } });
        }
        this.#producer = producer;
        this.#state = 'connected';
        this.#connecting = undefined;
        logger.info({ component: 'producer', clientId }, 'Kafka producer connected');
      },
      (err: unknown) => {
        if (generation === this.#generation) {
          this.#state = 'disconnected';
          this.#connecting = undefined;
        }
        producer.disconnect().catch(() => undefined); // stops a connect that outlived its deadline
        throw wrapKafkaError(err, { operation: 'connect' });
      },
    );
    return this.#connecting;
  }

  /** Sends the batches; see {@link RecordProducer.send}. */
  async send(batches: readonly TopicBatch[], options: ProducerCallOptions = {}): Promise<SendResult> {
    const producer = this.#producer;
    if (this.#state !== 'connected' || !producer) {
      throw new FirestreamError(ErrorCodes.PRODUCER_NOT_CONNECTED, 'KafkaJsProducer.send() was called while not connected; call connect() first.', {
        retryable: true,
      });
    }
    const plan = planSend(batches, (topic) => this.compressionFor(topic));
    if (plan.groups.length === 0) return EMPTY_SEND_RESULT;
    const topics = [...plan.counts.keys()];
    const { acks, requestTimeoutMs, idempotent } = this.#options;
    const sendOne = (group: (typeof plan.groups)[number]): Promise<RecordMetadata[]> =>
      producer.sendBatch({ acks, timeout: requestTimeoutMs, compression: kafkaCompressionType(group.compression), topicMessages: group.topicMessages });
    const sendGroups = async (signal: AbortSignal): Promise<RecordMetadata[]> => {
      // Codec groups go out in parallel (measured no slower than in sequence on one broker). An
      // idempotent producer sends one request at a time, in call order: concurrent produce
      // requests can break kafkajs's sequence numbers (tulios/kafkajs#598).
      if (!idempotent) return (await Promise.all(plan.groups.map(sendOne))).flat();
      const previous = this.#sendChain;
      let release = (): void => undefined;
      this.#sendChain = new Promise<void>((resolve) => (release = resolve));
      try {
        await previous;
        if (signal.aborted) throw signal.reason;
        const metadata: RecordMetadata[] = [];
        for (const group of plan.groups) metadata.push(...(await sendOne(group)));
        return metadata;
      } finally {
        release();
      }
    };
    try {
      const metadata = await withDeadline(sendGroups, this.#callOptions('send', options));
      return buildSendResult(plan.counts, metadata);
    } catch (err) {
      throw wrapKafkaError(err, { operation: 'send', topics });
    }
  }

  /** Probes the cluster with a metadata request; never rejects. */
  async healthCheck(): Promise<ProducerHealth> {
    if (this.#state !== 'connected') return Object.freeze({ healthy: false, connected: false, error: 'not connected' });
    const { clock, healthCheckTimeoutMs } = this.#options;
    const started = clock.monotonic();
    try {
      await withDeadline(async () => (await this.#adminClient()).describeCluster(), { operation: 'healthCheck', timeoutMs: healthCheckTimeoutMs });
      return Object.freeze({ healthy: true, connected: this.connected, latencyMs: clock.monotonic() - started });
    } catch (err) {
      const error = wrapKafkaError(err, { operation: 'healthCheck' }).message;
      return Object.freeze({ healthy: false, connected: this.connected, latencyMs: clock.monotonic() - started, error });
    }
  }

  /**
   * Creates the topics that do not exist yet (partitions, replication factor, `retention.ms`,
   * `max.message.bytes`) and leaves existing ones unchanged. A spec's `compression` becomes the
   * topic's codec unless `topicCompression` names the topic. Needs no prior `connect()`. Resolves
   * once every partition of the created topics accepts writes, so a first send right after it
   * is not retried (a retry of a non-idempotent send can write a partition twice).
   */
  async ensureTopics(specs: readonly TopicSpec[], options: ProducerCallOptions = {}): Promise<EnsureTopicsResult> {
    const resolved = resolveTopicSpecs(specs);
    for (const spec of resolved) this.#specCompression.set(spec.name, spec.compression);
    if (resolved.length === 0) return Object.freeze({ created: [], existing: [] });
    const work = async (signal: AbortSignal): Promise<EnsureTopicsResult> => {
      const admin = await this.#adminClient();
      const present = new Set(await admin.listTopics());
      const missing = resolved.filter((s) => !present.has(s.name));
      const created: string[] = [];
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          timeout: this.#options.requestTimeoutMs,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: topicConfigEntries(s),
          })),
        });
        created.push(...missing.map((s) => s.name));
        await waitUntilWritable(admin, created, signal);
      }
      const existing = resolved.filter((s) => present.has(s.name)).map((s) => s.name);
      if (created.length > 0) this.#options.logger.info({ component: 'producer', created }, 'Created Kafka topics');
      return Object.freeze({ created: Object.freeze(created), existing: Object.freeze(existing) });
    };
    try {
      return await withDeadline(work, this.#callOptions('ensureTopics', options));
    } catch (err) {
      throw wrapKafkaError(err, { operation: 'ensureTopics', topics: resolved.map((s) => s.name) });
    }
  }

  /**
   * Disconnects the producer and the admin client. Idempotent and safe when never connected; the
   * producer counts as disconnected even when the call passes its deadline (`PRODUCER_TIMEOUT`).
   */
  async disconnect(options: ProducerCallOptions = {}): Promise<void> {
    const producer = this.#producer;
    const admin = this.#admin;
    const pendingConnect = this.#connecting;
    this.#generation += 1; // a connect still in flight disconnects its own producer when it lands
    this.#state = 'disconnected';
    this.#producer = undefined;
    this.#admin = undefined;
    this.#connecting = undefined;
    if (!producer && !admin) {
      pendingConnect?.catch(() => undefined);
      return;
    }
    const work = async (): Promise<void> => {
      await Promise.allSettled([producer?.disconnect(), admin?.then((a) => a.disconnect())]);
    };
    await withDeadline(work, { ...this.#callOptions('disconnect', options), defaultTimeoutMs: this.#options.disconnectTimeoutMs });
    this.#options.logger.info({ component: 'producer' }, 'Kafka producer disconnected');
  }

  #callOptions(operation: string, options: ProducerCallOptions): { operation: string; signal?: AbortSignal; timeoutMs?: number; defaultTimeoutMs: number } {
    return { operation, signal: options.signal, timeoutMs: options.timeoutMs, defaultTimeoutMs: this.#options.timeoutMs };
  }

  #adminClient(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.#kafka.admin({ retry: { retries: this.#options.clientRetries } });
      const connecting = admin.connect().then(() => admin);
      connecting.catch(() => {
        if (this.#admin === connecting) this.#admin = undefined;
      });
      this.#admin = connecting;
    }
    return this.#admin;
  }
}
