/**
 * The four bounded priority queues between admission and sending.
 *
 * @module
 */
import type { OverflowStrategy } from '../config/schema/queue.js';
import type { Clock } from '../core/clock.js';
import type { Scheduler } from '../core/scheduler.js';
import { TypedEmitter } from '../core/events.js';
import type { RecordEnvelope } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import type { Priority } from '../priority/priority.js';
import { BlockedEnqueues } from './blocked-enqueues.js';
import { QueueFullError, abortedError, closedError } from './queue-errors.js';
import { priorityCounts } from './queue-counters.js';
import type { QueueManagerOptions, QueueSettings } from './queue-options.js';
import { checkBatchSize, checkPriority, checkRecord, checkRecords, checkTimeoutMs, checkWritableRecord, resolveQueueOptions } from './queue-options.js';
import { QueueStore, enqueueResult } from './queue-store.js';
import type { DequeueOptions, EnqueueOptions, EnqueueResult, PriorityCounts, QueueEvents, QueueMetrics, TryDequeueOptions } from './queue-types.js';
import type { PlaceOutcome } from './record-placer.js';
import { RecordPlacer } from './record-placer.js';
import type { SpillHandover } from './spill-outlet.js';
import { awaitSpill } from './spill-wait.js';
import { WaitingDequeues } from './waiting-dequeues.js';

const ACCEPTED_ONE = enqueueResult(1, 0, 0, 0, 0);

/**
 * Four bounded FIFO queues, one per priority, sharing one capacity (default 10,000 records).
 *
 * **Enqueue.** `tryEnqueue`/`tryEnqueueMany` place records synchronously and say what happened
 * ({@link EnqueueResult}); `enqueue`/`enqueueMany` also wait where the strategy waits (`block`:
 * for room; `spill`: for the sink) and reject with {@link QueueFullError} when records were
 * refused. A full queue applies the overflow strategy: `drop_lowest` (default) drops the oldest
 * record of the lowest non-empty priority below the incoming one, or the incoming record when
 * nothing lower is queued; `drop_oldest` drops the oldest non-CRITICAL record; `reject` refuses;
 * `block` waits (the sync variants refuse); `spill` hands what `drop_lowest` would drop to the
 * spill sink. A call never displaces its own records: beyond what the queue can make room for,
 * its records meet the strategy as incoming ones. A CRITICAL record is never dropped: queued ones
 * are never displaced, and an incoming one that finds only CRITICAL records is spilled when a sink
 * is configured, refused otherwise; incoming records the sink fails to keep are refused (rejected),
 * never dropped. Every drop is counted by priority and reason and emitted as `drop` with the record.
 *
 * **Records.** Each record must be a non-null, extensible object (the queue writes `priority`
 * and `enqueuedAt`), checked before anything is queued (`INVALID_RECORD`, naming the index). A
 * record object may be queued once at a time: the queue does not look for duplicates (that would
 * cost a lookup per record); the same object enqueued twice is sent twice.
 *
 * **Dequeue.** A batch comes from one priority and leaves when it is full (`maxSize`) or when its
 * oldest record has waited the priority's linger (CRITICAL 0 ms). Among ready priorities, weighted
 * round-robin in batches (6:3:2:1 by default) picks the most urgent one with credit left in the
 * round. `dequeueBatch` waits with one unref'd timer and answers at once when a batch is ready.
 *
 * **Capacity.** {@link QueueManager.setCapacity} resizes the queue while it runs (fire season,
 * see {@link linkQueueCapacity}); shrinking never drops a queued record.
 *
 * **Ageing.** A record waiting longer than `lowToNormalMs` (LOW) or `normalToHighMs` (NORMAL)
 * since its enqueue is promoted; it keeps its enqueue time, so it leaves before younger records of
 * its new priority. Promotion is lazy (on dequeue, depths, metrics, overflow), O(records promoted).
 *
 * **Accounting.** Over all priorities, at every moment: received = dequeued + drained + depth +
 * dropped + spilled + rejected (see {@link QueueMetrics}).
 *
 * **Time.** Linger, ageing and wait times use the clock's monotonic time. The queue sets
 * `priority` and `enqueuedAt` (wall-clock, derived from the monotonic reading: one clock read per
 * `tryEnqueue`) on each record it accepts.
 *
 * @typeParam T - Record type.
 */
