/**
 * Hands records to a {@link SpillSink} and keeps the spilled counters honest.
 *
 * @module
 */
import type { Priority } from '../priority/priority.js';
import type { SpillReason, SpillSink } from './queue-types.js';

/** What the outlet reports to its owner. */
export interface SpillHooks<T extends { priority: Priority }> {
  /** Records were handed to the sink (already counted as spilled). */
  spilled(records: readonly T[], reason: SpillReason): void;
  /**
   * The sink threw or rejected, or the hand-over was abandoned: its records are no longer counted
   * as spilled and must be counted where they went (incoming: rejected; displaced: dropped), each
   * under `handover.priorities[i]`, its priority when handed over.
   */
  failed(handover: SpillHandover<T>, error: unknown): void;
}

/**
 * One hand-over of records to the sink. Its fate is settled exactly once: `kept` when the sink
 * returned or resolved, `failed` when it threw or rejected, or when {@link SpillHandover.abandon}
 * came first (a later answer of the sink then changes nothing).
 *
 * @internal
 */
export class SpillHandover<T extends { priority: Priority }> {
  /** `pending` until the sink answers or the hand-over is abandoned. */
  state: 'pending' | 'kept' | 'failed' = 'pending';
  /** What the sink threw or rejected with, or the reason given to `abandon`. */
  error: unknown;
  /** Settles (never rejects) when the sink answers; undefined when it answered synchronously. */
  settled: Promise<void> | undefined;
  readonly #outlet: SpillOutlet<T>;
  readonly records: readonly T[];
  readonly reason: SpillReason;
  /** Each record's priority when handed over (the sink may change the records): the counters' index. */
  readonly priorities: Uint8Array;

  constructor(outlet: SpillOutlet<T>, records: readonly T[], reason: SpillReason) {
    this.#outlet = outlet;
    this.records = records;
    this.reason = reason;
    this.priorities = Uint8Array.from(records, (record) => record.priority);
  }

  /** Records the sink as having failed to keep the records, unless it already answered. */
  abandon(error: unknown): void {
    this.#outlet.fail(this, error);
  }
}

/**
 * Counts records as spilled per priority when they are handed over, and takes them back out of
 * that count when the sink throws or rejects (or the wait for it is abandoned), so that every
 * record stays in exactly one place.
 *
 * @internal
 */
export class SpillOutlet<T extends { priority: Priority }> {
  readonly #sink: SpillSink<T>;
  readonly #spilled: Float64Array;
  readonly #hooks: SpillHooks<T>;

  constructor(sink: SpillSink<T>, spilledCounts: Float64Array, hooks: SpillHooks<T>) {
    this.#sink = sink;
    this.#spilled = spilledCounts;
    this.#hooks = hooks;
  }

  /** Hands `records` to the sink. */
  hand(records: T[], reason: SpillReason): SpillHandover<T> {
    const handover = new SpillHandover(this, records, reason);
    for (const priority of handover.priorities) (this.#spilled[priority] as number)++;
    this.#hooks.spilled(records, reason);
    let outcome: Promise<void> | void;
    try {
      outcome = this.#sink.spill(records, reason);
    } catch (err) {
      this.fail(handover, err);
      return handover;
    }
    if (outcome === undefined || typeof (outcome as Promise<void>).then !== 'function') {
      handover.state = 'kept';
      return handover;
    }
    handover.settled = Promise.resolve(outcome).then(
      () => {
        if (handover.state === 'pending') handover.state = 'kept';
      },
      (err: unknown) => this.fail(handover, err),
    );
    return handover;
  }

  /** Settles a pending hand-over as failed: its records leave the spilled count. */
  fail(handover: SpillHandover<T>, error: unknown): void {
    if (handover.state !== 'pending') return;
    handover.state = 'failed';
    handover.error = error;
    for (const priority of handover.priorities) (this.#spilled[priority] as number)--;
    this.#hooks.failed(handover, error);
  }
}
