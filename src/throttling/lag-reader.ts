import type { Scheduler } from '../core/scheduler.js';
import { describeValue } from '../errors.js';
import type { LagSource } from './lag-source.js';
import { lagUnavailable } from './lag-source.js';

/** How a {@link LagReader} hands over what a read found. */
export interface LagReaderHost {
  /** A read that started at monotonic time `startedAt` found `lag` (a finite number, 0 or more). */
  onLag(lag: number, startedAt: number): void;
  /** A read failed, returned something other than a number of records, or passed its deadline. */
  onError(error: unknown): void;
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts (with `reason()`, by default the
 * signal's reason); `promise` itself goes on.
 *
 * @internal
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => unknown = () => signal.reason): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Reads a {@link LagSource} in the background for the {@link ThrottlingManager}: at most one read
 * in flight, each bounded by a deadline. At the deadline the read's signal aborts and the read
 * counts as failed, even when the source ignores the signal (its late answer is dropped), so a
 * hung source holds the slot for at most `timeoutMs`.
 *
 * @internal
 */
export class LagReader {
  readonly #source: LagSource;
  readonly #timeoutMs: number;
  readonly #scheduler: Scheduler;
  readonly #host: LagReaderHost;
  #inFlight: Promise<unknown> | undefined;
  #startedAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;

  constructor(source: LagSource, timeoutMs: number, scheduler: Scheduler, host: LagReaderHost) {
    this.#source = source;
    this.#timeoutMs = timeoutMs;
    this.#scheduler = scheduler;
    this.#host = host;
  }

  /** Monotonic time the last read started (−∞ before the first). */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** True while a read is in flight. */
  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  /** The last finished read's error while it failed; `undefined` once a read succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Starts a read at monotonic time `now`, or joins the one in flight. The promise settles when
   * that read is done, with its error or `undefined`; it never rejects.
   */
  read(now: number): Promise<unknown> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    this.#startedAt = now;
    const ms = this.#timeoutMs;
    const controller = new AbortController();
    const cancel = this.#scheduler.setTimer(() => {
      controller.abort(lagUnavailable(`The lag source did not answer within ${ms} ms (lagReadTimeoutMs); the last decision stays in force.`, { context: { timeoutMs: ms } }));
    }, ms);
    let pending: Promise<number>;
    try {
      pending = this.#source.getLag({ signal: controller.signal });
    } catch (err) {
      pending = Promise.reject(err);
    }
    const done = (error: unknown): unknown => {
      cancel();
      this.#inFlight = undefined;
      this.#lastError = error;
      return error;
    };
    const read = untilAborted(Promise.resolve(pending), controller.signal).then(
      (lag: unknown) => {
        if (typeof lag !== 'number' || !Number.isFinite(lag) || lag < 0) {
          const error = lagUnavailable(`The lag source returned ${describeValue(lag)}, not a number of records.`, { retryable: false, context: { lag } });
          this.#host.onError(done(error));
          return error;
        }
        done(undefined);
        this.#host.onLag(lag, now);
        return undefined;
      },
      (err: unknown) => {
        this.#host.onError(done(err));
        return err;
      },
    );
    this.#inFlight = read;
    return read;
  }
}
