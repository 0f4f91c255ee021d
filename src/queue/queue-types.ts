/**
 * Results, events and seams of {@link QueueManager}.
 *
 * @module
 */
import type { PerPriority } from '../config/schema/common.js';
import type { OverflowStrategy } from '../config/schema/queue.js';
import type { LatencySnapshot } from '../core/latency-histogram.js';
import type { Priority } from '../priority/priority.js';

/**
 * Why a record was dropped:
 * - `overflow_incoming`: the queue was full and the incoming record was the one to go (nothing of
 *   a lower priority was queued, or `drop_oldest` found only CRITICAL records);
 * - `overflow_lowest`: a queued record of the lowest non-empty priority made room for a more
 *   urgent one (`drop_lowest`);
 * - `overflow_oldest`: the oldest queued non-CRITICAL record made room (`drop_oldest`);
 * - `spill_failed`: a queued record displaced to the spill sink (`spill`) was lost because the
 *   sink threw or rejected. Never a CRITICAL record (never displaced), and never an incoming
 *   record: incoming records the sink fails to keep are rejected (still the caller's).
 */
export type DropReason = 'overflow_incoming' | 'overflow_lowest' | 'overflow_oldest' | 'spill_failed';

/** Every {@link DropReason}, in a fixed order. */
export const DROP_REASONS: readonly DropReason[] = Object.freeze(['overflow_incoming', 'overflow_lowest', 'overflow_oldest', 'spill_failed']);

/**
 * Why records were handed to the spill sink: `overflow_incoming` for incoming records that did not
 * fit, `overflow_displaced` for queued records moved out to make room for more urgent ones.
 */
export type SpillReason = 'overflow_incoming' | 'overflow_displaced';

/**
 * Where records go instead of being dropped: the disk buffer plugs in here.
 *
 * `spill` owns the records once called; each carries the priority it was queued or offered at
 * (for replay in priority order). A thrown error or a rejected promise means they were not kept,
 * and the queue emits `spillError`: incoming records count as rejected and go back to the caller
 * (`tryEnqueue` reports them in `rejected` when the sink throws; `enqueue` rejects with
 * `QueueFullError`), displaced records count as dropped (`spill_failed`, with `drop` events). An
 * `enqueue` call waits for the sink at most its timeout and until its signal aborts; then its
 * incoming records count as rejected even if the sink keeps them later.
 *
 * @typeParam T - Record type.
 */
export interface SpillSink<T> {
  /** Takes records the queue cannot hold; may return a promise that settles once they are safe. */
  spill(records: readonly T[], reason: SpillReason): Promise<void> | void;
}

/**
 * What happened to the records of one `enqueue` or `enqueueMany` call.
 *
 * `accepted + dropped + spilled + rejected` is the number of records offered. The first `accepted`
 * records of the call were queued, and the rest all met the same fate (dropped, spilled or
 * rejected): a call's records share one priority, so once one of them cannot be placed, none of
 * the later ones can.
 */
export interface EnqueueResult {
  /** Records queued. */
  readonly accepted: number;
  /** Records dropped by the overflow strategy (reason `overflow_incoming`). */
  readonly dropped: number;
  /** Records handed to the spill sink. */
  readonly spilled: number;
  /** Records refused: not queued and still the caller's (the `reject` strategy, a `block` timeout, a full queue of CRITICAL records without a spill sink, a spill sink that threw). */
  readonly rejected: number;
  /** Records already queued that were dropped or spilled to make room for these. */
  readonly displaced: number;
}

/** Options of the waiting `enqueue` calls. */
export interface EnqueueOptions {
  /** Stops a `block` wait or a wait for the spill sink; the call rejects with `ABORTED`. */
  signal?: AbortSignal;
  /**
   * Longest wait in ms for room (`block`) or for the spill sink (default: the manager's
   * `blockTimeoutMs`; `Infinity` for no limit); then `QUEUE_FULL`. Checked with every strategy.
   */
  timeoutMs?: number;
}

/** Options of `tryDequeueBatch`. */
export interface TryDequeueOptions {
  /** Most records in the batch (default: the configured `dequeueBatchSize`, at most the capacity). */
  maxSize?: number;
}

/** Options of `dequeueBatch`. */
export interface DequeueOptions extends TryDequeueOptions {
  /** Stops the wait; the call rejects with `ABORTED`. */
  signal?: AbortSignal;
}

/** Payload of the `drop` event: one per dropped record. */
export interface DropEvent<T> {
  /** The record that was dropped. */
  readonly record: T;
  /** Its priority when it was dropped. */
  readonly priority: Priority;
  /** Why it was dropped. */
  readonly reason: DropReason;
}

/** Payload of the `promote` event: one per promotion step that moved records. */
export interface PromoteEvent {
  /** Records promoted. */
  readonly count: number;
  /** Priority they left. */
  readonly from: Priority;
  /** Priority they joined. */
  readonly to: Priority;
}

/** Payload of the `spill` event: one per hand-over to the spill sink. */
export interface SpillEvent<T> {
  /** Records handed over. */
  readonly records: readonly T[];
  /** Why. */
  readonly reason: SpillReason;
}

