/**
 * Which record goes when the queue is full: the victim choice of each overflow strategy.
 *
 * @module
 */
import type { OverflowStrategy } from '../config/schema/queue.js';
import type { PriorityLane } from './priority-lane.js';

/** The incoming record is dropped (`overflow_incoming`). */
export const DROP_INCOMING = -1;
/** The incoming record goes to the spill sink. */
export const SPILL_INCOMING = -2;
/** The incoming record is refused (`QueueFullError`). */
export const REJECT_INCOMING = -3;

/**
 * Decides what makes room for an incoming record of priority `priority` in a full queue.
 *
 * Returns the lane (1 to 3) whose oldest record is displaced, or one of {@link DROP_INCOMING},
 * {@link SPILL_INCOMING}, {@link REJECT_INCOMING}. The rules:
 * - `drop_lowest` and `spill` displace the oldest record of the lowest non-empty priority that is
 *   lower than the incoming one; when there is none, the incoming record is the victim;
 * - `drop_oldest` displaces the oldest non-CRITICAL record queued before this call (the call's own
 *   records, the newest of lane `priority`, are never displaced by it: `own` counts them); when
 *   there is none, the incoming record is the victim;
 * - `reject` and `block` (when not waiting) refuse the incoming record;
 * - a CRITICAL record is never dropped: when it would be the victim it is spilled if a sink exists
 *   and refused otherwise. Queued CRITICAL records are never displaced.
 *
 * @internal
 */
export function chooseVictim(strategy: OverflowStrategy, lanes: readonly PriorityLane<unknown>[], priority: number, hasSink: boolean, own: number): number {
  let lane = -1;
  if (strategy === 'drop_lowest' || strategy === 'spill') {
    for (let q = 3; q > priority; q--) {
      if ((lanes[q] as PriorityLane<unknown>).size > 0) {
        lane = q;
        break;
      }
    }
  } else if (strategy === 'drop_oldest') {
    let oldest = Number.POSITIVE_INFINITY;
    for (let q = 3; q > 0; q--) {
      const candidate = lanes[q] as PriorityLane<unknown>;
      if (q === priority && candidate.size <= own) continue;
      const stamp = candidate.oldestStamp();
      if (stamp < oldest) {
        oldest = stamp;
        lane = q;
      }
    }
  } else {
    return REJECT_INCOMING;
  }
  if (lane !== -1) return lane;
  if (priority === 0) return hasSink ? SPILL_INCOMING : REJECT_INCOMING;
  return strategy === 'spill' ? SPILL_INCOMING : DROP_INCOMING;
}
