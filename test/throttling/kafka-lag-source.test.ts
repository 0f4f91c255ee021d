import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { KafkaLagSource } from '../../src/throttling/kafka-lag-source.js';

type Offsets = Record<string, Record<string, Record<number, number>>>; // group → topic → partition → committed
type Marks = Record<string, [partition: number, low: number, high: number][]>;

/** A kafkajs stand-in serving fixed offsets, counting admin clients and connections. */
function fakeKafka(committed: Offsets, marks: Marks, behaviour: { fail?: unknown; hang?: boolean } = {}) {
  const stats = { admins: 0, connects: 0, disconnects: 0 };
  const kafka = {
    admin: () => {
      stats.admins += 1;
      return {
        connect: async () => void (stats.connects += 1),
        disconnect: async () => void (stats.disconnects += 1),
        fetchOffsets: async ({ groupId, topics }: { groupId: string; topics?: string[] }) => {
          if (behaviour.hang) return new Promise(() => undefined);
          if (behaviour.fail) throw behaviour.fail;
          const group = committed[groupId] ?? {};
          const names = topics ?? Object.keys(group);
          return names.map((topic) => ({
            topic,
            partitions: (marks[topic] ?? []).filter(([p]) => topics !== undefined || group[topic]?.[p] !== undefined).map(([partition]) => ({ partition, offset: String(group[topic]?.[partition] ?? -1), metadata: null })),
          }));
        },
        fetchTopicOffsets: async (topic: string) => (marks[topic] ?? []).map(([partition, low, high]) => ({ partition, offset: String(high), low: String(low), high: String(high) })),
      };
    },
  };
  return { kafka: kafka as unknown as Kafka, stats };
}

describe('KafkaLagSource (with a stand-in admin client)', () => {
  it('sums high watermark minus committed offset over groups and topics', async () => {
    const { kafka } = fakeKafka({ g1: { t1: { 0: 40, 1: 90 } }, g2: { t2: { 0: 5 } } }, { t1: [[0, 0, 100], [1, 0, 100]], t2: [[0, 0, 10]] });
    const source = new KafkaLagSource({ kafka, groupIds: ['g1', 'g2'] });
    expect(await source.getLag()).toBe(60 + 10 + 5);
    const report = await source.describeLag();
    expect(report.partitions.map((p) => [p.groupId, p.topic, p.partition, p.lag])).toEqual([
      ['g1', 't1', 0, 60],
      ['g1', 't1', 1, 10],
      ['g2', 't2', 0, 5],
    ]);
  });

  it('counts an uncommitted partition as high − low, and a commit under the low watermark from low', async () => {
    const { kafka } = fakeKafka({ g: { t: { 1: 3, 2: 500 } } }, { t: [[0, 20, 100], [1, 10, 50], [2, 0, 400]] });
    const report = await new KafkaLagSource({ kafka, groupIds: ['g'], topics: ['t'] }).describeLag();
    expect(report.partitions.map((p) => [p.partition, p.committed, p.lag])).toEqual([
      [0, -1, 80],
      [1, 3, 40],
      [2, 500, 0],
    ]);
    expect(report.total).toBe(120);
  });

  it('connects once and reuses the admin client until close(), then refuses reads', async () => {
    const { kafka, stats } = fakeKafka({ g: { t: { 0: 1 } } }, { t: [[0, 0, 2]] });
    const source = new KafkaLagSource({ kafka, groupIds: ['g'] });
    await Promise.all([source.getLag(), source.getLag()]);
    await source.getLag();
    expect(stats).toEqual({ admins: 1, connects: 1, disconnects: 0 });
    await source.close();
    await source.close();
    expect(stats.disconnects).toBeGreaterThanOrEqual(1);
    await expect(source.getLag()).rejects.toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE, retryable: false });
  });

  it('wraps client failures, a group without commits and the deadline in LAG_UNAVAILABLE with the cause', async () => {
    const failure = Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', retriable: false });
    const failed = await new KafkaLagSource({ kafka: fakeKafka({}, {}, { fail: failure }).kafka, groupIds: ['g'] }).getLag().catch((e: unknown) => e);
    expect(isFirestreamError(failed, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect(failed).toMatchObject({ cause: failure, retryable: false });
    expect((failed as Error).message).toContain('group g');

    const none = await new KafkaLagSource({ kafka: fakeKafka({}, {}).kafka, groupIds: ['fresh'] }).getLag().catch((e: unknown) => e);
    expect(none).toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE });
    expect((none as Error).message).toContain('no committed offsets');

    const slow = await new KafkaLagSource({ kafka: fakeKafka({}, {}, { hang: true }).kafka, groupIds: ['g'], timeoutMs: 20 }).getLag().catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE, retryable: true, context: expect.objectContaining({ timeoutMs: 20 }) });
  });

  it('says "lag read" at the deadline, not a producer call (regression: the cause read "Producer getLag did not finish")', async () => {
    const slow = await new KafkaLagSource({ kafka: fakeKafka({}, {}, { hang: true }).kafka, groupIds: ['g'], timeoutMs: 20 }).getLag().catch((e: unknown) => e);
    expect((slow as Error).message).toBe('Consumer lag of group g could not be read: the lag read did not finish within 20 ms (timeoutMs).');
    const chain: string[] = [];
    for (let e: unknown = slow; e instanceof Error; e = e.cause) chain.push(e.message);
    expect(chain.join(' | ')).not.toMatch(/producer/i);
  });

  it('rejects with ABORTED when the signal aborts before or during a read', async () => {
    const source = new KafkaLagSource({ kafka: fakeKafka({}, {}, { hang: true }).kafka, groupIds: ['g'] });
    await expect(source.getLag({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
    const controller = new AbortController();
    const pending = source.getLag({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
  });

  it('refuses bad options naming the option', () => {
    const bad = (options: object, option: string) =>
      expect(() => new KafkaLagSource(options as never)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, context: expect.objectContaining({ option }) }));
    bad({ brokers: ['127.0.0.1:9092'], groupIds: [] }, 'groupIds');
    bad({ brokers: ['127.0.0.1:9092'], groupIds: ['g'], topics: [''] }, 'topics');
    bad({ groupIds: ['g'] }, 'brokers');
    bad({ brokers: ['127.0.0.1:9092'], groupIds: ['g'], timeoutMs: 0 }, 'timeoutMs');
    bad({ brokers: ['127.0.0.1:9092'], groupIds: ['g'], sasl: { password: 'hunter2' } }, 'sasl.mechanism');
  });
});
