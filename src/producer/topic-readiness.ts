import type { Admin } from 'kafkajs';

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

/**
 * Waits until every partition of `topics` answers a ListOffsets request from its leader.
 *
 * A broker reports a new partition's leader in its metadata a little before the leader accepts
 * writes; a produce in that window fails with NOT_LEADER_OR_FOLLOWER for some partitions, and
 * kafkajs then retries the whole request, writing the partitions that had succeeded a second time
 * (duplicates) unless the producer is idempotent. ListOffsets is served by the same leader check
 * as Produce, so once it succeeds for all partitions, the first send lands once.
 *
 * @param signal - Ends the wait (the caller's deadline); the abort reason is thrown.
 */
export async function waitUntilWritable(admin: Admin, topics: readonly string[], signal: AbortSignal): Promise<void> {
  const pending = new Set(topics);
  while (pending.size > 0) {
    for (const topic of [...pending]) {
      if (signal.aborted) throw signal.reason as Error;
      try {
        await admin.fetchTopicOffsets(topic);
        pending.delete(topic);
      } catch {
        // not ready yet (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE)
      }
    }
    if (pending.size > 0) await pause(PROBE_INTERVAL_MS, signal);
  }
}
