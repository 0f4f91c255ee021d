import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { ErrorCodes, InvalidOptionError, isFirestreamError } from '../errors.js';
import { resolveTimeoutMs, withDeadline } from '../producer/deadline.js';
import { isRetryable } from '../producer/kafkajs-errors.js';
import { buildKafkaConfig, resolveKafkaJsOptions } from '../producer/kafkajs-options.js';
import type { KafkaJsProducerOptions } from '../producer/kafkajs-options.js';
import { TrackedClient } from '../producer/tracked-client.js';
import type { LagReadOptions, LagSource } from './lag-source.js';
import { DEFAULT_LAG_READ_TIMEOUT_MS, lagUnavailable, throttlingAborted } from './lag-source.js';

export { DEFAULT_LAG_READ_TIMEOUT_MS } from './lag-source.js';

/** Connection options shared with the producer: the same client settings, built the same way. */
export type KafkaConnectionOptions = Pick<
  KafkaJsProducerOptions,
  'brokers' | 'clientId' | 'ssl' | 'sasl' | 'requestTimeoutMs' | 'connectionTimeoutMs' | 'clientRetries' | 'logger' | 'kafkaLogLevel' | 'kafka'
>;

/** Options of {@link KafkaLagSource}. */
export interface KafkaLagSourceOptions extends KafkaConnectionOptions {
  /** Consumer groups whose lag is summed (at least one). */
  groupIds: readonly string[];
  /**
   * Topics to count. Without it, each group's lag covers the topics it has committed offsets for;
   * with it, partitions of these topics that a group never committed count in full (see
   * {@link KafkaLagSource}).
   */
  topics?: readonly string[];
  /** Deadline of one lag read in ms (default {@link DEFAULT_LAG_READ_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** The lag of one partition for one group. */
export interface PartitionLag {
  /** Consumer group. */
  readonly groupId: string;
  /** Topic. */
  readonly topic: string;
  /** Partition number. */
  readonly partition: number;
  /** High watermark: the offset the next record written will get. */
  readonly high: number;
  /** Low watermark: the oldest offset still retained. */
  readonly low: number;
  /** The group's committed offset, -1 when it has none. */
  readonly committed: number;
  /** Records the group has yet to consume: `high − max(committed, low)`, at least 0; `high − low` without a commit. */
  readonly lag: number;
}

/** A lag read with its parts. */
export interface ConsumerLagReport {
  /** Sum of the partitions' lag. */
  readonly total: number;
  /** Every partition counted, by group, topic and partition. */
  readonly partitions: readonly PartitionLag[];
}

interface AdminSlot {
  readonly client: TrackedClient<Admin>;
  readonly ready: Promise<Admin>;
}

function checkNames(option: string, value: unknown, required: boolean): readonly string[] | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || (required && value.length === 0) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new InvalidOptionError(option, value, `must be a list of ${required ? 'at least one ' : ''}non-empty name${required ? '' : 's'}`);
  }
  return Object.freeze([...new Set(value as string[])]);
}

/**
 * Consumer-group lag read from the brokers with the kafkajs admin client: for every group and
 * topic, the sum over partitions of the high watermark minus the committed offset.
 *
 * A partition without a committed offset (-1) counts as `high − low`, every record still
 * retained: a consumer that starts now reads from the earliest offset (kafkajs's and
 * firestream's consumers default to that), and treating it as 0 would hide a backlog nobody
 * consumes. A committed offset under the low watermark (records deleted by retention) counts from
 * the low watermark. To keep topics a group never consumes out of the sum, leave `topics` unset.
 *
 * One admin connection is opened on the first read and reused until {@link KafkaLagSource.close}.
 * Every read has a deadline and takes an AbortSignal. A read that fails (broker down, a topic
 * deleted, a group without commits and no `topics`) rejects with `FIRESTREAM_LAG_UNAVAILABLE`,
 * the kafkajs error as `cause`. Client options (brokers, TLS, SASL, client id, timeouts) and
 * logging are built exactly as for the producer.
 */
export class KafkaLagSource implements LagSource {
  readonly #kafka: Kafka;
  readonly #groupIds: readonly string[];
  readonly #topics: readonly string[] | undefined;
  readonly #timeoutMs: number;
  readonly #clientRetries: number;
  #admin: AdminSlot | undefined;
  #closed = false;

  constructor(options: KafkaLagSourceOptions) {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
    this.#groupIds = checkNames('groupIds', options.groupIds, true) as readonly string[];
    this.#topics = checkNames('topics', options.topics, false);
    this.#timeoutMs = resolveTimeoutMs(options.timeoutMs, DEFAULT_LAG_READ_TIMEOUT_MS);
    const { groupIds: _g, topics: _t, timeoutMs: _ms, ...connection } = options;
    const resolved = resolveKafkaJsOptions(connection);
    this.#clientRetries = resolved.clientRetries;
    this.#kafka = resolved.kafka ?? new kafkajs.Kafka(buildKafkaConfig(resolved));
  }

