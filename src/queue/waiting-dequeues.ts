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
  /** Records queued now. */
  size(): number;
  /** Whether the queue is closed: batches no longer wait for linger, and an empty queue answers `[]`. */
  closed(): boolean;
  /** The batch size of a call that did not give one (read when the call is served). */
  batchSize(): number;
}

type WaitingDequeue<T> = { readonly maxSize: number | undefined } & Waiter<T[]>;

/**
 * The waiting `dequeueBatch` callers, served oldest first, and one unref'd timer (through the
 * scheduler) set for the earliest linger or ageing deadline while any caller waits (cancelled when
 * the last caller leaves, also by abort).
 *
 * Serving scans every waiting caller, not only the oldest: a caller whose `maxSize` has no ready
 * batch does not hold up a later caller whose smaller `maxSize` has one.
 *
 * @typeParam T - Record type.
 * @internal
 */
export class WaitingDequeues<T> {
  readonly #queue = new WaiterQueue<WaitingDequeue<T>>(() => this.#arm(this.#clock.monotonic()));
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

  /**
   * Gives ready batches to waiting callers, oldest caller first, then re-arms the timer. Every
   * caller is looked at; a batch taken can let blocked enqueues in, so the scan repeats while it
   * answered someone and skipped someone. Re-entrant calls do nothing.
   */
  serve(): void {
    if (this.#serving) return;
    this.#serving = true;
    try {
      while (this.#scan());
    } finally {
      this.#serving = false;
    }
    this.#arm(this.#clock.monotonic());
  }

  /** One pass over the waiting callers; true when it answered one and left one waiting (worth another pass). */
  #scan(): boolean {
    const source = this.#source;
    const queue = this.#queue;
    const now = this.#clock.monotonic();
    /** Smallest `maxSize` that found no ready batch: a larger one finds none either. */
    let noBatchAt = Number.POSITIVE_INFINITY;
    let answered = false;
    for (let waiter = queue.head(); waiter !== undefined; ) {
      if (source.size() === 0 && !source.closed()) break;
      const after = queue.after(waiter);
      const maxSize = waiter.maxSize ?? source.batchSize();
      if (maxSize < noBatchAt) {
        const batch = source.takeReady(maxSize, now);
        if (batch.length > 0 || source.closed()) {
          waiter.finish(batch);
          answered = true;
        } else {
          noBatchAt = maxSize;
        }
      }
      // A listener run by takeReady may have settled the next caller (abort): start again from the oldest.
      waiter = after !== undefined && after.settled ? queue.head() : after;
    }
    return answered && noBatchAt !== Number.POSITIVE_INFINITY && queue.live > 0;
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
