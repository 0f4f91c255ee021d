/**
 * The enqueue path of {@link QueueManager} without waiting: stamping records with time, placing
 * them in the store, and settling the fate of what did not fit (counted drops with `drop` events,
 * or a hand-over to the spill sink).
 *
 * @module
 */
import type { OverflowStrategy } from '../config/schema/queue.js';
import type { Clock } from '../core/clock.js';
import type { RecordEnvelope } from '../core/record.js';
import type { FirestreamError } from '../errors.js';
import type { Priority } from '../priority/priority.js';
import { invalidRecordError } from './queue-errors.js';
import type { Placement, QueueStore } from './queue-store.js';
import { enqueueResult } from './queue-store.js';
import type { DropReason, EnqueueResult, QueueEvents, SpillSink } from './queue-types.js';
import type { SpillHandover } from './spill-outlet.js';
import { SpillOutlet } from './spill-outlet.js';

/** Emits one of the owner's `drop`, `spill` and `spillError` events. */
export type OverflowEmit<T> = <K extends 'drop' | 'spill' | 'spillError'>(event: K, ...args: QueueEvents<T>[K]) => void;

/** What one placement did, and its hand-overs to the spill sink (which may still be settling). */
export interface PlaceOutcome<T extends RecordEnvelope<unknown>> {
  readonly placed: Placement<T>;
  /** The call's result as of now: incoming records the sink failed to keep at once count as rejected. */
  readonly result: EnqueueResult;
  /** The incoming records handed to the sink, if any. */
  readonly incomingSpill: SpillHandover<T> | undefined;
  /** The queued records displaced to the sink, if any. */
  readonly displacedSpill: SpillHandover<T> | undefined;
  /** `INVALID_RECORD` when a record's fields could not be written (everything is counted; the caller throws it). */
  readonly invalid: FirestreamError | undefined;
}

/**
 * Places records into a {@link QueueStore} and drops or spills what the placement left over:
 * displaced records (`victims`) and incoming records that did not fit (`rest`). Every drop is
 * counted by priority and reason and emitted as `drop`. Records the sink fails to keep (or whose
 * hand-over is abandoned) are counted where they belong: incoming records as rejected (they are
 * still the caller's; never dropped, so a CRITICAL record is never lost there), displaced records
 * as dropped (`spill_failed`; never CRITICAL, which is never displaced). Both emit `spillError`.
 *
 * Time: `enqueuedAt` (wall-clock) is derived from the monotonic reading and the wall/monotonic
 * offset read at the latest batch operation ({@link RecordPlacer.readClocks}), so a single
 * enqueue reads one clock instead of two (clock reads are the largest cost of a single enqueue).
 *
 * @typeParam T - Record type.
 * @internal
 */
export class RecordPlacer<T extends RecordEnvelope<unknown>> {
  readonly #store: QueueStore<T>;
  readonly #clock: Clock;
  readonly #strategy: OverflowStrategy;
  readonly #emit: OverflowEmit<T>;
  readonly #outlet: SpillOutlet<T> | undefined;
  /** Wall-clock time minus monotonic time, as of the last {@link RecordPlacer.readClocks}. */
  #wallOffset: number;

  constructor(store: QueueStore<T>, clock: Clock, strategy: OverflowStrategy, sink: SpillSink<T> | undefined, emit: OverflowEmit<T>) {
    this.#store = store;
    this.#clock = clock;
    this.#strategy = strategy;
    this.#emit = emit;
    this.#wallOffset = clock.now() - clock.monotonic();
    this.#outlet =
      sink &&
      new SpillOutlet(sink, store.counters.spilled, {
        spilled: (records, reason) => emit('spill', { records, reason }),
        failed: (handover, error) => {
          const { records, reason, priorities } = handover;
          const counters = store.counters;
          for (let i = 0; i < records.length; i++) {
            const priority = priorities[i] as Priority;
            if (reason === 'overflow_incoming') (counters.rejected[priority] as number)++;
            else this.#drop(records[i] as T, priority, 'spill_failed');
          }
          emit('spillError', { records, error, reason });
        },
      });
  }

  /** Wall-clock time minus monotonic time, as of the last batch operation: a single enqueue adds it to its one monotonic reading. */
  get wallOffset(): number {
    return this.#wallOffset;
  }

  /** Reads both clocks, refreshes the wall/monotonic offset and returns monotonic now (once per batch operation). */
  readClocks(): number {
    const stamp = this.#clock.monotonic();
    this.#wallOffset = this.#clock.now() - stamp;
    return stamp;
  }

  /**
   * Places `records[from..]` (see `QueueStore.place`), then drops or spills what overflowed.
   * `offset` is the index of `records[0]` in the caller's array, for the `INVALID_RECORD` error.
   */
  place(records: readonly T[], priority: Priority, from: number, canWait: boolean, offset = 0): PlaceOutcome<T> {
    const stamp = this.readClocks();
    const placed = this.#store.place(records, priority, from, canWait, stamp + this.#wallOffset, stamp);
    let incomingSpill: SpillHandover<T> | undefined;
    let displacedSpill: SpillHandover<T> | undefined;
    const { victims, rest } = placed;
    if (victims !== undefined) {
      if (this.#strategy === 'spill') displacedSpill = this.#outlet?.hand(victims, 'overflow_displaced');
      else for (const victim of victims) this.#drop(victim, victim.priority, this.#strategy === 'drop_oldest' ? 'overflow_oldest' : 'overflow_lowest');
    }
    for (let i = rest, end = rest + placed.dropped; i < end; i++) this.#drop(records[i] as T, priority, 'overflow_incoming');
    if (placed.spilled > 0) incomingSpill = this.#outlet?.hand(records.slice(rest, rest + placed.spilled), 'overflow_incoming');
    const failedAtOnce = incomingSpill?.state === 'failed' ? placed.spilled : 0;
    const result = enqueueResult(placed.accepted, placed.dropped, placed.spilled - failedAtOnce, placed.rejected + failedAtOnce, placed.displaced);
    const invalid = placed.failedAt < 0 ? undefined : this.#invalid(records, placed, offset, offset + from + result.accepted, result);
    return { placed, result, incomingSpill, displacedSpill, invalid };
  }

  /**
   * The error of a record whose fields could not be written: named by its index in the caller's
   * array (`offset` + its index here); the context holds the call's result with all `accepted`.
   */
  #invalid(records: readonly T[], placed: Placement<T>, offset: number, accepted: number, result: EnqueueResult): FirestreamError {
    const index = offset + placed.failedAt;
    return invalidRecordError(
      index,
      records[placed.failedAt],
      `could not be given its priority and enqueuedAt: ${String(placed.failure)}. It and the ${result.rejected - 1} record(s) after it were refused; ${accepted} queued`,
      { cause: placed.failure, context: { ...result, accepted } },
    );
  }

  #drop(record: T, priority: Priority, reason: DropReason): void {
    this.#store.counters.drop(priority, reason);
    this.#emit('drop', { record, priority, reason });
  }
}
