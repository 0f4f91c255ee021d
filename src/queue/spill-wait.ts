/**
 * The wait of an `enqueue` call for the spill sink: bounded by the call's timeout and AbortSignal.
 *
 * @module
 */
import type { RecordEnvelope } from '../core/record.js';
import type { Scheduler } from '../core/scheduler.js';
import type { FirestreamError } from '../errors.js';
import { abortedError } from './queue-errors.js';
import type { EnqueueResult } from './queue-types.js';
import type { PlaceOutcome } from './record-placer.js';

/** How an `enqueue` call waits for its hand-overs to the sink. */
export interface SpillWaitOptions {
  readonly signal: AbortSignal | undefined;
  /** Longest wait in ms; `Infinity` for none. */
  readonly timeoutMs: number;
  readonly scheduler: Scheduler;
  /** The `QUEUE_FULL` error for `rejected` incoming records the sink did not keep (`timeoutMs` when it did not answer in time). */
  fullError(rejected: number, timeoutMs: number | undefined, cause: unknown): FirestreamError;
}

type WaitEnd = 'settled' | 'abort' | 'timeout';

/** Resolves when every promise settled, the timeout passed or the signal aborted, whichever is first; one timer, one listener, both removed. */
function firstOf(pending: readonly Promise<void>[], options: SpillWaitOptions): Promise<WaitEnd> {
  const { signal, timeoutMs } = options;
  return new Promise<WaitEnd>((resolve) => {
    let cancelTimer: (() => void) | undefined;
    const end = (how: WaitEnd): void => {
      cancelTimer?.();
      signal?.removeEventListener('abort', onAbort);
      resolve(how);
    };
    const onAbort = (): void => end('abort');
    void Promise.all(pending).then(() => end('settled'));
    if (timeoutMs !== Number.POSITIVE_INFINITY) cancelTimer = options.scheduler.setTimer(() => end('timeout'), timeoutMs);
    if (signal !== undefined) {
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    }
  });
}

/**
 * Waits until the sink answered for the incoming and displaced records of one placement, or the
 * timeout passed, or the signal aborted. The incoming records' fate is settled exactly once:
 *
 * - the sink kept them: resolves with the placement's result;
 * - it threw or rejected: they are rejected (still the caller's), and the call fails with
 *   `QUEUE_FULL` (`cause`: the sink's error);
 * - it did not answer within `timeoutMs`: the hand-over is abandoned, they are rejected, `QUEUE_FULL`
 *   (with `timeoutMs`); the sink may still keep them later, so a retry may store them twice;
 * - the signal aborted: the same, with `ABORTED` (the whole result in its context).
 *
 * Displaced records are the queue's, not the caller's: the call waits for them too, but a timeout
 * or abort leaves them to the sink's answer (kept: spilled; failed: dropped, `spill_failed`).
 *
 * @internal
 */
export async function awaitSpill<T extends RecordEnvelope<unknown>>(outcome: PlaceOutcome<T>, options: SpillWaitOptions): Promise<EnqueueResult> {
  const { result, incomingSpill: incoming, displacedSpill: displaced } = outcome;
  const pending: Promise<void>[] = [];
  for (const handover of [incoming, displaced]) if (handover?.state === 'pending' && handover.settled !== undefined) pending.push(handover.settled);
  const how = pending.length === 0 ? 'settled' : await firstOf(pending, options);
  if (how === 'abort') {
    const rejected = incoming !== undefined && incoming.state !== 'kept' ? incoming.records.length : 0;
    const err = abortedError('enqueue', options.signal, { ...result, spilled: result.spilled - rejected, rejected: result.rejected + rejected });
    incoming?.abandon(err);
    throw err;
  }
  if (incoming === undefined || incoming.state === 'kept') return result;
  const err = options.fullError(incoming.records.length, incoming.state === 'pending' ? options.timeoutMs : undefined, incoming.error);
  incoming.abandon(err);
  throw err;
}
