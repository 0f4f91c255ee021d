import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { CompressionName } from '../../src/producer/codecs/codec.js';
import { buildSendResult, planSend } from '../../src/producer/send-plan.js';

const codecs: Record<string, CompressionName> = { firms: 'zstd', iot: 'zstd', alerts: 'none', images: 'lz4' };
const compressionFor = (t: string): CompressionName => codecs[t] ?? 'gzip';

describe('planSend', () => {
  it('groups topics by codec, merges repeated topics in order and skips empty batches', () => {
    const plan = planSend(
      [
        { topic: 'firms', messages: [{ value: 'f1' }] },
        { topic: 'alerts', messages: [{ value: 'a1', key: 'k', headers: { h: 'v' }, partition: 2, timestamp: 5 }] },
        { topic: 'iot', messages: [] },
        { topic: 'firms', messages: [{ value: 'f2' }] },
        { topic: 'other', messages: [{ value: null }] },
      ],
      compressionFor,
    );
    expect(plan.groups.map((g) => [g.compression, g.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.value)])])).toEqual([
      ['zstd', [['firms', ['f1', 'f2']]]],
      ['none', [['alerts', ['a1']]]],
      ['gzip', [['other', [null]]]],
    ]);
    expect(plan.groups[1]?.topicMessages[0]?.messages[0]).toEqual({ value: 'a1', key: 'k', headers: { h: 'v' }, partition: 2, timestamp: '5' });
    expect([...plan.counts]).toEqual([['firms', 2], ['alerts', 1], ['other', 1]]);
  });

  it('rejects malformed batches naming the position', () => {
    expect(() => planSend([{ topic: '', messages: [] }], compressionFor)).toThrow(/batches\[0\]\.topic/);
    expect(() => planSend([{ topic: 't', messages: 'x' as unknown as [] }], compressionFor)).toThrow(/batches\[0\]\.messages/);
    expect(() => planSend('x' as unknown as [], compressionFor)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });
});

describe('buildSendResult', () => {
  it('reports counts per topic in request order and partition acks sorted', () => {
    const result = buildSendResult(new Map([['b', 3], ['a', 1]]), [
      { topicName: 'b', partition: 2, errorCode: 0, baseOffset: '10' },
      { topicName: 'b', partition: 0, errorCode: 0, baseOffset: '4' },
      { topicName: 'a', partition: 1, errorCode: 0, baseOffset: '0' },
    ]);
    expect(result).toEqual({
      messageCount: 4,
      topics: [
        { topic: 'b', count: 3, partitions: [{ partition: 0, baseOffset: '4' }, { partition: 2, baseOffset: '10' }] },
        { topic: 'a', count: 1, partitions: [{ partition: 1, baseOffset: '0' }] },
      ],
    });
  });

  it('fails on a partition error code', () => {
    expect(() => buildSendResult(new Map([['a', 1]]), [{ topicName: 'a', partition: 0, errorCode: 6 }])).toThrow(expect.objectContaining({ code: ErrorCodes.PRODUCER_SEND_FAILED }));
  });
});
