/**
 * Hands records to a {@link SpillSink} and keeps the spilled counters honest.
 *
 * @module
 */
import type { Priority } from '../priority/priority.js';
import type { SpillReason, SpillSink } from './queue-types.js';

/** Settles once the sink holds the records: false when it failed. Undefined: kept synchronously. */
export type SpillOutcome = Promise<boolean> | undefined;

/** What the outlet reports to its owner. */
export interface SpillHooks<T> {
  /** Records were handed to the sink (already counted as spilled). */
  spilled(records: readonly T[], reason: SpillReason): void;
  /** The sink threw or rejected: the records are no longer counted as spilled and must be counted as dropped. */
  failed(records: readonly T[], error: unknown): void;
}

/**
 * Counts records as spilled per priority when they are handed over, and takes them back out of
 * that count when the sink throws or rejects, so that every record stays in exactly one place.
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
  hand(records: T[], reason: SpillReason): SpillOutcome {
    for (const record of records) (this.#spilled[record.priority] as number)++;
    this.#hooks.spilled(records, reason);
    let outcome: Promise<void> | void;
    try {
      outcome = this.#sink.spill(records, reason);
    } catch (err) {
      this.#failed(records, err);
      return Promise.resolve(false);
    }
    if (outcome === undefined || typeof (outcome as Promise<void>).then !== 'function') return undefined;
    return Promise.resolve(outcome).then(
      () => true,
      (err: unknown) => {
        this.#failed(records, err);
        return false;
      },
    );
  }

  #failed(records: readonly T[], error: unknown): void {
    for (const record of records) (this.#spilled[record.priority] as number)--;
    this.#hooks.failed(records, error);
  }
}
