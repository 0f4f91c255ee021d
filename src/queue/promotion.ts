/**
 * Age-based promotion (the starvation guard): LOW → NORMAL, NORMAL → HIGH.
 *
 * @module
 */
import type { Priority } from '../priority/priority.js';
import type { PriorityLane } from './priority-lane.js';

/**
 * Moves every record of `from` enqueued at or before `cutoff` (monotonic ms) into `to`, oldest
 * first, setting its `priority` and keeping its original enqueue time. Returns how many moved.
 *
 * Lanes are ordered by enqueue time, so only the records that move are looked at (plus one head
 * check): the cost is O(promoted), not O(queued).
 *
 * @internal
 */
export function promoteAged<T extends { priority: Priority }>(from: PriorityLane<T>, to: PriorityLane<T>, toPriority: Priority, cutoff: number): number {
  let moved = 0;
  while (from.oldestStamp() <= cutoff) {
    const record = from.shift() as T;
    record.priority = toPriority;
    to.pushPromoted(record, from.lastStamp);
    moved++;
  }
  return moved;
}
