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
import type { Priority } from '../priority/priority.js';
import type { Placement, QueueStore } from './queue-store.js';
import { enqueueResult } from './queue-store.js';
import type { DropReason, EnqueueResult, QueueEvents, SpillSink } from './queue-types.js';
import type { SpillOutcome } from './spill-outlet.js';
import { SpillOutlet } from './spill-outlet.js';

/** Emits one of the owner's `drop`, `spill` and `spillError` events. */
export type OverflowEmit<T> = <K extends 'drop' | 'spill' | 'spillError'>(event: K, ...args: QueueEvents<T>[K]) => void;

/** What one placement did, and the spill hand-overs still settling (each resolves to false when the sink failed). */
export interface PlaceOutcome<T> {
  readonly placed: Placement<T>;
  readonly result: EnqueueResult;
  /** The incoming records handed to the sink, if any. */
  readonly incomingSpill: SpillOutcome;
  /** The queued records displaced to the sink, if any. */
  readonly displacedSpill: SpillOutcome;
}

/**
 * Places records into a {@link QueueStore} and drops or spills what the placement left over:
 * displaced records (`victims`) and incoming records that did not fit (`rest`). Every drop is
 * counted by priority and reason and emitted as `drop`; records the sink fails to keep are
 * counted as dropped (`spill_failed`).
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
        failed: (records, error) => {
          for (const record of records) this.#drop(record, record.priority, 'spill_failed');
          emit('spillError', { records, error });
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

  /** Places `records[from..]` (see `QueueStore.place`), then drops or spills what overflowed. */
  place(records: readonly T[], priority: Priority, from: number, canWait: boolean): PlaceOutcome<T> {
    const stamp = this.readClocks();
    const placed = this.#store.place(records, priority, from, canWait, stamp + this.#wallOffset, stamp);
    let incomingSpill: SpillOutcome;
    let displacedSpill: SpillOutcome;
    const { victims, rest } = placed;
    if (victims !== undefined && victims.length > 0) {
      if (this.#strategy === 'spill') displacedSpill = this.#outlet?.hand(victims, 'overflow_displaced');
      else for (const victim of victims) this.#drop(victim, victim.priority, this.#strategy === 'drop_oldest' ? 'overflow_oldest' : 'overflow_lowest');
    }
    if (placed.dropped > 0) for (const record of rest ?? []) this.#drop(record, priority, 'overflow_incoming');
    if (placed.spilled > 0 && rest !== undefined) {
      for (const record of rest) record.priority = priority;
      incomingSpill = this.#outlet?.hand(rest, 'overflow_incoming');
    }
    const result = enqueueResult(placed.accepted, placed.dropped, placed.spilled, placed.rejected, placed.displaced);
    return { placed, result, incomingSpill, displacedSpill };
  }

  #drop(record: T, priority: Priority, reason: DropReason): void {
    this.#store.counters.drop(priority, reason);
    this.#emit('drop', { record, priority, reason });
  }
}
