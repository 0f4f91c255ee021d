import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import { withDeadline } from '../producer/deadline.js';
import { EMPTY_SEND_RESULT } from '../producer/record-producer.js';
import type { OutgoingMessage, PartitionAck, ProducerCallOptions, ProducerHealth, RecordProducer, SendResult, TopicBatch, TopicSendResult } from '../producer/record-producer.js';

/** A message as {@link InMemoryProducer} stored it, normalised the way a broker returns it. */
export interface StoredMessage {
  /** Topic it was written to. */
  readonly topic: string;
  /** Partition it was written to. */
  readonly partition: number;
  /** Offset within the partition, from 0. */
  readonly offset: number;
  /** Key bytes, or null. */
  readonly key: Buffer | null;
  /** Value bytes, or null (tombstone). */
  readonly value: Buffer | null;
  /** Headers, each value as bytes. */
  readonly headers: Readonly<Record<string, Buffer>>;
  /** Timestamp in epoch ms (the message's own, else the clock's). */
  readonly timestamp: number;
}

/** Options of {@link InMemoryProducer}. */
export interface InMemoryProducerOptions {
  /** Partitions per topic: one number for all topics, or per topic with `default` (default 3). */
  partitions?: number | { default: number; topics?: Record<string, number> };
  /** Largest message (key + value + headers, in bytes) accepted; larger ones fail with `RECORD_TOO_LARGE`. */
  maxMessageBytes?: number;
  /** Delay of every send in ms (default 0); deadlines and aborts apply during it. */
  latencyMs?: number;
  /** Default deadline of calls that set none (default 30,000 ms). */
  timeoutMs?: number;
  /** Clock for message timestamps (default the system clock). */
  clock?: Clock;
}

const toBuffer = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : Buffer.from(v));

