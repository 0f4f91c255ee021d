/**
 * The records and counters behind {@link QueueManager}: lanes, placement with the overflow
 * strategy, ready batches, promotion. No events, timers or waiting callers.
 *
 * @module
 */
import type { RecordEnvelope } from '../core/record.js';
import type { Priority } from '../priority/priority.js';
import { DROP_INCOMING, REJECT_INCOMING, SPILL_INCOMING, chooseVictim } from './overflow.js';
import { PriorityLane } from './priority-lane.js';
import { promoteAged } from './promotion.js';
import { QueueCounters } from './queue-counters.js';
import type { QueueSettings } from './queue-options.js';
import type { EnqueueResult } from './queue-types.js';
import { WeightedRoundRobin } from './weighted-round-robin.js';

/**
 * What one placement pass did, over `records[from..next)`: the first `accepted` records were
 * queued; of the rest (from `rest`), the first `dropped` or `spilled` were dropped or go to the
 * sink, and the last `rejected` were refused. `next` is the first record not placed (a `block`
 * call waits for it); otherwise it is the end.
 */
export interface Placement<T> {
  accepted: number;
  dropped: number;
  spilled: number;
  rejected: number;
  displaced: number;
  next: number;
  /** Index of the first incoming record not accepted. */
  rest: number;
  /** Queued records removed to make room (to drop or spill), or undefined when none were. */
  victims: T[] | undefined;
  /** Index of a record whose `priority` or `enqueuedAt` could not be written (it and the ones after it were rejected); -1 when none. */
  failedAt: number;
  /** What writing that record threw. */
  failure: unknown;
}

/**
 * A frozen {@link EnqueueResult}.
 *
 * @internal
 */
export function enqueueResult(accepted: number, dropped: number, spilled: number, rejected: number, displaced: number): EnqueueResult {
  return Object.freeze({ accepted, dropped, spilled, rejected, displaced });
}

/** Called after records were promoted (counters already updated). */
export type PromotionListener = (count: number, from: Priority, to: Priority) => void;

/**
 * Four {@link PriorityLane}s sharing one capacity, with their counters.
 *
 * @internal
 */
export class QueueStore<T extends RecordEnvelope<unknown>> {
  readonly counters = new QueueCounters();
  /** Most records held at once; may be set below {@link QueueStore.size}, and then only overflow places records until the size falls under it. */
  capacity: number;
  size = 0;
  readonly #settings: QueueSettings;
  readonly #lanes: readonly PriorityLane<T>[] = [new PriorityLane<T>(), new PriorityLane<T>(), new PriorityLane<T>(), new PriorityLane<T>()];
  readonly #linger: Float64Array;
  readonly #wrr: WeightedRoundRobin;
  readonly #onPromote: PromotionListener;
  readonly #hasSink: boolean;

  constructor(settings: QueueSettings, hasSink: boolean, onPromote: PromotionListener) {
    this.#settings = settings;
    this.capacity = settings.maxSize;
    this.#hasSink = hasSink;
    this.#onPromote = onPromote;
    const { critical, high, normal, low } = settings.lingerMs;
    this.#linger = Float64Array.of(critical, high, normal, low);
    this.#wrr = new WeightedRoundRobin(settings.weights);
  }

  /** Records held per priority. */
  depths(): number[] {
    return this.#lanes.map((lane) => lane.size);
  }

