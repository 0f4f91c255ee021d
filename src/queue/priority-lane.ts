/**
 * The records of one priority: two FIFO rings merged by enqueue time.
 *
 * @module
 */
import { RingBuffer } from './ring-buffer.js';

/**
 * The queue of one priority, ordered by monotonic enqueue time.
 *
 * Records enqueued at this priority go to the `own` ring; records promoted into it (ageing) go to
 * the `promoted` ring with their original enqueue time. Each ring is sorted by that time (records
 * arrive in time order, and promotion moves the oldest first), so taking the older of the two
 * heads releases the lane's records oldest first in O(1), and a promoted record is neither sent
 * behind younger ones nor aged afresh.
 *
 * @internal
 */
export class PriorityLane<T> {
  readonly #own = new RingBuffer<T>();
  readonly #promoted = new RingBuffer<T>();
  /** Enqueue time (monotonic ms) of the record last returned by {@link PriorityLane.shift}. */
  lastStamp = 0;

  /** Records held. */
  get size(): number {
    return this.#own.size + this.#promoted.size;
  }

  /** Adds a record enqueued at this priority at monotonic time `stamp`. */
  push(record: T, stamp: number): void {
    this.#own.push(record, stamp);
  }

  /** Adds a record promoted from a lower priority, keeping its original enqueue time. */
  pushPromoted(record: T, stamp: number): void {
    this.#promoted.push(record, stamp);
  }

  /** Enqueue time of the oldest record; `Infinity` when the lane is empty. */
  oldestStamp(): number {
    return Math.min(this.#own.peekStamp(), this.#promoted.peekStamp());
  }

  /** Removes and returns the oldest record (undefined when empty) and sets {@link PriorityLane.lastStamp}. */
  shift(): T | undefined {
    const own = this.#own;
    const promoted = this.#promoted;
    const ring = promoted.size === 0 || own.peekStamp() <= promoted.peekStamp() ? own : promoted;
    this.lastStamp = ring.peekStamp();
    return ring.shift();
  }
}
