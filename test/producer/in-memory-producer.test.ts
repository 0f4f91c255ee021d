import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import { runProducerContract } from '../../src/testing/producer-contract.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

let topicSeq = 0;
runProducerContract(
  'InMemoryProducer',
  () => {
    const producer = new InMemoryProducer();
    return {
      producer,
      newTopic: () => `contract-${(topicSeq += 1)}`,
      readBack: async (topic, count) => producer.messages(topic).slice(0, count),
    };
  },
  { describe, it, expect, beforeAll, afterAll },
  { delaySends: (producer, ms) => (producer as InMemoryProducer).setLatency(ms) },
);

async function rejection(promise: Promise<unknown>): Promise<FirestreamError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FirestreamError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('InMemoryProducer', () => {
  it('assigns increasing offsets per partition and reports them', async () => {
    const producer = new InMemoryProducer({ partitions: { default: 2, topics: { one: 1 } } });
    await producer.connect();
    const first = await producer.send([{ topic: 'one', messages: [{ value: 'a' }, { value: 'b' }] }]);
    const second = await producer.send([{ topic: 'one', messages: [{ value: 'c' }] }]);
    expect(first.topics[0]?.partitions).toEqual([{ partition: 0, baseOffset: '0', count: 2 }]);
    expect(second.topics[0]?.partitions).toEqual([{ partition: 0, baseOffset: '2', count: 1 }]);
    expect(producer.messages('one').map((m) => [m.offset, m.value?.toString()])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
  });

  it('sends the same key to the same partition and honours an explicit partition', async () => {
    const producer = new InMemoryProducer({ partitions: 8 });
    await producer.connect();
    await producer.send([{ topic: 't', messages: Array.from({ length: 20 }, (_, i) => ({ key: 'geo_97_16', value: String(i) })) }]);
    await producer.send([{ topic: 't', messages: [{ value: 'pinned', partition: 5 }] }]);
    const keyed = producer.messages('t').filter((m) => m.key?.toString() === 'geo_97_16');
    expect(new Set(keyed.map((m) => m.partition)).size).toBe(1);
    expect(producer.partitionMessages('t', 5).map((m) => m.value?.toString())).toContain('pinned');
    await expect(producer.send([{ topic: 't', messages: [{ value: 'x', partition: 8 }] }])).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });

  it('fails the next n sends with the injected error and stores nothing for them', async () => {
    const producer = new InMemoryProducer();
    await producer.connect();
    producer.failNext(2);
    const batch = [{ topic: 't', messages: [{ value: 'x' }] }];
    const e1 = await rejection(producer.send(batch));
    const e2 = await rejection(producer.send(batch));
    expect([e1.code, e1.retryable, e2.code]).toEqual([ErrorCodes.PRODUCER_SEND_FAILED, true, ErrorCodes.PRODUCER_SEND_FAILED]);
    await producer.send(batch);
    expect(producer.messages('t')).toHaveLength(1);
    const custom = new FirestreamError(ErrorCodes.RECORD_TOO_LARGE, 'nope');
    producer.failNext(1, custom);
    expect(await rejection(producer.send(batch))).toBe(custom);
  });

  it('rejects a message over maxMessageBytes with RECORD_TOO_LARGE and stores none of the call', async () => {
    const producer = new InMemoryProducer({ maxMessageBytes: 100 });
    await producer.connect();
    const err = await rejection(
      producer.send([{ topic: 't', messages: [{ value: 'small' }, { value: 'x'.repeat(95), headers: { id: 'abcdef' } }] }]),
    );
    expect(err.code).toBe(ErrorCodes.RECORD_TOO_LARGE);
    expect(err.retryable).toBe(false);
    expect(producer.messages('t')).toHaveLength(0);
  });

  it('times out a slow send with a retryable PRODUCER_TIMEOUT and does not store it', async () => {
    const producer = new InMemoryProducer({ latencyMs: 200 });
    await producer.connect();
    const started = performance.now();
    const err = await rejection(producer.send([{ topic: 't', messages: [{ value: 'x' }] }], { timeoutMs: 20 }));
    expect(err.code).toBe(ErrorCodes.PRODUCER_TIMEOUT);
    expect(err.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(150);
    await new Promise((r) => setTimeout(r, 250));
    expect(producer.messages('t')).toHaveLength(0);
  });

  it('rejects with ABORTED when the signal aborts during a send', async () => {
    const producer = new InMemoryProducer({ latencyMs: 500 });
    await producer.connect();
    const controller = new AbortController();
    const pending = rejection(producer.send([{ topic: 't', messages: [{ value: 'x' }] }], { signal: controller.signal }));
    setTimeout(() => controller.abort(), 10);
    expect((await pending).code).toBe(ErrorCodes.ABORTED);
    expect(producer.messages('t')).toHaveLength(0);
  });

  it('regression: stores nothing for a send whose signal aborts while in flight, even without latency', async () => {
    const producer = new InMemoryProducer();
    await producer.connect();
    const controller = new AbortController();
    const pending = rejection(producer.send([{ topic: 't', messages: [{ value: 'x' }] }], { signal: controller.signal }));
    controller.abort();
    expect((await pending).code).toBe(ErrorCodes.ABORTED);
    expect(producer.messages('t')).toHaveLength(0);
  });

  it('simulates an outage: sends fail retryably and health is unhealthy until restored', async () => {
    const producer = new InMemoryProducer();
    await producer.connect();
    producer.setAvailable(false);
    expect(await producer.healthCheck()).toMatchObject({ healthy: false, connected: true });
    expect(await rejection(producer.send([{ topic: 't', messages: [{ value: 'x' }] }]))).toMatchObject({ retryable: true });
    producer.setAvailable(true);
    expect((await producer.send([{ topic: 't', messages: [{ value: 'x' }] }])).messageCount).toBe(1);
  });

  it('stamps messages with the injected clock unless they carry a timestamp', async () => {
    const clock = new FakeClock(1_000_000);
    const producer = new InMemoryProducer({ clock });
    await producer.connect();
    await producer.send([{ topic: 't', messages: [{ value: 'a' }, { value: 'b', timestamp: 42 }] }]);
    expect(producer.messages('t').map((m) => m.timestamp).sort((a, b) => a - b)).toEqual([42, 1_000_000]);
  });

  it('rejects an invalid partitions option naming it', () => {
    expect(() => new InMemoryProducer({ partitions: 0 })).toThrow(/partitions\.default/);
  });
});
