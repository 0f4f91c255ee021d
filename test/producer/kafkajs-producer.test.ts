import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { registerCompressionCodecs, registeredCompressionCodecs } from '../../src/producer/codecs/register-codecs.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';
import { delay, fakeKafka, protocolError } from './fake-kafka.js';

// No broker: these cases never reach a Kafka broker (a fake kafkajs client or a silent TCP server).
const producer = () => new KafkaJsProducer({ brokers: ['127.0.0.1:1'], topicCompression: { alerts: 'none' }, defaultCompression: 'gzip' });

async function rejection(promise: Promise<unknown>): Promise<FirestreamError> {
  const err = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (err instanceof FirestreamError) return err;
  throw err;
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (_o, m) => void warnings.push(m ?? '') };
}

describe('KafkaJsProducer without a broker', () => {
  it('rejects a send before connect with a retryable PRODUCER_NOT_CONNECTED', async () => {
    await expect(producer().send([{ topic: 't', messages: [{ value: 'x' }] }])).rejects.toMatchObject({ code: ErrorCodes.PRODUCER_NOT_CONNECTED, retryable: true });
  });

  it('is unhealthy and disconnects instantly when never connected', async () => {
    const p = producer();
    expect(await p.healthCheck()).toEqual({ healthy: false, connected: false, error: 'not connected' });
    await p.disconnect();
    await p.disconnect();
    expect(p.connected).toBe(false);
  });

  it('resolves compression from topicCompression, then topic specs, then the default', async () => {
    const p = producer();
    expect(p.compressionFor('alerts')).toBe('none');
    expect(p.compressionFor('anything')).toBe('gzip');
    await expect(p.ensureTopics([{ name: 'firms', partitions: 1, compression: 'zstd' }, { name: 'alerts', partitions: 1, compression: 'lz4' }], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: ErrorCodes.ABORTED,
    });
    expect(p.compressionFor('firms')).toBe('zstd');
    expect(p.compressionFor('alerts')).toBe('none');
  });

  it('validates options at construction', () => {
    expect(() => new KafkaJsProducer({ brokers: [] })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });
});

describe('KafkaJsProducer connect and disconnect', () => {
  it('regression: a concurrent connect is bounded by its own deadline, not by the first caller’s', async () => {
    const fake = fakeKafka({ connectMs: 150 });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    const first = rejection(p.connect({ timeoutMs: 30 }));
    const second = p.connect({ timeoutMs: 5_000 });
    expect((await first).code).toBe(ErrorCodes.PRODUCER_TIMEOUT);
    await expect(second).resolves.toBeUndefined();
    expect(p.connected).toBe(true);
    await p.disconnect();
  });

  it('regression: disconnect drops a connect in flight: waiting callers get ABORTED at once, and the client closes once kafkajs settles', async () => {
    const fake = fakeKafka({ connectMs: 200 });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    const waiting = rejection(p.connect({ timeoutMs: 5_000 }));
    await delay(20);
    const started = performance.now();
    await p.disconnect();
    expect((await waiting).code).toBe(ErrorCodes.ABORTED);
    expect(performance.now() - started).toBeLessThan(150);
    await delay(300);
    expect(p.connected).toBe(false);
    expect(fake.openProducers).toBe(0);
  });

  it('regression: disconnect after a timed-out connect closes the connections kafkajs kept retrying on', async () => {
    // A TCP server that reads and never answers: kafkajs's connect outlives the call's deadline,
    // and its retry opened a new connection after the early disconnect closed the first one.
    const open = new Set<Socket>();
    const silent = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const p = new KafkaJsProducer({ brokers: [`127.0.0.1:${port}`], requestTimeoutMs: 400, connectionTimeoutMs: 400, clientRetries: 1, kafkaLogLevel: 'nothing' });
    try {
      expect((await rejection(p.connect({ timeoutMs: 100 }))).code).toBe(ErrorCodes.PRODUCER_TIMEOUT);
      await p.disconnect({ timeoutMs: 1_000 });
      // kafkajs gives up after about requestTimeoutMs × (clientRetries + 1) plus backoff: ~1 s here.
      await delay(2_000);
      const deadline = performance.now() + 4_000;
      while (open.size > 0 && performance.now() < deadline) await delay(50);
      expect(open.size).toBe(0);
      await delay(500);
      expect(open.size).toBe(0);
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 15_000);
});

describe('KafkaJsProducer send', () => {
  it('regression: an idempotent producer never has two sendBatch calls in flight and sends in call order', async () => {
    const fake = fakeKafka({ sendMs: () => 5 });
    const p = new KafkaJsProducer({ kafka: fake.kafka, idempotent: true, topicCompression: { z: 'zstd' } });
    await p.connect();
    const sends = Array.from({ length: 20 }, (_, i) => p.send([{ topic: 't', messages: [{ value: `m${i}` }] }, { topic: 'z', messages: [{ value: `z${i}` }] }]));
    await Promise.all(sends);
    expect(fake.maxConcurrentSends).toBe(1);
    const values = fake.batches.flatMap((b) => b.topics.filter((t) => t.topic === 't').flatMap((t) => t.values));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(fake.batches).toHaveLength(40);
    await p.disconnect();
  });

  it('regression: after disconnect and connect, an idempotent send does not wait behind a request still running on the retired client', async () => {
    const fake = fakeKafka({ sendMs: (b) => (String(b.topicMessages?.[0]?.messages[0]?.value) === 'old' ? 1500 : 0) });
    const p = new KafkaJsProducer({ kafka: fake.kafka, idempotent: true });
    await p.connect();
    const old = rejection(p.send([{ topic: 't', messages: [{ value: 'old' }] }], { timeoutMs: 100 }));
    await delay(20);
    await p.disconnect();
    await p.connect();
    const started = performance.now();
    const result = await p.send([{ topic: 't', messages: [{ value: 'new' }] }], { timeoutMs: 500 });
    expect(performance.now() - started).toBeLessThan(400);
    expect(result.topics.map((t) => [t.topic, t.count])).toEqual([['t', 1]]);
    expect(await old).toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT });
    expect(fake.maxConcurrentSends).toBe(2); // the old request, on its own (retired) client, was still running
    await p.disconnect();
  });

  it('sends codec groups of a non-idempotent producer in parallel', async () => {
    const fake = fakeKafka({ sendMs: () => 20 });
    const p = new KafkaJsProducer({ kafka: fake.kafka, topicCompression: { z: 'zstd' } });
    await p.connect();
    const result = await p.send([{ topic: 't', messages: [{ value: 'a' }] }, { topic: 'z', messages: [{ value: 'b' }, { value: 'c' }] }]);
    expect(fake.maxConcurrentSends).toBe(2);
    expect(result.topics.map((t) => [t.topic, t.count])).toEqual([['t', 1], ['z', 2]]);
    await p.disconnect();
  });

  it('regression: a failed codec group waits for the others and reports which topics were written', async () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE', false);
    const fake = fakeKafka({
      sendMs: (b) => (b.topicMessages?.[0]?.topic === 'z' ? 100 : 0),
      sendError: (b) => (b.topicMessages?.[0]?.topic === 'small' ? tooLarge : undefined),
    });
    const p = new KafkaJsProducer({ kafka: fake.kafka, topicCompression: { z: 'zstd' } });
    await p.connect();
    const started = performance.now();
    const err = await rejection(p.send([{ topic: 'z', messages: [{ value: 'a' }, { value: 'b' }] }, { topic: 'small', messages: [{ value: 'x'.repeat(5000) }] }]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(err).toMatchObject({ code: ErrorCodes.RECORD_TOO_LARGE, retryable: false });
    expect(err.context.delivered).toEqual([{ topic: 'z', count: 2, partitions: [{ partition: 0, baseOffset: '0' }] }]);
    expect(err.context.failed).toEqual([expect.objectContaining({ topic: 'small', count: 1, code: ErrorCodes.RECORD_TOO_LARGE, retryable: false })]);
    expect(err.message).toMatch(/written: z \(2\)/);
    await p.disconnect();
  });

  it('keeps the request’s own error when a single-codec send fails, with the per-topic context', async () => {
    const fake = fakeKafka({ sendError: () => protocolError('NOT_LEADER_OR_FOLLOWER', true) });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    await p.connect();
    const err = await rejection(p.send([{ topic: 't', messages: [{ value: 'a' }] }]));
    expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_SEND_FAILED, retryable: true, context: { delivered: [], failed: [expect.objectContaining({ topic: 't', retryable: true })] } });
    await p.disconnect();
  });
});