  /** Adds one record to free room (the caller checked there is some). */
  push(record: T, priority: Priority, now: number, stamp: number): void {
    record.priority = priority;
    record.enqueuedAt = now;
    (this.#lanes[priority] as PriorityLane<T>).push(record, stamp);
    this.size++;
    (this.counters.enqueued[priority] as number)++;
    (this.counters.received[priority] as number)++;
  }

  /**
   * Places `records[from..]` at `priority`: into free room, then by the overflow strategy (see
   * `chooseVictim`). With `canWait` (a `block` call) it stops at the first record that does not
   * fit. Counts everything; the caller drops or spills `victims` and the records from `rest`.
   *
   * Exception-safe: a record whose fields cannot be written is not queued and, with every record
   * after it, counted as rejected (`failedAt`, `failure`); what was placed before stays placed and
   * counted, and no victim is taken for it.
   */
  place(records: readonly T[], priority: Priority, from: number, canWait: boolean, now: number, stamp: number): Placement<T> {
    const placed: Placement<T> = { accepted: 0, dropped: 0, spilled: 0, rejected: 0, displaced: 0, next: from, rest: from, victims: undefined, failedAt: -1, failure: undefined };
    const lane = this.#lanes[priority] as PriorityLane<T>;
    const n = records.length;
    let i = from;
    try {
      for (const fits = Math.min(n, from + this.capacity - this.size); i < fits; i++) {
        const record = records[i] as T;
        record.priority = priority;
        record.enqueuedAt = now;
        lane.push(record, stamp);
      }
    } catch (err) {
      placed.failedAt = i;
      placed.failure = err;
    }
    this.size += i - from;
    placed.accepted = i - from;
    placed.next = i;
    placed.rest = i;
    if (placed.failedAt >= 0 || (i < n && !canWait)) {
      if (placed.failedAt < 0) this.#overflow(records, priority, from, i, placed, now, stamp);
      placed.rejected = n - from - placed.accepted - placed.dropped - placed.spilled;
      placed.next = n;
    }
    const counters = this.counters;
    (counters.enqueued[priority] as number) += placed.accepted;
    (counters.received[priority] as number) += placed.next - from;
    (counters.rejected[priority] as number) += placed.rejected;
    return placed;
  }

  /**
   * Places `records[start..]` into a full queue by the overflow strategy; sets `accepted`,
   * `displaced`, `victims`, `rest`, `dropped` or `spilled`, and `failedAt`. The records left over
   * are the rejected ones.
   */
  #overflow(records: readonly T[], priority: Priority, from: number, start: number, placed: Placement<T>, now: number, stamp: number): void {
    this.promote(stamp);
    const lane = this.#lanes[priority] as PriorityLane<T>;
    const n = records.length;
    let i = start;
    let action = REJECT_INCOMING;
    let victims: T[] | undefined;
    try {
      for (; i < n; i++) {
        action = chooseVictim(this.#settings.overflowStrategy, this.#lanes, priority, this.#hasSink, i - from);
        if (action < 0) break;
        const record = records[i] as T;
        record.priority = priority; // written before a victim is taken: a record that cannot be written costs no victim
        record.enqueuedAt = now;
        (victims ??= []).push((this.#lanes[action] as PriorityLane<T>).shift() as T);
        lane.push(record, stamp);
      }
    } catch (err) {
      placed.failedAt = i;
      placed.failure = err;
    }
    placed.victims = victims;
    placed.displaced = victims === undefined ? 0 : victims.length;
    placed.accepted = i - from;
    placed.rest = i;
    if (placed.failedAt >= 0 || i === n) return;
    if (action === DROP_INCOMING) {
      placed.dropped = n - i;
      return;
    }
    if (action !== SPILL_INCOMING) return;
    let k = i;
    try {
      for (; k < n; k++) (records[k] as T).priority = priority; // the sink gets the priority each was offered at
    } catch (err) {
      placed.failedAt = k;
      placed.failure = err;
    }
    placed.spilled = k - i;
  }

  /** Counts records that will never be placed (a blocked call gave up) as received and rejected. */
  reject(priority: Priority, count: number): void {
    (this.counters.rejected[priority] as number) += count;
    (this.counters.received[priority] as number) += count;
  }

  /**
   * Promotes aged records, picks a ready priority by weighted round-robin and takes its batch;
   * empty when no batch is ready. With `flush`, every non-empty priority is ready (after close).
   */
  takeReady(maxSize: number, now: number, flush: boolean): T[] {
    if (this.size === 0) return [];
    this.promote(now);
    let ready = 0;
    for (let p = 0; p < 4; p++) {
      const lane = this.#lanes[p] as PriorityLane<T>;
      if (lane.size > 0 && (flush || lane.size >= maxSize || now - lane.oldestStamp() >= (this.#linger[p] as number))) ready |= 1 << p;
    }
    const p = this.#wrr.pick(ready);
    return p < 0 ? [] : this.#take(p as Priority, maxSize, now);
  }

  /** Removes every record, most urgent priority first, oldest first within one; counted as drained. */
  drain(now: number): T[] {
    this.promote(now);
    const out: T[] = [];
    for (let p = 0; p < 4; p++) {
      const lane = this.#lanes[p] as PriorityLane<T>;
      (this.counters.drained[p] as number) += lane.size;
      while (lane.size > 0) out.push(lane.shift() as T);
    }
    this.size = 0;
    return out;
  }

  /** The earliest monotonic time at which a batch becomes ready by age or a record ages; `Infinity` when empty. */
  nextDeadline(): number {
    const lanes = this.#lanes as readonly [PriorityLane<T>, PriorityLane<T>, PriorityLane<T>, PriorityLane<T>];
    let due = Number.POSITIVE_INFINITY;
    for (let p = 0; p < 4; p++) due = Math.min(due, (lanes[p] as PriorityLane<T>).oldestStamp() + (this.#linger[p] as number));
    const { ageing } = this.#settings;
    if (!ageing.enabled) return due;
    return Math.min(due, lanes[3].oldestStamp() + ageing.lowToNormalMs, lanes[2].oldestStamp() + ageing.normalToHighMs);
  }

  /** Promotes LOW → NORMAL and NORMAL → HIGH records that waited past the ageing thresholds. */
  promote(now: number): void {
    const ageing = this.#settings.ageing;
    if (!ageing.enabled) return;
    const [, high, normal, low] = this.#lanes as readonly [PriorityLane<T>, PriorityLane<T>, PriorityLane<T>, PriorityLane<T>];
    const toNormal = promoteAged(low, normal, 2, now - ageing.lowToNormalMs);
    const toHigh = promoteAged(normal, high, 1, now - ageing.normalToHighMs);
    if (toNormal > 0) {
      this.counters.lowToNormal += toNormal;
      this.#onPromote(toNormal, 3, 2);
    }
    if (toHigh > 0) {
      this.counters.normalToHigh += toHigh;
      this.#onPromote(toHigh, 2, 1);
    }
  }

  #take(priority: Priority, maxSize: number, now: number): T[] {
    const lane = this.#lanes[priority] as PriorityLane<T>;
    const wait = this.counters.wait[priority] as QueueCounters['wait'][number];
    const n = Math.min(lane.size, maxSize);
    const batch = new Array<T>(n);
    for (let i = 0; i < n; i++) {
      batch[i] = lane.shift() as T;
      wait.record(now - lane.lastStamp);
    }
    this.size -= n;
    (this.counters.dequeued[priority] as number) += n;
    return batch;
  }
}
