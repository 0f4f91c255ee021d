import kafkajs from 'kafkajs';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ErrorCodes, FirestreamError } from '../errors.js';
import type { CompressionName } from './codecs/codec.js';
import { ensureCompressionCodecs, kafkaCompressionType, registerCompressionCodecs } from './codecs/register-codecs.js';
import { withDeadline } from './deadline.js';
import type { DeadlineOptions } from './deadline.js';
import { wrapKafkaError } from './kafkajs-errors.js';
import { buildKafkaConfig, resolveKafkaJsOptions, warnAboutTimeoutBudget } from './kafkajs-options.js';
import type { KafkaJsProducerOptions, ResolvedKafkaJsOptions } from './kafkajs-options.js';
import { EMPTY_SEND_RESULT } from './record-producer.js';
import type { ProducerCallOptions, ProducerHealth, RecordProducer, SendResult, TopicBatch } from './record-producer.js';
import { sendGroupsInParallel, sendGroupsInSequence, settleGroups } from './send-groups.js';
import type { GroupSender } from './send-groups.js';
import { planSend } from './send-plan.js';
import { SerialQueue } from './serial-queue.js';
import { waitUntilWritable } from './topic-readiness.js';
import type { ReadinessProbeState } from './topic-readiness.js';
import { resolveTopicSpecs, topicConfigEntries } from './topic-spec.js';
import type { TopicSpec } from './topic-spec.js';
import { TrackedClient } from './tracked-client.js';

const { Kafka: KafkaClient, Partitioners } = kafkajs;

/** Result of {@link KafkaJsProducer.ensureTopics}. */
export interface EnsureTopicsResult {
  /** Topics this call created. */
  readonly created: readonly string[];
  /** Topics that existed already (left unchanged). */
  readonly existing: readonly string[];
}

type State = 'disconnected' | 'connecting' | 'connected';

/** The admin client, created on first use, with its connect attempt. */
interface AdminSlot {
  client: TrackedClient<Admin>;
  ready: Promise<Admin>;
  connected: boolean;
}

/**
 * One connected kafkajs producer and the queue its idempotent sends wait in. Each connection has
 * its own producer id and sequence numbers, so a new connection never waits for a request still
 * running on a retired one.
 */
interface ProducerConnection {
  client: TrackedClient<Producer>;
  sendQueue: SerialQueue;
}

/**
 * A {@link RecordProducer} on kafkajs: one `sendBatch` per compression codec (topics grouped by
 * their codec, groups sent in parallel; when idempotent, one at a time, in call order, per
 * connection), acks `-1`
 * by default, TLS verified by default, kafkajs logs routed to the injected logger with
 * credentials redacted, every call bounded by a deadline.
 *
 * Codecs: kafkajs's codec table is process-wide. A producer constructed with `codecs` installs
 * those settings for the whole process (warning through its logger when they replace different
 * ones); one without `codecs` installs firestream's defaults only when no settings are installed
 * yet.
 *
 * Deadlines do not cancel kafkajs: a request that passed its call's deadline keeps running inside
 * kafkajs until kafkajs gives up (roughly `requestTimeoutMs × (clientRetries + 1)` plus retry
 * backoff). `disconnect()` closes the connections at once and closes them again when such
 * leftover work settles, so connections and timers can outlive it by about that long.
 */
export class KafkaJsProducer implements RecordProducer {
  readonly #options: ResolvedKafkaJsOptions;
  readonly #kafka: Kafka;
  readonly #specCompression = new Map<string, CompressionName>();
  #state: State = 'disconnected';
  #producer: ProducerConnection | undefined;
  #attempt: { client: TrackedClient<Producer>; promise: Promise<void>; supersede: () => void } | undefined;
  #admin: AdminSlot | undefined;
  #generation = 0;

