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

/** What one placement pass did. `next` is the first record not placed (a `block` call waits for it). */
export interface Placement<T> {
  accepted: number;
  dropped: number;
  spilled: number;
  rejected: number;
  displaced: number;
  next: number;
  /** Queued records removed to make room (to drop or spill), or undefined when nothing overflowed. */
  victims: T[] | undefined;
  /** Incoming records that did not fit: dropped (`dropped > 0`), spilled (`spilled > 0`) or refused. */
  rest: T[] | undefined;
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
   * fit. Counts everything; the caller drops or spills `victims` and `rest`.
   */
  place(records: readonly T[], priority: Priority, from: number, canWait: boolean, now: number, stamp: number): Placement<T> {
    const placed: Placement<T> = { accepted: 0, dropped: 0, spilled: 0, rejected: 0, displaced: 0, next: from, victims: undefined, rest: undefined };
    const lane = this.#lanes[priority] as PriorityLane<T>;
    const n = records.length;
    let i = from;
    for (const fits = Math.min(n, from + this.capacity - this.size); i < fits; i++) {
      const record = records[i] as T;
      record.priority = priority;
      record.enqueuedAt = now;
      lane.push(record, stamp);
    }
    this.size += i - from;
    placed.next = i;
    if (i < n && !canWait) {
      this.promote(stamp);
      const victims: T[] = [];
      let action = REJECT_INCOMING;
      for (; i < n; i++) {
        action = chooseVictim(this.#settings.overflowStrategy, this.#lanes, priority, this.#hasSink);
        if (action < 0) break;
        victims.push((this.#lanes[action] as PriorityLane<T>).shift() as T);
        const record = records[i] as T;
        record.priority = priority;
        record.enqueuedAt = now;
        lane.push(record, stamp);
      }
      placed.victims = victims;
      placed.displaced = victims.length;
      placed.rest = records.slice(i);
      if (action === DROP_INCOMING) placed.dropped = n - i;
      else if (action === SPILL_INCOMING) placed.spilled = n - i;
      else placed.rejected = n - i;
      placed.next = n;
    }
    placed.accepted = i - from;
    const counters = this.counters;
    (counters.enqueued[priority] as number) += placed.accepted;
    (counters.received[priority] as number) += placed.next - from;
    (counters.rejected[priority] as number) += placed.rejected;
    return placed;
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
