import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import { DEFAULT_PRODUCER_TIMEOUT_MS } from './record-producer.js';
import type { ProducerCallOptions } from './record-producer.js';

/** Options of {@link withDeadline}. */
export interface DeadlineOptions extends ProducerCallOptions {
  /** Name of the operation, used in error messages (`send`, `connect`, …). */
  operation: string;
  /** Deadline used when `timeoutMs` is not set (default {@link DEFAULT_PRODUCER_TIMEOUT_MS}). */
  defaultTimeoutMs?: number;
  /** Called when the deadline passes; its result becomes the timeout error's `cause` (for example the last failed probe). */
  timeoutCause?: () => unknown;
}

/** Validates a deadline option: a positive, finite number of milliseconds. */
export function resolveTimeoutMs(value: number | undefined, fallback: number, option = 'timeoutMs'): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new InvalidOptionError(option, value, 'must be a positive, finite number of milliseconds');
  }
  return ms;
}

/** The error a call rejects with when its signal aborts. */
export function abortedError(operation: string, signal: AbortSignal): FirestreamError {
  return new FirestreamError(ErrorCodes.ABORTED, `Producer ${operation} was aborted by its AbortSignal.`, {
    cause: signal.reason,
    context: { operation },
  });
}

/** What a timeout means for each producer operation: the outcome and what the caller can do. */
const TIMEOUT_ADVICE: Readonly<Record<string, string>> = {
  send: 'the outcome is unknown: the broker may have written some or all of the batches. Retry, and rely on the record-id header to drop duplicates.',
  connect: 'the brokers did not answer in time. The attempt goes on until the Kafka client gives up (about requestTimeoutMs × (clientRetries + 1)); call connect() again to wait for it, or disconnect() to drop it.',
  ensureTopics: 'topics may have been created but not yet confirmed writable. Calling ensureTopics() again is safe: it creates only missing topics and waits until every listed topic accepts writes.',
  healthCheck: 'the brokers did not answer the metadata probe in time.',
  disconnect: 'the producer counts as disconnected anyway; the Kafka client closes its remaining connections in the background.',
};

/** The error a call rejects with when it passes its deadline; the message says what that means for `operation`. */
export function timeoutError(operation: string, timeoutMs: number, cause?: unknown): FirestreamError {
  const advice = TIMEOUT_ADVICE[operation] ?? 'the outcome is unknown.';
  return new FirestreamError(ErrorCodes.PRODUCER_TIMEOUT, `Producer ${operation} did not finish within ${timeoutMs} ms; ${advice}`, {
    retryable: true,
    cause,
    context: { operation, timeoutMs },
  });
}

/**
 * Runs `work` bounded by a deadline and an optional AbortSignal.
 *
 * The returned promise settles with the first of: `work` settling, the deadline passing
 * (`PRODUCER_TIMEOUT`, retryable) or the signal aborting (`ABORTED`). `work` receives a signal
 * that aborts in the last two cases so it can stop early where it is able to; a late outcome of
 * `work` is ignored. An already-aborted signal rejects without starting `work`.
 */
export function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { operation, signal } = options;
  let timeoutMs: number;
  try {
    timeoutMs = resolveTimeoutMs(options.timeoutMs, options.defaultTimeoutMs ?? DEFAULT_PRODUCER_TIMEOUT_MS);
  } catch (err) {
    return Promise.reject(err);
  }
  if (signal?.aborted) return Promise.reject(abortedError(operation, signal));

  const inner = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      inner.abort(signal?.reason);
      reject(abortedError(operation, signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      if (!finish()) return;
      const err = timeoutError(operation, timeoutMs, options.timeoutCause?.());
      inner.abort(err);
      reject(err);
    }, timeoutMs);
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });

    let pending: Promise<T>;
    try {
      pending = work(inner.signal);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (err: unknown) => {
        if (finish()) reject(err);
      },
    );
  });
}
