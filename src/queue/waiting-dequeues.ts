/**
 * `dequeueBatch` calls parked until a batch of a {@link QueueManager} is ready, and the one linger
 * timer that wakes them.
 *
 * @module
 */
import type { Clock } from '../core/clock.js';
import type { Scheduler } from '../core/scheduler.js';
import type { FirestreamError } from '../errors.js';
import type { Waiter } from './waiters.js';
import { WaiterQueue } from './waiters.js';

/** What waiting dequeues need from the queue. */
export interface BatchSource<T> {
  /** Takes a ready batch of at most `maxSize` records (every queued record is ready once closed); empty when none is ready. */
  takeReady(maxSize: number, now: number): T[];
  /** The earliest monotonic time at which a batch becomes ready by age or a record ages; `Infinity` when empty. */
  nextDeadline(): number;
  /** Whether the queue is closed: batches no longer wait for linger, and an empty queue answers `[]`. */
  closed(): boolean;
  /** The batch size of a call that did not give one (read when the call is served). */
  batchSize(): number;
}

type WaitingDequeue<T> = { readonly maxSize: number | undefined } & Waiter<T[]>;

/**
 * The waiting `dequeueBatch` callers, served oldest first, and one unref'd timer (through the
 * scheduler) set for the earliest linger or ageing deadline while any caller waits.
 *
 * @typeParam T - Record type.
 * @internal
 */
export class WaitingDequeues<T> {
  readonly #queue = new WaiterQueue<WaitingDequeue<T>>();
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #source: BatchSource<T>;
  readonly #onTimer = (): void => {
    this.#cancelTimer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    this.serve();
  };
  #serving = false;
  #cancelTimer: (() => void) | undefined;
  #timerDue = Number.POSITIVE_INFINITY;

  constructor(clock: Clock, scheduler: Scheduler, source: BatchSource<T>) {
    this.#clock = clock;
    this.#scheduler = scheduler;
    this.#source = source;
  }

  /** Callers still waiting. */
  get live(): number {
    return this.#queue.live;
  }

  /** Parks a caller until a batch is ready; `giveUp` gives the error its promise rejects with when `signal` aborts. */
  park(maxSize: number | undefined, signal: AbortSignal | undefined, giveUp: () => FirestreamError): Promise<T[]> {
    const parking = { signal, timeoutMs: Number.POSITIVE_INFINITY, scheduler: this.#scheduler };
    const waiting = this.#queue.park<T[], { maxSize: number | undefined }>({ maxSize }, parking, giveUp);
    this.#arm(this.#clock.monotonic());
    return waiting;
  }

  /** Gives ready batches to waiting callers, oldest caller first, then re-arms the timer. Re-entrant calls do nothing. */
  serve(): void {
    if (this.#serving) return;
    this.#serving = true;
    const source = this.#source;
    try {
      const now = this.#clock.monotonic();
      for (let waiter = this.#queue.head(); waiter !== undefined; waiter = this.#queue.head()) {
        const batch = source.takeReady(waiter.maxSize ?? source.batchSize(), now);
        if (batch.length === 0 && !source.closed()) break;
        waiter.finish(batch);
      }
    } finally {
      this.#serving = false;
    }
    this.#arm(this.#clock.monotonic());
  }

  /** Sets the one timer for the earliest moment a batch becomes ready by age (or a record ages), while a caller waits. */
  #arm(now: number): void {
    const due = this.#queue.live > 0 && !this.#source.closed() ? this.#source.nextDeadline() : Number.POSITIVE_INFINITY;
    if (due === this.#timerDue) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerDue = due;
    if (due === Number.POSITIVE_INFINITY) return;
    this.#cancelTimer = this.#scheduler.setTimer(this.#onTimer, Math.max(1, Math.ceil(due - now)));
  }
}
