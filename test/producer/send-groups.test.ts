import type { RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { sendGroupsInSequence, settleGroups } from '../../src/producer/send-groups.js';
import { planSend } from '../../src/producer/send-plan.js';
import { protocolError } from './fake-kafka.js';

const codecs: Record<string, 'none' | 'gzip' | 'zstd'> = { a: 'none', b: 'gzip', c: 'zstd' };
const plan = planSend(
  [
    { topic: 'a', messages: [{ value: '1' }] },
    { topic: 'b', messages: [{ value: '2' }, { value: '3' }] },
    { topic: 'c', messages: [{ value: '4' }] },
  ],
  (topic) => codecs[topic] ?? 'none',
);
const ack = (topicName: string): RecordMetadata[] => [{ topicName, partition: 0, errorCode: 0, baseOffset: '7' }];

describe('settleGroups', () => {
  it('builds the result in request order when every group was written', () => {
    const result = settleGroups(plan, plan.groups.map((g) => ({ status: 'fulfilled', value: ack(g.topicMessages[0]?.topic ?? '') })));
    expect(result).toEqual({
      messageCount: 4,
      topics: ['a', 'b', 'c'].map((topic) => ({ topic, count: topic === 'b' ? 2 : 1, partitions: [{ partition: 0, baseOffset: '7' }] })),
    });
  });

  it('names the written and the failed topics; the code is the first non-retryable failure’s, retryable only if all are', () => {
    let err: unknown;
    try {
      settleGroups(plan, [
        { status: 'fulfilled', value: ack('a') },
        { status: 'rejected', reason: protocolError('NOT_LEADER_OR_FOLLOWER', true) },
        { status: 'rejected', reason: protocolError('MESSAGE_TOO_LARGE', false) },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FirestreamError);
    expect(err).toMatchObject({
      code: ErrorCodes.RECORD_TOO_LARGE,
      retryable: false,
      context: {
        delivered: [{ topic: 'a', count: 1 }],
        failed: [
          { topic: 'b', count: 2, code: ErrorCodes.PRODUCER_SEND_FAILED, retryable: true },
          { topic: 'c', count: 1, code: ErrorCodes.RECORD_TOO_LARGE, retryable: false },
        ],
      },
    });
    expect((err as Error).cause).toBeInstanceOf(AggregateError);
    expect((err as Error).message).toMatch(/failed for b \(PRODUCER_SEND_FAILED, retryable\), c \(RECORD_TOO_LARGE, not retryable\); written: a \(1\)/);
  });

  it('treats a partition error code in the acks as a failure of that group', () => {
    const outcomes: PromiseSettledResult<RecordMetadata[]>[] = [
      { status: 'fulfilled', value: ack('a') },
      { status: 'fulfilled', value: [{ topicName: 'b', partition: 0, errorCode: 6 }] },
      { status: 'fulfilled', value: ack('c') },
    ];
    expect(() => settleGroups(plan, outcomes)).toThrow(expect.objectContaining({ context: expect.objectContaining({ failed: [expect.objectContaining({ topic: 'b' })] }) }));
  });
});

describe('sendGroupsInSequence', () => {
  it('attempts every group even after one failed', async () => {
    const sent: string[] = [];
    const outcomes = await sendGroupsInSequence(
      plan.groups,
      async (g) => {
        const topic = g.topicMessages[0]?.topic ?? '';
        sent.push(topic);
        if (topic === 'a') throw new Error('a failed');
        return ack(topic);
      },
      new AbortController().signal,
    );
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});