/** FNV-1a over the key bytes: deterministic, not Kafka's murmur2. */
function hashKey(key: Buffer): number {
  let h = 0x811c9dc5;
  for (const byte of key) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/**
 * A faithful in-memory {@link RecordProducer} for tests: it keeps every sent message per topic and
 * partition with offsets, refuses sends before `connect()`, honours deadlines and AbortSignals,
 * and lets a test inject failures ({@link InMemoryProducer.failNext}), an outage
 * ({@link InMemoryProducer.setAvailable}), latency and a `maxMessageBytes` limit. A failed send
 * stores nothing.
 */
export class InMemoryProducer implements RecordProducer {
  readonly #log = new Map<string, StoredMessage[][]>();
  readonly #roundRobin = new Map<string, number>();
  readonly #partitions: { default: number; topics: Record<string, number> };
  readonly #maxMessageBytes: number;
  readonly #timeoutMs: number | undefined;
  readonly #clock: Clock;
  #latencyMs: number;
  #connected = false;
  #available = true;
  #failures: { remaining: number; error: () => Error } | undefined;
  #sendCalls = 0;

  constructor(options: InMemoryProducerOptions = {}) {
    const p = options.partitions ?? 3;
    this.#partitions = typeof p === 'number' ? { default: p, topics: {} } : { default: p.default, topics: { ...p.topics } };
    for (const [name, n] of Object.entries({ default: this.#partitions.default, ...this.#partitions.topics })) {
      if (!Number.isInteger(n) || n < 1) throw new InvalidOptionError(`partitions.${name}`, n, 'must be a positive integer');
    }
    this.#maxMessageBytes = options.maxMessageBytes ?? Number.POSITIVE_INFINITY;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#timeoutMs = options.timeoutMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** True between `connect()` and `disconnect()`. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Number of `send()` calls so far, failed ones included. */
  get sendCalls(): number {
    return this.#sendCalls;
  }

  /** Connects (instantly, unless aborted). */
  async connect(options: ProducerCallOptions = {}): Promise<void> {
    await withDeadline(async () => undefined, this.#call('connect', options));
    this.#connected = true;
  }

  /** Stores the batches after the configured latency; see {@link RecordProducer.send}. */
  async send(batches: readonly TopicBatch[], options: ProducerCallOptions = {}): Promise<SendResult> {
    this.#sendCalls += 1;
    if (!this.#connected) {
      throw new FirestreamError(ErrorCodes.PRODUCER_NOT_CONNECTED, 'InMemoryProducer.send() was called while not connected; call connect() first.', { retryable: true });
    }
    await withDeadline(async (signal) => {
      if (this.#latencyMs > 0) await sleep(this.#latencyMs, signal);
      if (signal.aborted) throw signal.reason;
    }, this.#call('send', options));
    // Stored only once the call can no longer time out or abort: a rejected call stores nothing.
    return this.#store(batches);
  }

  /** Healthy while connected and available. */
  async healthCheck(): Promise<ProducerHealth> {
    if (!this.#connected) return Object.freeze({ healthy: false, connected: false, error: 'not connected' });
    if (!this.#available) return Object.freeze({ healthy: false, connected: true, latencyMs: 0, error: 'broker unavailable (simulated)' });
    return Object.freeze({ healthy: true, connected: true, latencyMs: 0 });
  }

  /** Disconnects; idempotent. */
  async disconnect(options: ProducerCallOptions = {}): Promise<void> {
    this.#connected = false;
    await withDeadline(async () => undefined, this.#call('disconnect', options));
  }

  /**
   * Makes the next `n` sends fail with `error` (default: a retryable `PRODUCER_SEND_FAILED`).
   * Pass a function to get a fresh error per failure.
   */
  failNext(n = 1, error?: Error | (() => Error)): void {
    if (!Number.isInteger(n) || n < 0) throw new InvalidOptionError('n', n, 'must be a non-negative integer');
    const make =
      typeof error === 'function'
        ? error
        : () => error ?? new FirestreamError(ErrorCodes.PRODUCER_SEND_FAILED, 'Injected send failure (InMemoryProducer.failNext).', { retryable: true });
    this.#failures = n === 0 ? undefined : { remaining: n, error: make };
  }

  /** Simulates a broker outage: while unavailable, sends fail (retryable) and health is unhealthy. */
  setAvailable(available: boolean): void {
    this.#available = available;
  }

  /** Changes the delay of every send. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new InvalidOptionError('latencyMs', ms, 'must be a non-negative number');
    this.#latencyMs = ms;
  }

  /** Messages stored for `topic` (all partitions, ordered by partition then offset). */
  messages(topic: string): StoredMessage[] {
    return (this.#log.get(topic) ?? []).flat();
  }

  /** Messages stored for one partition of `topic`, in offset order. */
  partitionMessages(topic: string, partition: number): StoredMessage[] {
    return [...(this.#log.get(topic)?.[partition] ?? [])];
  }

  /** Topics that received at least one message. */
  topics(): string[] {
    return [...this.#log.keys()];
  }

  /** Forgets every stored message (offsets restart at 0). */
  clear(): void {
    this.#log.clear();
    this.#roundRobin.clear();
  }

  #call(operation: string, options: ProducerCallOptions): { operation: string; signal?: AbortSignal; timeoutMs?: number; defaultTimeoutMs?: number } {
    return { operation, signal: options.signal, timeoutMs: options.timeoutMs, ...(this.#timeoutMs === undefined ? {} : { defaultTimeoutMs: this.#timeoutMs }) };
  }

  #partitionCount(topic: string): number {
    return this.#partitions.topics[topic] ?? this.#partitions.default;
  }

  #choosePartition(topic: string, message: OutgoingMessage, key: Buffer | null, where: string): number {
    const count = this.#partitionCount(topic);
    if (message.partition !== undefined) {
      if (!Number.isInteger(message.partition) || message.partition < 0 || message.partition >= count) {
        throw new InvalidOptionError(`${where}.partition`, message.partition, `must be an existing partition of "${topic}" (0..${count - 1})`);
      }
      return message.partition;
    }
    if (key) return hashKey(key) % count;
    const next = this.#roundRobin.get(topic) ?? 0;
    this.#roundRobin.set(topic, next + 1);
    return next % count;
  }

  #store(batches: readonly TopicBatch[]): SendResult {
    if (this.#failures) {
      const failure = this.#failures;
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures = undefined;
      throw failure.error();
    }
    if (!this.#available) {
      throw new FirestreamError(ErrorCodes.PRODUCER_SEND_FAILED, 'Broker unavailable (InMemoryProducer.setAvailable(false)).', { retryable: true });
    }
    if (!Array.isArray(batches)) throw new InvalidOptionError('batches', batches, 'must be an array of { topic, messages }');
    // Validate and normalise everything first so a failed send stores nothing.
    const staged: StoredMessage[] = [];
    const counts = new Map<string, number>();
    const next = new Map<string, number>();
    batches.forEach((batch, i) => {
      if (!batch || typeof batch.topic !== 'string' || batch.topic.length === 0) throw new InvalidOptionError(`batches[${i}].topic`, batch?.topic, 'must be a non-empty topic name');
      if (!Array.isArray(batch.messages)) throw new InvalidOptionError(`batches[${i}].messages`, batch.messages, 'must be an array');
      batch.messages.forEach((m: OutgoingMessage, j: number) => {
        const where = `batches[${i}].messages[${j}]`;
        const key = m.key === undefined || m.key === null ? null : toBuffer(m.key);
        const value = m.value === null ? null : toBuffer(m.value);
        const headers: Record<string, Buffer> = {};
        let size = (key?.length ?? 0) + (value?.length ?? 0);
        for (const [name, v] of Object.entries<string | Buffer>(m.headers ?? {})) {
          headers[name] = toBuffer(v);
          size += Buffer.byteLength(name) + (headers[name]?.length ?? 0);
        }
        if (size > this.#maxMessageBytes) {
          throw new FirestreamError(ErrorCodes.RECORD_TOO_LARGE, `Message ${where} for topic "${batch.topic}" is ${size} bytes, over the limit of ${this.#maxMessageBytes} bytes.`, {
            context: { topic: batch.topic, size, maxMessageBytes: this.#maxMessageBytes },
          });
        }
        const partition = this.#choosePartition(batch.topic, m, key, where);
        const slot = `${batch.topic}\u0000${partition}`;
        const offset = (this.#log.get(batch.topic)?.[partition]?.length ?? 0) + (next.get(slot) ?? 0);
        next.set(slot, (next.get(slot) ?? 0) + 1);
        const timestamp = m.timestamp === undefined ? this.#clock.now() : Number(m.timestamp);
        staged.push(Object.freeze({ topic: batch.topic, partition, offset, key, value, headers: Object.freeze(headers), timestamp }));
        counts.set(batch.topic, (counts.get(batch.topic) ?? 0) + 1);
      });
    });
    if (staged.length === 0) return EMPTY_SEND_RESULT;
    const acks = new Map<string, Map<number, { baseOffset: number; count: number }>>();
    for (const message of staged) {
      let partitions = this.#log.get(message.topic);
      if (!partitions) this.#log.set(message.topic, (partitions = Array.from({ length: this.#partitionCount(message.topic) }, () => [])));
      partitions[message.partition]?.push(message);
      let perTopic = acks.get(message.topic);
      if (!perTopic) acks.set(message.topic, (perTopic = new Map()));
      const ack = perTopic.get(message.partition);
      if (ack) ack.count += 1;
      else perTopic.set(message.partition, { baseOffset: message.offset, count: 1 });
    }
    const topics: TopicSendResult[] = [...counts].map(([topic, count]) => {
      const partitions: PartitionAck[] = [...(acks.get(topic) ?? new Map<number, { baseOffset: number; count: number }>())]
        .sort(([a], [b]) => a - b)
        .map(([partition, a]) => Object.freeze({ partition, baseOffset: String(a.baseOffset), count: a.count }));
      return Object.freeze({ topic, count, partitions: Object.freeze(partitions) });
    });
    return Object.freeze({ topics: Object.freeze(topics), messageCount: staged.length });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