  /** The groups whose lag is summed. */
  get groupIds(): readonly string[] {
    return this.#groupIds;
  }

  /** Total lag in records over the groups and topics. */
  async getLag(options: LagReadOptions = {}): Promise<number> {
    return (await this.describeLag(options)).total;
  }

  /**
   * The lag of every partition counted, and their sum.
   *
   * @throws `FIRESTREAM_LAG_UNAVAILABLE` (cause: the kafkajs error; at the deadline, no cause and
   *   `context.timeoutMs`); `FIRESTREAM_ABORTED` when `signal` aborts.
   */
  async describeLag(options: LagReadOptions & { timeoutMs?: number } = {}): Promise<ConsumerLagReport> {
    const { signal } = options;
    if (signal?.aborted) throw throttlingAborted('getLag', signal);
    if (this.#closed) throw lagUnavailable('This KafkaLagSource is closed; create a new one to read consumer lag.', { retryable: false });
    const timeoutMs = resolveTimeoutMs(options.timeoutMs, this.#timeoutMs);
    try {
      return await withDeadline(() => this.#withAdmin((admin) => this.#read(admin)), { operation: 'getLag', timeoutMs, signal });
    } catch (err) {
      if (isFirestreamError(err, ErrorCodes.ABORTED) && signal?.aborted) throw throttlingAborted('getLag', signal);
      if (isFirestreamError(err, ErrorCodes.LAG_UNAVAILABLE)) throw err;
      const groups = this.#groupIds.join(', ');
      const context = { groupIds: this.#groupIds, topics: this.#topics };
      if (isFirestreamError(err, ErrorCodes.PRODUCER_TIMEOUT)) {
        // The deadline's own error speaks of a producer call; the message here says all there is.
        throw lagUnavailable(`Consumer lag of group ${groups} could not be read: the lag read did not finish within ${timeoutMs} ms (timeoutMs).`, {
          context: { ...context, timeoutMs },
        });
      }
      throw lagUnavailable(`Consumer lag of group ${groups} could not be read: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}.`, {
        cause: err,
        retryable: isFirestreamError(err) ? err.retryable : isRetryable(err),
        context,
      });
    }
  }

  /** Closes the admin connection (idempotent); later reads reject with `FIRESTREAM_LAG_UNAVAILABLE`. */
  async close(): Promise<void> {
    this.#closed = true;
    const slot = this.#admin;
    this.#admin = undefined;
    if (slot) await slot.client.retire();
  }

  async #read(admin: Admin): Promise<ConsumerLagReport> {
    const watermarks = new Map<string, Promise<Map<number, { high: number; low: number }>>>();
    const watermarksOf = (topic: string) => {
      let pending = watermarks.get(topic);
      if (pending === undefined) {
        pending = admin.fetchTopicOffsets(topic).then((list) => new Map(list.map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }])));
        watermarks.set(topic, pending);
      }
      return pending;
    };
    const perGroup = await Promise.all(
      this.#groupIds.map(async (groupId) => {
        const committed = await admin.fetchOffsets({ groupId, ...(this.#topics ? { topics: [...this.#topics] } : {}) });
        if (committed.length === 0) {
          throw lagUnavailable(`Consumer group ${groupId} has no committed offsets, so its lag is unknown; set "topics" to count partitions it has not consumed yet.`, { context: { groupId } });
        }
        const rows = await Promise.all(
          committed.map(async ({ topic, partitions }) => {
            const marks = await watermarksOf(topic);
            return partitions.map(({ partition, offset }): PartitionLag => {
              const mark = marks.get(partition);
              if (mark === undefined) throw lagUnavailable(`Partition ${topic}[${partition}] has no watermarks (topic deleted or recreated?).`, { context: { groupId, topic, partition } });
              const done = Number(offset);
              const from = done < 0 ? mark.low : Math.max(done, mark.low);
              return Object.freeze({ groupId, topic, partition, high: mark.high, low: mark.low, committed: done < 0 ? -1 : done, lag: Math.max(0, mark.high - from) });
            });
          }),
        );
        return rows.flat();
      }),
    );
    const partitions = perGroup.flat();
    return Object.freeze({ total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions: Object.freeze(partitions) });
  }

  /** Runs `fn` on the admin client, connected once on first use and again after a failed connect. */
  #withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    let slot = this.#admin;
    if (slot === undefined) {
      const client = new TrackedClient(this.#kafka.admin({ retry: { retries: this.#clientRetries } }));
      const ready = client.track(client.client.connect()).then(() => client.client);
      const created: AdminSlot = { client, ready };
      ready.catch(() => {
        if (this.#admin === created) this.#admin = undefined;
        void client.retire({ afterWork: true });
      });
      this.#admin = slot = created;
    }
    return slot.client.track(slot.ready.then(fn));
  }
}
