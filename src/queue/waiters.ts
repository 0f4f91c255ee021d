/**
 * Callers parked until the queue can answer them: `block` enqueues waiting for room and
 * `dequeueBatch` calls waiting for a ready batch.
 *
 * @module
 */
import type { Scheduler } from '../core/scheduler.js';
import type { FirestreamError } from '../errors.js';

/** A parked caller. */
export interface Waiter<R> {
  /** True once resolved, rejected, timed out or aborted. */
  readonly settled: boolean;
  /** Settles the caller's promise with a value or an error; later calls do nothing. */
  finish(outcome: R | FirestreamError): void;
}

/** Why a parked caller stopped waiting on its own. */
export type GiveUpReason = 'timeout' | 'abort';

/** How long and on what a caller waits. */
export interface ParkOptions {
  /** Aborting it gives up the wait. */
  signal?: AbortSignal | undefined;
  /** Longest wait in ms; `Infinity` for none. */
  timeoutMs: number;
  /** Sets the timeout timer. */
  scheduler: Scheduler;
}

/** A waiter's place in its queue: the neighbours in a doubly linked list. */
interface Links<W> {
  older: (W & Links<W>) | undefined;
  newer: (W & Links<W>) | undefined;
}

/**
 * A FIFO of parked callers, as a doubly linked list: a caller that settles (answered, timed out,
 * aborted) is unlinked at once, in O(1), so the queue never holds a caller that stopped waiting
 * (nor its records or signal) and {@link WaiterQueue.live} is exactly what it holds.
 *
 * @internal
 */
export class WaiterQueue<W extends Waiter<never>> {
  #oldest: (W & Links<W>) | undefined;
  #newest: (W & Links<W>) | undefined;
  #live = 0;
  readonly #onGiveUp: (() => void) | undefined;

  /** @param onGiveUp - Called after a caller gave up on its own (timeout or abort), once it left the queue. */
  constructor(onGiveUp?: () => void) {
    this.#onGiveUp = onGiveUp;
  }

  /** Callers waiting, which are all the callers the queue holds. */
  get live(): number {
    return this.#live;
  }

  /**
   * Parks a caller: `fields` become the waiter's own state. The timer (one per call, not per
   * record) and the abort listener end with the wait; `giveUp` counts what the caller did not get
   * and returns the error its promise rejects with. A signal that aborted before this call (for
   * example from an event listener run by the same enqueue) gives up at once.
   */
  park<R, F extends object>(fields: F, options: ParkOptions, giveUp: (waiter: F & Waiter<R>, reason: GiveUpReason) => FirestreamError): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const { signal } = options;
      const quit = (reason: GiveUpReason): void => {
        if (waiter.settled) return;
        waiter.finish(giveUp(waiter, reason));
        this.#onGiveUp?.();
      };
      const onAbort = (): void => quit('abort');
      const waiter = Object.assign(fields, {
        older: undefined,
        newer: undefined,
        settled: false,
        finish: (outcome: R | FirestreamError): void => {
          if (waiter.settled) return;
          waiter.settled = true;
          this.#unlink(waiter as unknown as W & Links<W>);
          cancelTimer?.();
          signal?.removeEventListener('abort', onAbort);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      });
      this.#link(waiter as unknown as W & Links<W>);
      if (options.timeoutMs !== Number.POSITIVE_INFINITY) cancelTimer = options.scheduler.setTimer(() => quit('timeout'), options.timeoutMs);
      if (signal !== undefined) {
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) onAbort();
      }
    });
  }

  /** The longest-waiting caller, or undefined. */
  head(): W | undefined {
    return this.#oldest;
  }

  /** The caller that parked right after `waiter` (read it before settling `waiter`), or undefined. */
  after(waiter: W): W | undefined {
    return (waiter as W & Links<W>).newer;
  }

  /** Settles every caller still waiting with the outcome `outcomeFor` gives it, oldest first. */
  finishAll(outcomeFor: (waiter: W) => Parameters<W['finish']>[0]): void {
    for (let waiter = this.#oldest; waiter !== undefined; waiter = this.#oldest) waiter.finish(outcomeFor(waiter));
  }

  #link(waiter: W & Links<W>): void {
    waiter.older = this.#newest;
    if (this.#newest === undefined) this.#oldest = waiter;
    else this.#newest.newer = waiter;
    this.#newest = waiter;
    this.#live++;
  }

  #unlink(waiter: W & Links<W>): void {
    const { older, newer } = waiter;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    waiter.older = undefined;
    waiter.newer = undefined;
    this.#live--;
  }
}
