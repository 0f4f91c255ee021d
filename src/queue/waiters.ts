/**
 * Callers parked until the queue can answer them: `block` enqueues waiting for room and
 * `dequeueBatch` calls waiting for a ready batch.
 *
 * @module
 */
import type { Scheduler } from '../core/scheduler.js';
import type { FirestreamError } from '../errors.js';
import { RingBuffer } from './ring-buffer.js';

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

/**
 * A FIFO of parked callers. Callers that gave up stay in the ring until they reach its head (they
 * are skipped there), so giving up is O(1); {@link WaiterQueue.live} counts the others.
 *
 * @internal
 */
export class WaiterQueue<W extends Waiter<never>> {
  readonly #ring = new RingBuffer<W>();
  #live = 0;

  /** Callers still waiting. */
  get live(): number {
    return this.#live;
  }

  /**
   * Parks a caller: `fields` become the waiter's own state. The timer (one per call, not per
   * record) and the abort listener end with the wait; `giveUp` counts what the caller did not get
   * and returns the error its promise rejects with.
   */
  park<R, F extends object>(fields: F, options: ParkOptions, giveUp: (waiter: F & Waiter<R>, reason: GiveUpReason) => FirestreamError): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let cancelTimer: (() => void) | undefined;
      const { signal } = options;
      const onAbort = (): void => {
        if (!waiter.settled) waiter.finish(giveUp(waiter, 'abort'));
      };
      const waiter = Object.assign(fields, {
        settled: false,
        finish: (outcome: R | FirestreamError): void => {
          if (waiter.settled) return;
          waiter.settled = true;
          this.#live--;
          cancelTimer?.();
          signal?.removeEventListener('abort', onAbort);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      });
      if (options.timeoutMs !== Number.POSITIVE_INFINITY) {
        cancelTimer = options.scheduler.setTimer(() => {
          if (!waiter.settled) waiter.finish(giveUp(waiter, 'timeout'));
        }, options.timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#ring.push(waiter as unknown as W);
      this.#live++;
    });
  }

  /** The longest-waiting caller still waiting, or undefined. */
  head(): W | undefined {
    for (let waiter = this.#ring.peek(); waiter !== undefined; waiter = this.#ring.peek()) {
      if (!waiter.settled) return waiter;
      this.#ring.shift();
    }
    return undefined;
  }

  /** Settles every caller still waiting with the outcome `outcomeFor` gives it. */
  finishAll(outcomeFor: (waiter: W) => Parameters<W['finish']>[0]): void {
    for (let waiter = this.#ring.shift(); waiter !== undefined; waiter = this.#ring.shift()) {
      if (!waiter.settled) waiter.finish(outcomeFor(waiter));
    }
  }
}