  constructor(options: KafkaJsProducerOptions) {
    this.#options = resolveKafkaJsOptions(options);
    const { codecs, logger } = this.#options;
    if (codecs) registerCompressionCodecs(codecs, logger);
    else ensureCompressionCodecs();
    warnAboutTimeoutBudget(this.#options);
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

  /**
   * Connects the producer. A no-op when connected. Concurrent calls share one kafkajs connect
   * attempt, which runs until kafkajs settles it; each call waits for it only within its own
   * deadline and signal. A call that times out or aborts leaves the attempt running: a later
   * `connect()` joins it, and if it succeeds the producer is connected; `disconnect()` drops it.
   */
  async connect(options: ProducerCallOptions = {}): Promise<void> {
    if (this.#state === 'connected') return;
    return withDeadline(() => this.#attempt?.promise ?? this.#startConnect(), this.#callOptions('connect', options));
  }

  #startConnect(): Promise<void> {
    const { idempotent, allowAutoTopicCreation, clientRetries, logger, clientId } = this.#options;
    const client = new TrackedClient(
      this.#kafka.producer({
        idempotent,
        allowAutoTopicCreation,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: clientRetries },
        ...(idempotent ? { maxInFlightRequests: 1 } : {}),
      }),
    );
    const generation = this.#generation;
    this.#state = 'connecting';
    const settled = client.track(client.client.connect()).then(
      () => {
        if (generation !== this.#generation) return; // dropped by disconnect(), which closes the client now that connect settled
        this.#producer = { client, sendQueue: new SerialQueue() };
        this.#state = 'connected';
        this.#attempt = undefined;
        logger.info({ component: 'producer', clientId }, 'Kafka producer connected');
      },
      (err: unknown) => {
        if (generation === this.#generation) {
          this.#state = 'disconnected';
          this.#attempt = undefined;
        }
        void client.retire({ afterWork: true }); // closes what kafkajs's connect retries left open
        throw wrapKafkaError(err, { operation: 'connect' });
      },
    );
    let supersede: () => void = () => undefined;
    const superseded = new Promise<never>((_, reject) => {
      supersede = () => reject(new FirestreamError(ErrorCodes.ABORTED, 'Producer connect was superseded by disconnect().', { context: { operation: 'connect' } }));
    });
    const promise = Promise.race([settled, superseded]);
    for (const p of [settled, superseded, promise]) p.catch(() => undefined); // callers may all have stopped waiting
    this.#attempt = { client, promise, supersede };
    return promise;
  }

  /**
   * Sends the batches; see {@link RecordProducer.send}. Topics with different codecs go in separate
   * kafkajs requests; the call waits for all of them, and when any fails, its error lists the
   * topics written (`context.delivered`) and those not written (`context.failed`).
   */
  async send(batches: readonly TopicBatch[], options: ProducerCallOptions = {}): Promise<SendResult> {
    const connection = this.#producer;
    if (this.#state !== 'connected' || !connection) {
      throw new FirestreamError(ErrorCodes.PRODUCER_NOT_CONNECTED, 'KafkaJsProducer.send() was called while not connected; call connect() first.', {
        retryable: true,
      });
    }
    const plan = planSend(batches, (topic) => this.compressionFor(topic));
    if (plan.groups.length === 0) return EMPTY_SEND_RESULT;
    const { acks, requestTimeoutMs, idempotent } = this.#options;
    const { client: producer, sendQueue } = connection;
    const sendOne: GroupSender = (group) =>
      producer.track(producer.client.sendBatch({ acks, timeout: requestTimeoutMs, compression: kafkaCompressionType(group.compression), topicMessages: group.topicMessages }));
    // Codec groups go out in parallel (measured no slower than in sequence on one broker). An
    // idempotent producer sends one request at a time, in call order (see SerialQueue), per
    // connection: after a reconnect, sends do not wait for requests left on the retired client.
    const work = async (signal: AbortSignal): Promise<SendResult> => {
      const outcomes = idempotent
        ? await sendQueue.run(() => sendGroupsInSequence(plan.groups, sendOne, signal), signal)
        : await sendGroupsInParallel(plan.groups, sendOne);
      return settleGroups(plan, outcomes);
    };
    try {
      return await withDeadline(work, this.#callOptions('send', options));
    } catch (err) {
      throw wrapKafkaError(err, { operation: 'send', topics: [...plan.counts.keys()] });
    }
  }

  /** Probes the cluster with a metadata request; never rejects. */
  async healthCheck(): Promise<ProducerHealth> {
    if (this.#state !== 'connected') return Object.freeze({ healthy: false, connected: false, error: 'not connected' });
    const { clock, healthCheckTimeoutMs } = this.#options;
    const started = clock.monotonic();
    try {
      await withDeadline(() => this.#withAdmin((admin) => admin.describeCluster()), { operation: 'healthCheck', timeoutMs: healthCheckTimeoutMs });
      return Object.freeze({ healthy: true, connected: this.connected, latencyMs: clock.monotonic() - started });
    } catch (err) {
      const error = wrapKafkaError(err, { operation: 'healthCheck' }).message;
      return Object.freeze({ healthy: false, connected: this.connected, latencyMs: clock.monotonic() - started, error });
    }
  }

  /**
   * Creates the topics that do not exist yet (partitions, replication factor, `retention.ms`,
   * `max.message.bytes`) and leaves existing ones unchanged. A spec's `compression` becomes the
   * topic's codec unless `topicCompression` names the topic. Needs no prior `connect()`.
   *
   * Resolves once every partition of every listed topic accepts writes (created or existing: a
   * topic created by an earlier call that timed out may not be writable yet; a healthy one answers
   * the first probe), so a first send right after it is not retried (a retry of a non-idempotent
   * send can write a partition twice). A probe failing with a non-retryable error (an
   * authorization failure, say) fails the call at once; past the deadline, the
   * `PRODUCER_TIMEOUT` carries the last failed probe as its `cause`.
   */
  async ensureTopics(specs: readonly TopicSpec[], options: ProducerCallOptions = {}): Promise<EnsureTopicsResult> {
    const resolved = resolveTopicSpecs(specs);
    for (const spec of resolved) this.#specCompression.set(spec.name, spec.compression);
    if (resolved.length === 0) return Object.freeze({ created: [], existing: [] });
    const probes: ReadinessProbeState = {};
    const work = (signal: AbortSignal): Promise<EnsureTopicsResult> =>
      this.#withAdmin(async (admin) => {
        const present = new Set(await admin.listTopics());
        const missing = resolved.filter((s) => !present.has(s.name));
        const created = missing.map((s) => s.name);
        if (missing.length > 0) {
          if (signal.aborted) throw signal.reason;
          await admin.createTopics({
            waitForLeaders: true,
            timeout: this.#options.requestTimeoutMs,
            topics: missing.map((s) => ({ topic: s.name, numPartitions: s.partitions, replicationFactor: s.replicationFactor, configEntries: topicConfigEntries(s) })),
          });
          this.#options.logger.info({ component: 'producer', created }, 'Created Kafka topics');
        }
        await waitUntilWritable(admin, resolved.map((s) => s.name), signal, probes);
        const existing = resolved.filter((s) => present.has(s.name)).map((s) => s.name);
        return Object.freeze({ created: Object.freeze(created), existing: Object.freeze(existing) });
      });
    try {
      return await withDeadline(work, { ...this.#callOptions('ensureTopics', options), timeoutCause: () => probes.lastError });
    } catch (err) {
      throw wrapKafkaError(err, { operation: 'ensureTopics', topics: resolved.map((s) => s.name) });
    }
  }

  /**
   * Disconnects the producer and the admin client. Idempotent and safe when never connected; the
   * producer counts as disconnected even when the call passes its deadline (`PRODUCER_TIMEOUT`).
   *
   * It does not cancel work already inside kafkajs: a connect attempt still running is dropped
   * (callers waiting for it get `ABORTED`) and its client closed once kafkajs settles it; a send
   * or admin request still in flight is left to finish (kafkajs waits for pending requests, at
   * most `requestTimeoutMs` each) and its client is closed again once it settles, since kafkajs's
   * retries can reopen connections.
   */
  async disconnect(options: ProducerCallOptions = {}): Promise<void> {
    const producer = this.#producer;
    const admin = this.#admin;
    const attempt = this.#attempt;
    this.#generation += 1;
    this.#state = 'disconnected';
    this.#producer = undefined;
    this.#admin = undefined;
    this.#attempt = undefined;
    attempt?.supersede();
    void attempt?.client.retire({ afterWork: true });
    if (admin && !admin.connected) void admin.client.retire({ afterWork: true });
    const closing = [producer?.client.retire(), admin?.connected ? admin.client.retire() : undefined].filter((p) => p !== undefined);
    if (closing.length === 0) return;
    await withDeadline(() => Promise.all(closing), { ...this.#callOptions('disconnect', options), defaultTimeoutMs: this.#options.disconnectTimeoutMs });
    this.#options.logger.info({ component: 'producer' }, 'Kafka producer disconnected');
  }

  #callOptions(operation: string, options: ProducerCallOptions): DeadlineOptions & { defaultTimeoutMs: number } {
    return { operation, signal: options.signal, timeoutMs: options.timeoutMs, defaultTimeoutMs: this.#options.timeoutMs };
  }

  /** Runs `fn` on the admin client (created and connected on first use), tracking it until it settles. */
  #withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    let slot = this.#admin;
    if (!slot) {
      const client = new TrackedClient(this.#kafka.admin({ retry: { retries: this.#options.clientRetries } }));
      const created: AdminSlot = { client, connected: false, ready: Promise.resolve(client.client) };
      created.ready = client.track(client.client.connect()).then(() => {
        created.connected = true;
        return client.client;
      });
      created.ready.catch(() => {
        if (this.#admin === created) this.#admin = undefined;
        void client.retire({ afterWork: true });
      });
      this.#admin = slot = created;
    }
    return slot.client.track(slot.ready.then(fn));
  }
}
