import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';
import { runProducerContract } from '../../src/testing/producer-contract.js';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { readBack, testKafka } from './kafka-read-back.js';

let admin: Admin;
const kafka = () => testKafka(kafkaBrokers());

runProducerContract(
  'KafkaJsProducer',
  () => ({
    producer: new KafkaJsProducer({ brokers: kafkaBrokers(), clientId: 'contract' }),
    newTopic: async () => {
      const topic = uniqueTopic('contract');
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
      return topic;
    },
    readBack: (topic, count) => readBack(kafka(), topic, count),
  }),
  { describe, it, expect, beforeAll, afterAll },
  {
    timeoutMs: 60_000,
    setup: async () => {
      admin = kafka().admin();
      await admin.connect();
    },
    teardown: async () => {
      await admin.disconnect();
    },
  },
);

describe('KafkaJsProducer against a real broker', () => {
  it('creates missing topics with their settings and reports existing ones', async () => {
    const producer = new KafkaJsProducer({ brokers: kafkaBrokers() });
    const name = uniqueTopic('ensure');
    const spec = { name, partitions: 4, compression: 'zstd' as const, retentionMs: 3_600_000, maxMessageBytes: 2_000_000 };
    try {
      expect(await producer.ensureTopics([spec])).toEqual({ created: [name], existing: [] });
      expect(await producer.ensureTopics([spec])).toEqual({ created: [], existing: [name] });
      const admin = testKafka(kafkaBrokers()).admin();
      await admin.connect();
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [name] });
        expect(meta.topics[0]?.partitions).toHaveLength(4);
        const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name, configNames: ['retention.ms', 'max.message.bytes'] }] });
        const entries = Object.fromEntries((configs.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
        expect(entries).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '2000000' });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await producer.disconnect();
    }
  });

  it('writes a first send right after ensureTopics once: no retry, no duplicate, on new many-partition topics', async () => {
    const errors: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (_o: object, msg?: string) => void errors.push(String(msg)) };
    const producer = new KafkaJsProducer({ brokers: kafkaBrokers(), logger });
    // The partition counts of the wildfire preset: the broker needs a moment after creating them
    // before it accepts writes, and a send in that window used to be retried and written twice.
    const topics = [6, 12, 16, 10, 8, 3, 3, 3].map((partitions, i) => ({ name: uniqueTopic(`fresh-${i}`), partitions }));
    const admin = testKafka(kafkaBrokers()).admin();
    const messages = Array.from({ length: 240 }, (_, i) => ({ key: `k${i % 37}`, value: `v${i}` }));
    try {
      await producer.ensureTopics(topics);
      await producer.connect();
      for (const { name } of topics) expect((await producer.send([{ topic: name, messages }])).messageCount).toBe(240);
      await admin.connect();
      for (const { name, partitions } of topics) {
        const offsets = await admin.fetchTopicOffsets(name);
        expect(offsets).toHaveLength(partitions);
        expect({ name, written: offsets.reduce((n, p) => n + Number(p.high), 0) }).toEqual({ name, written: 240 });
      }
      expect(errors).toEqual([]);
    } finally {
      await admin.disconnect();
      await producer.disconnect();
    }
  });

  it('lands every message of concurrent sends on an idempotent producer', async () => {
    const producer = new KafkaJsProducer({ brokers: kafkaBrokers(), idempotent: true, defaultCompression: 'lz4' });
    const topic = uniqueTopic('idempotent');
    await producer.ensureTopics([{ name: topic, partitions: 1 }]);
    await producer.connect();
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send([{ topic, messages: [{ key: String(i), value: `m${i}` }] }])));
      // Sent one at a time in call order: call i got offset i, and the partition holds m0…m19 in that order.
      expect(results.map((r) => r.topics[0]?.partitions[0]?.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      const back = await readBack(testKafka(kafkaBrokers()), topic, 20);
      const inOffsetOrder = [...back].sort((a, b) => Number(a.offset) - Number(b.offset));
      expect(inOffsetOrder.map((m) => m.value?.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    } finally {
      await producer.disconnect();
    }
  });

  it('regression: a send across codecs waits for every request and says which topics were written when one fails', async () => {
    const producer = new KafkaJsProducer({ brokers: kafkaBrokers() });
    const zstd = uniqueTopic('partial-zstd');
    const small = uniqueTopic('partial-small');
    await producer.ensureTopics([
      { name: zstd, partitions: 1, compression: 'zstd' },
      { name: small, partitions: 1, maxMessageBytes: 2_000 },
    ]);
    await producer.connect();
    const admin = testKafka(kafkaBrokers()).admin();
    try {
      const err = await producer
        .send([
          { topic: zstd, messages: [{ value: 'a' }, { value: 'b' }] },
          { topic: small, messages: [{ value: randomBytes(5_000) }] },
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FirestreamError);
      const e = err as FirestreamError;
      expect(e).toMatchObject({ code: ErrorCodes.RECORD_TOO_LARGE, retryable: false });
      expect(e.context.delivered).toEqual([{ topic: zstd, count: 2, partitions: [{ partition: 0, baseOffset: '0' }] }]);
      expect(e.context.failed).toEqual([expect.objectContaining({ topic: small, count: 1, code: ErrorCodes.RECORD_TOO_LARGE, retryable: false })]);
      // Settled only after the zstd request finished: its records are in Kafka already.
      await admin.connect();
      expect((await admin.fetchTopicOffsets(zstd)).map((o) => o.high)).toEqual(['2']);
      expect((await admin.fetchTopicOffsets(small)).map((o) => o.high)).toEqual(['0']);
    } finally {
      await admin.disconnect();
      await producer.disconnect();
    }
  });

  it('fails to connect to an unreachable broker with a retryable PRODUCER_CONNECT_FAILED, and disconnects at once', async () => {
    const producer = new KafkaJsProducer({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 500, clientRetries: 0 });
    const started = performance.now();
    const err = await producer.connect({ timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_CONNECT_FAILED, retryable: true });
    expect(await producer.healthCheck()).toMatchObject({ healthy: false, connected: false });
    await producer.disconnect();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('bounds a connect to a broker that never answers with PRODUCER_TIMEOUT', async () => {
    // A TCP server that accepts connections and never replies: kafkajs waits for its first response.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const producer = new KafkaJsProducer({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 10_000, clientRetries: 0 });
    try {
      const started = performance.now();
      const err = await producer.connect({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT, retryable: true });
      expect(performance.now() - started).toBeLessThan(2_000);
      const stopping = performance.now();
      await producer.disconnect({ timeoutMs: 1_000 });
      expect(performance.now() - stopping).toBeLessThan(1_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