describe('KafkaJsProducer ensureTopics', () => {
  it('regression: a non-retryable probe error (authorization) fails at once instead of spinning until the deadline', async () => {
    const fake = fakeKafka({ probe: () => protocolError('TOPIC_AUTHORIZATION_FAILED', false) });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    const started = performance.now();
    const err = await rejection(p.ensureTopics([{ name: 'denied', partitions: 1 }], { timeoutMs: 2_000 }));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ code: ErrorCodes.KAFKA_ADMIN_FAILED, retryable: false });
    expect((err.cause as { type?: string }).type).toBe('TOPIC_AUTHORIZATION_FAILED');
    await p.disconnect();
  });

  it('regression: a timeout while topics are not writable carries the last probe error as its cause', async () => {
    const notReady = protocolError('LEADER_NOT_AVAILABLE', true);
    const fake = fakeKafka({ probe: () => notReady });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    const err = await rejection(p.ensureTopics([{ name: 'slow', partitions: 1 }], { timeoutMs: 200 }));
    expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT, context: { operation: 'ensureTopics' } });
    expect(err.cause).toBe(notReady);
    await p.disconnect();
  });

  it('regression: waits for a topic that exists but is not writable yet (created by an earlier call that timed out)', async () => {
    let writable = false;
    const fake = fakeKafka({ topics: new Set(['half-made']), probe: () => (writable ? undefined : protocolError('NOT_LEADER_OR_FOLLOWER', true)) });
    const p = new KafkaJsProducer({ kafka: fake.kafka });
    setTimeout(() => (writable = true), 150);
    const result = await p.ensureTopics([{ name: 'half-made', partitions: 1 }], { timeoutMs: 5_000 });
    expect(writable).toBe(true);
    expect(result).toEqual({ created: [], existing: ['half-made'] });
    await p.disconnect();
  });
});

