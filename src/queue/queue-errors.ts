/**
 * Errors of {@link QueueManager}.
 *
 * @module
 */
import { ErrorCodes, FirestreamError, describeValue } from '../errors.js';
import type { OverflowStrategy } from '../config/schema/queue.js';
import type { Priority } from '../priority/priority.js';
import { priorityName } from '../priority/priority.js';

/** What {@link QueueFullError} knows about the refusal. */
export interface QueueFullDetails {
  /** Priority of the refused records. */
  readonly priority: Priority;
  /** Capacity of the queue. */
  readonly capacity: number;
  /** Records queued when the refusal happened. */
  readonly depth: number;
  /** The overflow strategy in effect. */
  readonly strategy: OverflowStrategy;
  /** Records of the call that were queued before the refusal (the first ones). */
  readonly accepted: number;
  /** Records of the call that were refused (the rest): they are still the caller's. */
  readonly rejected: number;
  /** How long a `block` call waited, in ms; absent for an immediate refusal. */
  readonly timeoutMs?: number;
}

/** How {@link QueueFullError} came about, beyond its details. */
export interface QueueFullOptions {
  /** The refused records were handed to the spill sink, which failed, or did not answer within `timeoutMs`. */
  readonly spill?: boolean;
  /** What the spill sink threw or rejected with. */
  readonly cause?: unknown;
}

/**
 * The queue is full and refused records (code `FIRESTREAM_QUEUE_FULL`, retryable): the `reject`
 * strategy, a `block` wait that timed out, CRITICAL records arriving at a queue full of CRITICAL
 * records with no spill sink, or records the spill sink failed to keep (or did not take within the
 * call's timeout; `err.cause` is what the sink threw). The first `context.accepted` records of the
 * call were queued; the other `context.rejected` were not and remain the caller's to retry or keep.
 */
export class QueueFullError extends FirestreamError {
  constructor(details: QueueFullDetails, options: QueueFullOptions = {}) {
    const sink = options.spill === true ? ' for the spill sink' : '';
    const waited = details.timeoutMs === undefined ? (sink === '' ? '' : ': the spill sink failed to keep them') : ` after waiting ${details.timeoutMs} ms${sink}`;
    super(
      ErrorCodes.QUEUE_FULL,
      `Queue full (${details.depth}/${details.capacity} records, strategy "${details.strategy}"): ${details.rejected} ${priorityName(details.priority)} record(s) refused${waited}, ${details.accepted} queued. Retry later, raise queue.maxSize, or choose another queue.overflowStrategy.`,
      { retryable: true, cause: options.cause, context: { ...details } },
    );
  }
}

/**
 * The error of a record the queue cannot take (`INVALID_RECORD`): not a non-null extensible object
 * (checked before anything is queued), or one whose `priority`/`enqueuedAt` could not be written.
 *
 * @param index - Position of the record in the call's records.
 * @param problem - What is wrong with it, completing "Queue record at index N …".
 * @internal
 */
export function invalidRecordError(index: number, value: unknown, problem: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.INVALID_RECORD, `Queue record at index ${index} ${problem} (got ${describeValue(value)}).`, {
    cause: options.cause,
    context: { index, value, ...options.context },
  });
}

/**
 * The error a queue call rejects with when its AbortSignal aborts (`ABORTED`).
 *
 * @internal
 */
export function abortedError(operation: string, signal: AbortSignal | undefined, context: Record<string, unknown> = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.ABORTED, `Queue ${operation} was aborted by its AbortSignal.`, { cause: signal?.reason, context: { operation, ...context } });
}

/**
 * The error of a call refused because the queue is closed (`QUEUE_CLOSED`).
 *
 * @internal
 */
export function closedError(operation: string, context: Record<string, unknown> = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.QUEUE_CLOSED, `Queue is closed: ${operation} refused. Records still queued can be taken with drain().`, {
    context: { operation, ...context },
  });
}
