/**
 * Counters and wait-time histograms of {@link QueueManager}, and their plain-data snapshot.
 *
 * @module
 */
import { LatencyHistogram } from '../core/latency-histogram.js';
import type { Priority } from '../priority/priority.js';
import type { DropReason, PriorityCounts, QueueMetrics } from './queue-types.js';
import { DROP_REASONS } from './queue-types.js';

/** Index of each drop reason in {@link QueueCounters.dropped}. */
const REASON_INDEX: Readonly<Record<DropReason, number>> = Object.freeze({
  overflow_incoming: 0,
  overflow_lowest: 1,
  overflow_oldest: 2,
  spill_failed: 3,
});

/** Per-priority counts as a frozen `{ critical, high, normal, low }` object. */
export function priorityCounts(values: ArrayLike<number>): PriorityCounts {
  return Object.freeze({ critical: values[0] ?? 0, high: values[1] ?? 0, normal: values[2] ?? 0, low: values[3] ?? 0 });
}

/** Live state that the snapshot adds to the counters. */
export interface QueueGauges {
  readonly capacity: number;
  readonly depths: ArrayLike<number>;
  readonly blockedEnqueues: number;
  readonly waitingDequeues: number;
}

/**
 * Counters per priority, held in typed arrays indexed by priority value (cheap to bump on the hot
 * path), and one wait-time histogram per priority.
 *
 * @internal
 */
export class QueueCounters {
  readonly received = new Float64Array(4);
  readonly enqueued = new Float64Array(4);
  readonly dequeued = new Float64Array(4);
  readonly drained = new Float64Array(4);
  readonly spilled = new Float64Array(4);
  readonly rejected = new Float64Array(4);
  /** Drops, `[reason index × 4 + priority]`. */
  readonly dropped = new Float64Array(DROP_REASONS.length * 4);
  readonly wait: readonly LatencyHistogram[] = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  lowToNormal = 0;
  normalToHigh = 0;

  /** Counts one dropped record. */
  drop(priority: Priority, reason: DropReason): void {
    (this.dropped[REASON_INDEX[reason] * 4 + priority] as number)++;
  }

  /** Builds the frozen metrics snapshot. */
  snapshot(gauges: QueueGauges): QueueMetrics {
    const droppedByReason = {} as Record<DropReason, PriorityCounts>;
    const droppedTotal = new Float64Array(4);
    for (const reason of DROP_REASONS) {
      const base = REASON_INDEX[reason] * 4;
      const row = this.dropped.subarray(base, base + 4);
      droppedByReason[reason] = priorityCounts(row);
      for (let p = 0; p < 4; p++) (droppedTotal[p] as number) += row[p] as number;
    }
    let depth = 0;
    for (let p = 0; p < 4; p++) depth += gauges.depths[p] ?? 0;
    const [critical, high, normal, low] = this.wait.map((h) => h.snapshot());
    return Object.freeze({
      capacity: gauges.capacity,
      depth,
      utilization: depth / gauges.capacity,
      depths: priorityCounts(gauges.depths),
      received: priorityCounts(this.received),
      enqueued: priorityCounts(this.enqueued),
      dequeued: priorityCounts(this.dequeued),
      drained: priorityCounts(this.drained),
      dropped: priorityCounts(droppedTotal),
      droppedByReason: Object.freeze(droppedByReason),
      spilled: priorityCounts(this.spilled),
      rejected: priorityCounts(this.rejected),
      promoted: Object.freeze({ lowToNormal: this.lowToNormal, normalToHigh: this.normalToHigh }),
      waitMs: Object.freeze({ critical: critical!, high: high!, normal: normal!, low: low! }),
      blockedEnqueues: gauges.blockedEnqueues,
      waitingDequeues: gauges.waitingDequeues,
    });
  }
}