describe('KafkaJsProducer codec settings', () => {
  afterAll(() => registerCompressionCodecs());

  it('regression: a producer without codec options keeps the process-wide settings another producer installed', async () => {
    const { CompressionCodecs, CompressionTypes } = kafkajs;
    const codec = () => (CompressionCodecs[CompressionTypes.ZSTD] as () => { compress(e: { buffer: Buffer }): Promise<Buffer> })();
    const data = Buffer.from(JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ i, lat: 39 + i / 1000, sat: 'N20' }))));
    new KafkaJsProducer({ brokers: ['127.0.0.1:1'], codecs: { zstdLevel: 19 } });
    const strong = (await codec().compress({ buffer: data })).length;
    new KafkaJsProducer({ brokers: ['127.0.0.1:1'] });
    expect(registeredCompressionCodecs()?.zstdLevel).toBe(19);
    expect((await codec().compress({ buffer: data })).length).toBe(strong);
  });

  it('warns through the logger, naming both, when a producer replaces different codec settings', () => {
    registerCompressionCodecs({ zstdLevel: 19 });
    const logger = recordingLogger();
    new KafkaJsProducer({ brokers: ['127.0.0.1:1'], codecs: { zstdLevel: 5 }, logger });
    expect(registeredCompressionCodecs()?.zstdLevel).toBe(5);
    expect(logger.warnings).toEqual([expect.stringMatching(/process-wide.*zstdLevel: 19.*replaced by.*zstdLevel: 5/)]);
    new KafkaJsProducer({ brokers: ['127.0.0.1:1'], codecs: { zstdLevel: 5 }, logger });
    expect(logger.warnings).toHaveLength(1);
  });
});
