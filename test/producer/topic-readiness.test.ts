import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { waitUntilWritable } from '../../src/producer/topic-readiness.js';
import type { ReadinessProbeState } from '../../src/producer/topic-readiness.js';
import { protocolError } from './fake-kafka.js';

const adminProbing = (probe: (topic: string) => Error | undefined): Admin =>
  ({
    fetchTopicOffsets: async (topic: string) => {
      const error = probe(topic);
      if (error) throw error;
      return [];
    },
  }) as unknown as Admin;

describe('waitUntilWritable', () => {
  it('retries retryable probe failures until every topic answers, and records the last failure', async () => {
    let failures = 3;
    const notLeader = protocolError('NOT_LEADER_OR_FOLLOWER', true);
    const state: ReadinessProbeState = {};
    await waitUntilWritable(adminProbing((t) => (t === 'b' && failures-- > 0 ? notLeader : undefined)), ['a', 'b'], new AbortController().signal, state);
    expect(state).toEqual({ lastError: notLeader, pending: [] });
  });

  it('regression: rethrows a non-retryable probe failure at once', async () => {
    const denied = protocolError('TOPIC_AUTHORIZATION_FAILED', false);
    await expect(waitUntilWritable(adminProbing(() => denied), ['a'], new AbortController().signal)).rejects.toBe(denied);
  });

  it('stops with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = waitUntilWritable(adminProbing(() => protocolError('LEADER_NOT_AVAILABLE', true)), ['a'], controller.signal);
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });
});
