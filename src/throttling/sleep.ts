import { MAX_TIMER_MS } from '../config/schema/common.js';
import { InvalidOptionError } from '../errors.js';
import { throttlingAborted } from './lag-source.js';

/**
 * Waits `ms` milliseconds unless `signal` aborts first. Injected into the
 * {@link ThrottlingManager} so tests with a fake clock do not really wait.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The real {@link Sleep}: one `unref`'d timer (a throttled sender does not keep the process
 * alive on its own). Rejects with `FIRESTREAM_ABORTED` (the signal's reason as `cause`) when
 * `signal` aborts, also when it was aborted before the call; `ms` ≤ 0 resolves at once.
 */
export const abortableSleep: Sleep = (ms, signal) => {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms > MAX_TIMER_MS) {
    return Promise.reject(new InvalidOptionError('ms', ms, `must be a number of milliseconds up to ${MAX_TIMER_MS} (the longest Node timer)`));
  }
  if (signal?.aborted) return Promise.reject(throttlingAborted('wait', signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(throttlingAborted('wait', signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
};
