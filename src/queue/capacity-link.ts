/**
 * Keeps the queue's capacity in step with the fire-season profile of the backpressure manager.
 *
 * @module
 */
import type { BackpressureManager } from './backpressure-manager.js';

/** What {@link linkQueueCapacity} resizes: a {@link QueueManager}, or anything with the same `setCapacity`. */
export interface CapacityTarget {
  /** Sets the most records held at once. */
  setCapacity(capacity: number): void;
}

/**
 * Makes `queue` follow the capacity `backpressure` asks for: sets it to
 * {@link BackpressureManager.effectiveCapacity} now (so a manager that starts in fire season
 * resizes the queue at once), and again on every `profileChange`. This is the whole wiring:
 *
 * ```ts
 * backpressure.on('profileChange', (event) => queue.setCapacity(event.effectiveCapacity));
 * ```
 *
 * With a fill provider reading `queue.utilization`, the next backpressure check sees the fill of
 * the resized queue: lower after the fire-season growth, possibly above 1 (LOAD_SHEDDING) after
 * the season ends with more records queued than the normal capacity (none are dropped for it).
 *
 * @returns A function that stops following (the queue keeps its capacity).
 */
export function linkQueueCapacity(backpressure: Pick<BackpressureManager, 'effectiveCapacity' | 'on'>, queue: CapacityTarget): () => void {
  queue.setCapacity(backpressure.effectiveCapacity);
  return backpressure.on('profileChange', (event) => queue.setCapacity(event.effectiveCapacity));
}
