import type { Admin } from 'kafkajs';
import { isRetryable } from './kafkajs-errors.js';

/** Pause between readiness probes of new topics. */
const PROBE_INTERVAL_MS = 50;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What {@link waitUntilWritable} learnt so far; the caller reads it when its deadline passes. */
export interface ReadinessProbeState {
  /** The last failed probe (a not-yet-ready topic), kept as the cause of a timeout. */
  lastError?: unknown;
  /** Topics not yet confirmed writable. */
  pending?: readonly string[];
}

/**
 * Waits until every partition of `topics` answers a ListOffsets request from its leader.
 *
 * A broker reports a new partition's leader in its metadata a little before the leader accepts
 * writes; a produce in that window fails with NOT_LEADER_OR_FOLLOWER for some partitions, and
 * kafkajs then retries the whole request, writing the partitions that had succeeded a second time
 * (duplicates) unless the producer is idempotent. ListOffsets is served by the same leader check
 * as Produce, so once it succeeds for all partitions, the first send lands once. A healthy
 * existing topic answers the first probe.
 *
 * A probe that fails with a retryable error (unknown topic, no leader yet, connection trouble) is
 * repeated every 50 ms; one that fails with a non-retryable error (an authorization failure, for
 * example) ends the wait with that error at once.
 *
 * @param signal - Ends the wait (the caller's deadline); the abort reason is thrown.
 * @param state - Updated with the last failed probe and the topics still pending.
 */
export async function waitUntilWritable(admin: Admin, topics: readonly string[], signal: AbortSignal, state: ReadinessProbeState = {}): Promise<void> {
  const pending = new Set(topics);
  state.pending = [...pending];
  while (pending.size > 0) {
    for (const topic of [...pending]) {
      if (signal.aborted) throw signal.reason as Error;
      try {
        await admin.fetchTopicOffsets(topic);
        pending.delete(topic);
        state.pending = [...pending];
      } catch (err) {
        if (signal.aborted) throw signal.reason as Error;
        if (!isRetryable(err)) throw err;
        state.lastError = err; // not ready yet (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE)
      }
    }
    if (pending.size > 0) await pause(PROBE_INTERVAL_MS, signal);
  }
}
