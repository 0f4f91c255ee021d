/**
 * Errors of {@link QueueManager}.
 *
 * @module
 */
import { ErrorCodes, FirestreamError } from '../errors.js';
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

/**
 * The queue is full and refused records (code `FIRESTREAM_QUEUE_FULL`, retryable): the `reject`
 * strategy, a `block` wait that timed out, or CRITICAL records arriving at a queue full of CRITICAL
 * records with no spill sink. The first `context.accepted` records of the call were queued; the
 * other `context.rejected` were not and remain the caller's to retry or keep.
 */
export class QueueFullError extends FirestreamError {
  constructor(details: QueueFullDetails) {
    const waited = details.timeoutMs === undefined ? '' : ` after waiting ${details.timeoutMs} ms`;
    super(
      ErrorCodes.QUEUE_FULL,
      `Queue full (${details.depth}/${details.capacity} records, strategy "${details.strategy}"): ${details.rejected} ${priorityName(details.priority)} record(s) refused${waited}, ${details.accepted} queued. Retry later, raise queue.maxSize, or choose another queue.overflowStrategy.`,
      { retryable: true, context: { ...details } },
    );
  }
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