export class QueueManager<T extends RecordEnvelope<unknown> = RecordEnvelope> extends TypedEmitter<QueueEvents<T>> {
  readonly #settings: QueueSettings;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #placer: RecordPlacer<T>;
  readonly #store: QueueStore<T>;
  readonly #blocked: BlockedEnqueues<T>;
  readonly #dequeuers: WaitingDequeues<T>;
  /** Default batch size: `dequeueBatchSize`, at most the capacity. */
  #batchSize: number;
  #full = false;
  #closed = false;

  /** @throws {@link InvalidOptionError} for a bad option (named), or `spill` without a `spillSink`. */
  constructor(options: QueueManagerOptions<T> = {}) {
    super();
    const resolved = resolveQueueOptions(options);
    this.#settings = resolved.settings;
    this.#clock = resolved.clock;
    this.#scheduler = resolved.scheduler;
    this.#batchSize = Math.min(this.#settings.dequeueBatchSize, this.#settings.maxSize);
    const sink = resolved.spillSink;
    const store = new QueueStore<T>(this.#settings, sink !== undefined, (count, from, to) => this.emit('promote', { count, from, to }));
    this.#store = store;
    this.#blocked = new BlockedEnqueues<T>(resolved.scheduler, {
      hasRoom: () => store.size < store.capacity,
      fill: (records, priority, from, offset) => this.#place(records, priority, from, true, offset).placed.next,
      reject: (priority, count) => store.reject(priority, count),
      fullError: (priority, accepted, rejected, timeoutMs) => this.#fullError(priority, accepted, rejected, timeoutMs),
    });
    this.#dequeuers = new WaitingDequeues<T>(this.#clock, resolved.scheduler, {
      takeReady: (maxSize, now) => this.#takeReady(maxSize, now),
      nextDeadline: () => store.nextDeadline(),
      size: () => store.size,
      closed: () => this.#closed,
      batchSize: () => this.#batchSize,
    });
    this.#placer = new RecordPlacer<T>(store, this.#clock, this.#settings.overflowStrategy, sink, (event, ...args) => this.emit(event, ...args));
  }

  /** Most records held at once: `maxSize`, or the last {@link QueueManager.setCapacity}. */
  get capacity(): number {
    return this.#store.capacity;
  }

  /** Records held now. */
  get size(): number {
    return this.#store.size;
  }

  /** `size / capacity` with the current capacity: from 0 to 1, above 1 after shrinking below the depth. */
  get utilization(): number {
    return this.#store.size / this.#store.capacity;
  }

  /** The overflow strategy in effect. */
  get strategy(): OverflowStrategy {
    return this.#settings.overflowStrategy;
  }

  /** True after {@link QueueManager.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sets the capacity while the queue runs, for example to the fire-season capacity a
   * {@link BackpressureManager} reports ({@link linkQueueCapacity} wires the two). Emits
   * `capacityChange` when the capacity changes (then `full` if the queue is now full).
   *
   * Growing takes effect at once: blocked `block` enqueues enter the new room, most urgent first.
   * Shrinking below the depth keeps every queued record (the resize itself drops and spills
   * nothing); until the depth falls under the new capacity, each incoming record meets a full queue
   * and the overflow strategy decides (`drop_lowest` displaces a lower record one for one, `reject`
   * refuses, `block` waits, …), and `utilization` is above 1. The default batch size stays at most
   * the capacity.
   *
   * @param capacity - Most records held at once: a whole number, 1 or more.
   * @throws {@link InvalidOptionError} (option `capacity`) for anything else.
   */
  setCapacity(capacity: number): void {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new InvalidOptionError('capacity', capacity, 'must be a whole number of records, 1 or more');
    const store = this.#store;
    const from = store.capacity;
    if (capacity === from) return;
    store.capacity = capacity;
    this.#batchSize = Math.min(this.#settings.dequeueBatchSize, capacity);
    this.emit('capacityChange', { from, to: capacity });
    if (store.size < capacity) {
      this.#full = false;
      this.#blocked.serve();
    } else {
      this.#checkFull();
    }
    if (this.#dequeuers.live > 0) this.#dequeuers.serve();
  }

  /** Records held per priority (after promoting records that aged). */
  getQueueDepths(): PriorityCounts {
    this.#store.promote(this.#clock.monotonic());
    return priorityCounts(this.#store.depths());
  }

  /**
   * Places one record at `priority` without waiting and says what happened. A full queue never
   * throws here: refused records are reported in `rejected` (with `block`, a full queue refuses;
   * with a spill sink that throws, the records it failed to keep; a sink that rejects later
   * reports them through `spillError` with reason `overflow_incoming`, and they count as rejected).
   *
   * @throws {@link FirestreamError} `QUEUE_CLOSED` after `close()`; `INVALID_RECORD` for a record
   *   that is not a non-null extensible object, or whose fields cannot be written;
   *   {@link InvalidOptionError} for a bad priority.
   */
  tryEnqueue(record: T, priority: Priority): EnqueueResult {
    if (this.#closed) throw closedError('enqueue');
    checkPriority(priority);
    checkRecord(record, 0);
    const store = this.#store;
    if (store.size >= store.capacity) return this.#tryEnqueueSlow(record, priority);
    const stamp = this.#clock.monotonic(); // the hot path: one clock read, inline (a call through the placer costs ~10 %)
    try {
      store.push(record, priority, stamp + this.#placer.wallOffset, stamp); // writes the record's fields before it changes the queue
    } catch {
      return this.#tryEnqueueSlow(record, priority);
    }
    this.#afterEnqueue();
    return ACCEPTED_ONE;
  }

  /** Places records, all at `priority`, without waiting; see {@link QueueManager.tryEnqueue}. The caller's array is not kept. */
  tryEnqueueMany(records: readonly T[], priority: Priority): EnqueueResult {
    if (this.#closed) throw closedError('enqueue');
    checkPriority(priority);
    checkRecords(records);
    return this.#place(records, priority, 0, false).result;
  }

  /** Places one record; see {@link QueueManager.enqueueMany}. */
  enqueue(record: T, priority: Priority, options?: EnqueueOptions): Promise<EnqueueResult> {
    return this.enqueueMany([record], priority, options);
  }

  /**
   * Places records, all at `priority`, waiting where the strategy waits: with `block`, until there
   * is room for every record (records enter as room frees, most urgent callers first; one timer
   * per call), with `spill` (or a spill sink with another strategy), until the sink took the
   * records. Either wait ends at `options.timeoutMs` (default `blockTimeoutMs`) or when
   * `options.signal` aborts. A waiting call keeps its own copy of the records not queued yet.
   *
   * @returns What happened.
   * @throws {@link QueueFullError} when records were refused (`reject`, a `block` timeout, CRITICAL
   *   records meeting a queue full of CRITICAL records without a sink, incoming records the spill
   *   sink failed to keep or did not take within the timeout); the first `err.context.accepted`
   *   records were queued. `ABORTED` when `options.signal` aborts (records not yet queued, or not
   *   yet taken by the sink, count as rejected), `QUEUE_CLOSED` after or during `close()`,
   *   `INVALID_RECORD` for a bad record (see {@link QueueManager.tryEnqueue}),
   *   {@link InvalidOptionError} for a bad priority or `timeoutMs`.
   */
  async enqueueMany(records: readonly T[], priority: Priority, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (this.#closed) throw closedError('enqueue');
    checkPriority(priority);
    checkRecords(records);
    const { signal } = options;
    const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? this.#settings.blockTimeoutMs);
    if (signal?.aborted) throw abortedError('enqueue', signal);
    const outcome = this.#place(records, priority, 0, this.#settings.overflowStrategy === 'block');
    const { placed, result, incomingSpill } = outcome;
    if (placed.next < records.length) return this.#blocked.park({ records, priority, next: placed.next, accepted: placed.accepted, timeoutMs, signal });
    if (result.rejected > 0) throw this.#fullError(priority, result.accepted, result.rejected, undefined, incomingSpill?.state === 'failed' ? incomingSpill : undefined);
    if (incomingSpill === undefined && outcome.displacedSpill === undefined) return result;
    return awaitSpill(outcome, {
      signal,
      timeoutMs,
      scheduler: this.#scheduler,
      fullError: (rejected, waited, cause) => this.#fullError(priority, result.accepted, rejected, waited, { error: cause }),
    });
  }

  /**
   * Takes the next ready batch without waiting: at most `maxSize` records of one priority, oldest
   * first, chosen by weighted round-robin among ready priorities. Empty when none is ready.
   */
  tryDequeueBatch(options: TryDequeueOptions = {}): T[] {
    const maxSize = options.maxSize === undefined ? this.#batchSize : checkBatchSize('maxSize', options.maxSize);
    if (this.#dequeuers.live > 0) this.#dequeuers.serve();
    return this.#takeReady(maxSize, this.#placer.readClocks());
  }

  /**
   * Waits for the next ready batch (see {@link QueueManager.tryDequeueBatch}). Resolves as soon as
   * one is ready: at once for a CRITICAL record, when a priority's batch fills, or when its oldest
   * record has waited its linger. After `close()`, every queued record is ready; once the queue is
   * closed and empty, resolves with `[]`. Waiting callers with different `maxSize` do not hold
   * each other up; a caller that aborts leaves at once (and the linger timer with the last one).
   *
   * @throws `ABORTED` when `options.signal` aborts (also when it aborts during the call, for
   *   example from an event listener, unless a batch was already taken: that batch is returned).
   */
  dequeueBatch(options: DequeueOptions = {}): Promise<T[]> {
    const { signal } = options;
    let batch: T[];
    try {
      if (signal?.aborted) throw abortedError('dequeueBatch', signal);
      batch = this.tryDequeueBatch(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (batch.length > 0 || this.#closed) return Promise.resolve(batch);
    return this.#dequeuers.park(options.maxSize, signal, () => abortedError('dequeueBatch', signal));
  }

  /**
   * Stops accepting records. Blocked enqueues reject with `QUEUE_CLOSED` (their records not yet
   * queued count as rejected); waiting dequeues get the queued records in batches (linger no
   * longer applies), then `[]` once the queue is empty. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#blocked.close();
    this.#dequeuers.serve();
  }

  /**
   * Removes and returns every queued record, most urgent priority first and oldest first within
   * one (for spilling at shutdown). Counted as drained. Blocked enqueues may then fill the room.
   */
  drain(): T[] {
    const records = this.#store.drain(this.#clock.monotonic());
    this.#full = false;
    this.#blocked.serve();
    return records;
  }

  /** Counters, depths, promotions and wait-time percentiles per priority, as frozen plain data. */
  getMetrics(): QueueMetrics {
    const store = this.#store;
    store.promote(this.#clock.monotonic());
    return store.counters.snapshot({ capacity: store.capacity, depths: store.depths(), blockedEnqueues: this.#blocked.live, waitingDequeues: this.#dequeuers.live });
  }

  /** `tryEnqueue` into a full queue, or of a record that could not be written: checked like a batch, then placed. */
  #tryEnqueueSlow(record: T, priority: Priority): EnqueueResult {
    checkWritableRecord(record, 0);
    return this.#place([record], priority, 0, false).result;
  }

  /**
   * Places records (dropping or spilling what overflowed), then emits `full` and wakes waiting
   * dequeues. Throws `INVALID_RECORD` (after all of that, everything counted) for a record whose
   * fields could not be written.
   */
  #place(records: readonly T[], priority: Priority, from: number, canWait: boolean, offset = 0): PlaceOutcome<T> {
    const outcome = this.#placer.place(records, priority, from, canWait, offset);
    if (outcome.placed.accepted > 0) this.#afterEnqueue();
    if (outcome.invalid !== undefined) throw outcome.invalid;
    return outcome;
  }

  #afterEnqueue(): void {
    this.#checkFull();
    if (this.#dequeuers.live > 0) this.#dequeuers.serve();
  }

  /** Emits `full` when the queue has just become full (once per time it fills). */
  #checkFull(): void {
    if (this.#store.size >= this.#store.capacity && !this.#full) {
      this.#full = true;
      this.emit('full', { capacity: this.#store.capacity, strategy: this.#settings.overflowStrategy });
    }
  }

  /** The error of refused records; `spill`: they were handed to the sink, which failed (`spill.error`) or did not answer in `timeoutMs`. */
  #fullError(priority: Priority, accepted: number, rejected: number, timeoutMs?: number, spill?: Pick<SpillHandover<T>, 'error'>): QueueFullError {
    const { capacity, size: depth } = this.#store;
    const details = { priority, capacity, depth, strategy: this.#settings.overflowStrategy, accepted, rejected, timeoutMs };
    return new QueueFullError(details, spill === undefined ? {} : { spill: true, cause: spill.error });
  }

  /** Takes a ready batch (every record is ready once closed), then lets blocked enqueues into the room (which never throws: the batch is never lost). */
  #takeReady(maxSize: number, now: number): T[] {
    const store = this.#store;
    const batch = store.takeReady(maxSize, now, this.#closed);
    if (batch.length > 0) {
      if (store.size < store.capacity) this.#full = false;
      this.#blocked.serve();
    }
    return batch;
  }
}
