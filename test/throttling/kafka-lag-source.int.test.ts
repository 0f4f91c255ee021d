import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { KafkaLagSource } from '../../src/throttling/kafka-lag-source.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { testKafka } from '../producer/kafka-read-back.js';

let kafka: Kafka;
let admin: Admin;

const groupId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function createTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueTopic(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  return topic;
}

/** Writes `count` records to one partition. */
async function produce(topic: string, partition: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ partition, value: `record-${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

/** Consumes `topic` (one partition) with `group` and commits after exactly `count` records. */
async function consumeAndCommit(topic: string, group: string, count: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not reach offset ${count - 1} of ${topic} in time`)), 60_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (Number(message.offset) !== count - 1) return;
            await consumer.commitOffsets([{ topic, partition, offset: String(count) }]);
            clearTimeout(timer);
            resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  kafka = testKafka(kafkaBrokers());
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
});

describe('KafkaLagSource against a real broker', () => {
  it('reads lag N − M after N records were produced and a consumer group committed M', async () => {
    const topic = await createTopic('lag-commit', 1);
    const group = groupId('lag-commit');
    await produce(topic, 0, 100);
    await consumeAndCommit(topic, group, 35);
    const source = new KafkaLagSource({ brokers: kafkaBrokers(), groupIds: [group], clientId: 'lag-test' });
    try {
      expect(await source.getLag()).toBe(65);
      await produce(topic, 0, 10);
      expect(await source.getLag()).toBe(75);
      const report = await source.describeLag();
      expect(report.partitions).toEqual([{ groupId: group, topic, partition: 0, high: 110, low: 0, committed: 35, lag: 75 }]);

      // The manager reads the same lag through the source, and its calls decide on it.
      const manager = new ThrottlingManager({ lagSource: source, targetConsumerLag: 50, criticalConsumerLag: 500, sleep: async () => undefined });
      expect(await manager.refreshLag()).toMatchObject({ action: 'throttle_moderate', lag: 75 });
      expect((await manager.checkAndThrottle()).decision).toMatchObject({ action: 'throttle_moderate', lag: 75 });
    } finally {
      await source.close();
    }
  });

  it('counts a partition the group never committed as high − low (records deleted by retention excluded)', async () => {
    const topic = await createTopic('lag-uncommitted', 3);
    const group = groupId('lag-uncommitted');
    await Promise.all([produce(topic, 0, 20), produce(topic, 1, 30), produce(topic, 2, 40)]);
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '15' }, { partition: 1, offset: '30' }] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 2, offset: '10' }] });
    const source = new KafkaLagSource({ brokers: kafkaBrokers(), groupIds: [group], topics: [topic] });
    try {
      const report = await source.describeLag();
      expect(report.partitions.map((p) => [p.partition, p.committed, p.low, p.high, p.lag])).toEqual([
        [0, 15, 0, 20, 5],
        [1, 30, 0, 30, 0],
        [2, -1, 10, 40, 30],
      ]);
      expect(report.total).toBe(35);
    } finally {
      await source.close();
    }
  });

  it('reports LAG_UNAVAILABLE for a deleted topic and for a group with no commits', async () => {
    const topic = await createTopic('lag-deleted', 1);
    const group = groupId('lag-deleted');
    await produce(topic, 0, 5);
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }] });
    const source = new KafkaLagSource({ brokers: kafkaBrokers(), groupIds: [group], topics: [topic], timeoutMs: 20_000, clientRetries: 1 });
    try {
      expect(await source.getLag()).toBe(3);
      await admin.deleteTopics({ topics: [topic] });
      const err = await source.getLag().catch((e: unknown) => e);
      expect(isFirestreamError(err, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
      expect((err as Error).cause).toBeDefined();
    } finally {
      await source.close();
    }
    const fresh = new KafkaLagSource({ brokers: kafkaBrokers(), groupIds: [groupId('never-committed')] });
    try {
      await expect(fresh.getLag()).rejects.toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE });
    } finally {
      await fresh.close();
    }
  });

  it('reports LAG_UNAVAILABLE with the cause when the broker is down, within the deadline', async () => {
    const port = await closedPort();
    const source = new KafkaLagSource({ brokers: [`127.0.0.1:${port}`], groupIds: ['g'], timeoutMs: 3_000, connectionTimeoutMs: 500, clientRetries: 1 });
    const start = performance.now();
    const err = await source.getLag().catch((e: unknown) => e);
    expect(performance.now() - start).toBeLessThan(4_000);
    expect(isFirestreamError(err, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect(err).toMatchObject({ retryable: true });
    expect((err as Error).cause).toBeDefined();
    await source.close();
  });

  it('never holds up checkAndThrottle while the broker refuses connections (regression: each due check blocked 0.7–1.2 s)', async () => {
    const port = await closedPort();
    const source = new KafkaLagSource({ brokers: [`127.0.0.1:${port}`], groupIds: ['g'], connectionTimeoutMs: 500, clientRetries: 1 });
    const manager = new ThrottlingManager({ lagSource: source, checkIntervalMs: 200 });
    const errors: unknown[] = [];
    manager.on('lagError', (e) => errors.push(e));
    try {
      const start = performance.now();
      let longest = 0;
      let calls = 0;
      while (performance.now() - start < 2_000) {
        const before = performance.now();
        await manager.checkAndThrottle({ records: 500 });
        longest = Math.max(longest, performance.now() - before);
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(errors.length).toBeGreaterThan(0);
      expect(isFirestreamError(errors[0], ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
      expect(longest).toBeLessThan(100);
      expect(calls).toBeGreaterThan(100);
    } finally {
      await source.close();
    }
  });
});