/**
 * Payload of the `spillError` event: the spill sink failed to keep records (or an `enqueue` call
 * stopped waiting for it). Incoming records (`reason` `overflow_incoming`) were counted as
 * rejected and are the caller's again; displaced ones as dropped (`spill_failed`).
 */
export interface SpillErrorEvent<T> {
  /** Records the sink failed to keep. */
  readonly records: readonly T[];
  /** What the sink threw or rejected with, or the error of the `enqueue` call that stopped waiting (`QUEUE_FULL` on timeout, `ABORTED`). */
  readonly error: unknown;
  /** Why they were handed over: incoming records or displaced ones. */
  readonly reason: SpillReason;
}

/** Payload of the `full` event, emitted when the queue reaches its capacity (once per time it fills). */
export interface FullEvent {
  /** Capacity reached. */
  readonly capacity: number;
  /** The overflow strategy that applies from now on. */
  readonly strategy: OverflowStrategy;
}

/** Payload of the `capacityChange` event, emitted by {@link QueueManager.setCapacity} when the capacity changes. */
export interface CapacityChangeEvent {
  /** Capacity before. */
  readonly from: number;
  /** Capacity now. */
  readonly to: number;
}

/** Events of {@link QueueManager}. */
export interface QueueEvents<T> {
  /** A record was dropped. */
  drop: [DropEvent<T>];
  /** Records were promoted by age. */
  promote: [PromoteEvent];
  /** Records were handed to the spill sink. */
  spill: [SpillEvent<T>];
  /** The spill sink failed to keep records (see {@link SpillErrorEvent}). */
  spillError: [SpillErrorEvent<T>];
  /** The queue became full (also when a smaller capacity makes it full). */
  full: [FullEvent];
  /** The capacity was changed by {@link QueueManager.setCapacity}. */
  capacityChange: [CapacityChangeEvent];
}

/** Counts per priority, keyed by lower-case priority name. */
export type PriorityCounts = Readonly<PerPriority<number>>;

/**
 * Plain-data metrics of a {@link QueueManager}.
 *
 * **Accounting identity.** Every record offered to the queue is in exactly one place, so over all
 * priorities, at every moment:
 *
 * `sum(received) = sum(dequeued) + sum(drained) + depth + sum(dropped) + sum(spilled) + sum(rejected)`
 *
 * A record accepted and later displaced by `drop_lowest` or `drop_oldest` to make room for a more
 * urgent one leaves `depth` and enters `dropped` (reason `overflow_lowest` / `overflow_oldest`);
 * with `spill` it enters `spilled` instead, and moves on to `dropped` (`spill_failed`) if the sink
 * fails to keep it. An incoming record handed to the sink enters `spilled`, and moves on to
 * `rejected` if the sink fails to keep it (or the `enqueue` call stops waiting for it). Records a
 * `block` call never queued (timeout, abort, close) are `rejected`.
 * The identity holds for the totals only: `received` counts by the priority offered, the others by
 * the priority at the time (a promoted record counts under its new priority).
 */
export interface QueueMetrics {
  /** Most records held at once (the current capacity, see `QueueManager.setCapacity`). */
  readonly capacity: number;
  /** Records held now. */
  readonly depth: number;
  /** `depth / capacity` with the current capacity: from 0 to 1, above 1 after the capacity was set below the depth. */
  readonly utilization: number;
  /** Records held now, per priority. */
  readonly depths: PriorityCounts;
  /** Records offered and decided: accepted, dropped on arrival, spilled on arrival or rejected, per priority offered. */
  readonly received: PriorityCounts;
  /** Records accepted into a queue, per priority at enqueue. */
  readonly enqueued: PriorityCounts;
  /** Records taken by `dequeueBatch`/`tryDequeueBatch`, per priority at dequeue. */
  readonly dequeued: PriorityCounts;
  /** Records taken by `drain()`, per priority. */
  readonly drained: PriorityCounts;
  /** Records dropped for any reason, per priority. */
  readonly dropped: PriorityCounts;
  /** Records dropped, per reason and priority. */
  readonly droppedByReason: Readonly<Record<DropReason, PriorityCounts>>;
  /** Records handed to the spill sink and not lost there (incoming and displaced), per priority. */
  readonly spilled: PriorityCounts;
  /** Records refused, per priority. */
  readonly rejected: PriorityCounts;
  /** Records promoted by age, per step. */
  readonly promoted: { readonly lowToNormal: number; readonly normalToHigh: number };
  /** Time from enqueue to dequeue in ms, per priority at dequeue (a promoted record counts from its first enqueue). */
  readonly waitMs: Readonly<PerPriority<LatencySnapshot>>;
  /** `enqueue` calls waiting for room (`block`): every call the queue holds (one that gave up is let go at once). */
  readonly blockedEnqueues: number;
  /** `dequeueBatch` calls waiting for a ready batch: every call the queue holds (one that aborted is let go at once). */
  readonly waitingDequeues: number;
}
