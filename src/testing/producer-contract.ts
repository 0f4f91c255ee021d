import { ErrorCodes } from '../errors.js';
import type { OutgoingMessage, RecordProducer } from '../producer/record-producer.js';

/** A message read back from wherever the producer under test wrote it. */
export interface ReadBackMessage {
  /** Topic it was read from. */
  topic: string;
  /** Key bytes, or null. */
  key: Buffer | null;
  /** Value bytes, or null. */
  value: Buffer | null;
  /** Headers as the reader returns them (bytes or text). */
  headers: Record<string, Buffer | string | undefined>;
}

/** What a contract factory provides for one test. */
export interface ProducerContractHarness {
  /** A fresh, not yet connected producer. */
  producer: RecordProducer;
  /** Returns a topic name no other test uses (created if the backend needs that). */
  newTopic(): Promise<string> | string;
  /** Reads the first `count` messages written to `topic` (any partition order). */
  readBack(topic: string, count: number): Promise<ReadBackMessage[]>;
  /** Releases resources after the test (the contract disconnects the producer itself). */
  cleanup?(): Promise<void> | void;
}

/** Creates a harness per test. */
export type ProducerContractFactory = () => Promise<ProducerContractHarness> | ProducerContractHarness;

/** The assertion surface the contract uses; vitest's and jest's `expect` fit it. */
export type ContractExpect = (actual: unknown) => {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
};

/** The test functions the contract runs with, passed in so firestream needs no test framework at runtime. */
export interface ContractTestApi {
  /** Groups the cases (vitest/jest `describe`). */
  describe: (name: string, fn: () => void) => void;
  /** Declares one case (vitest/jest `it`). */
  it: (name: string, fn: () => Promise<void>, timeoutMs?: number) => void;
  /** Assertions (vitest/jest `expect`). */
  expect: ContractExpect;
  /** Optional suite set-up (vitest/jest `beforeAll`). */
  beforeAll?: (fn: () => Promise<void> | void, timeoutMs?: number) => void;
  /** Optional suite tear-down (vitest/jest `afterAll`). */
  afterAll?: (fn: () => Promise<void> | void, timeoutMs?: number) => void;
}

/** Options of {@link runProducerContract}. */
export interface ProducerContractOptions {
  /** Per-case timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Runs once before the cases (for example, start a broker). */
  setup?: () => Promise<void> | void;
  /** Runs once after the cases. */
  teardown?: () => Promise<void> | void;
  /**
   * Makes every later send of `producer` take at least `ms` milliseconds (for a double, its
   * latency setting). When given, the contract also checks that a send past its deadline rejects
   * with a retryable `PRODUCER_TIMEOUT` in time; without it that case is not registered.
   */
  delaySends?: (producer: RecordProducer, ms: number) => Promise<void> | void;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return new Error('expected the promise to reject, but it resolved');
}

const bytes = (v: Buffer | string | null | undefined): string | null => (v === null || v === undefined ? null : Buffer.from(v).toString('hex'));

/**
 * Registers the {@link RecordProducer} contract: the behaviour every producer must show, so that a
 * custom producer can replace `KafkaJsProducer`. Call it from a test file:
 *
 * ```ts
 * runProducerContract('MyProducer', async () => ({ producer, newTopic, readBack }), { describe, it, expect });
 * ```
 */
export function runProducerContract(name: string, factory: ProducerContractFactory, api: ContractTestApi, options: ProducerContractOptions = {}): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const timeout = options.timeoutMs ?? 30_000;
  const setup = options.setup;
  const teardown = options.teardown;

  const withHarness = (fn: (h: ProducerContractHarness) => Promise<void>) => async (): Promise<void> => {
    const harness = await factory();
    try {
      await fn(harness);
    } finally {
      await harness.producer.disconnect().catch(() => undefined);
      await harness.cleanup?.();
    }
  };

  describe(`RecordProducer contract: ${name}`, () => {
    if (setup && beforeAll) beforeAll(setup, timeout);
    if (teardown && afterAll) afterAll(teardown, timeout);

    it('connects, sends, reads back what it sent and disconnects', withHarness(async ({ producer, newTopic, readBack }) => {
      const topic = await newTopic();
      await producer.connect();
      const result = await producer.send([{ topic, messages: [{ key: 'k', value: 'v' }] }]);
      expect(result.messageCount).toBe(1);
      expect(result.topics.map((t) => [t.topic, t.count])).toEqual([[topic, 1]]);
      const back = await readBack(topic, 1);
      expect(back.map((m) => [m.topic, bytes(m.key), bytes(m.value)])).toEqual([[topic, bytes('k'), bytes('v')]]);
      await producer.disconnect();
    }), timeout);

    it('rejects a send before connect with PRODUCER_NOT_CONNECTED', withHarness(async ({ producer, newTopic }) => {
      const topic = await newTopic();
      const err = await rejection(producer.send([{ topic, messages: [{ value: 'x' }] }]));
      expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_NOT_CONNECTED });
    }), timeout);

    it('rejects a send after disconnect with PRODUCER_NOT_CONNECTED', withHarness(async ({ producer, newTopic }) => {
      const topic = await newTopic();
      await producer.connect();
      await producer.send([{ topic, messages: [{ value: 'before' }] }]);
      await producer.disconnect();
      const err = await rejection(producer.send([{ topic, messages: [{ value: 'after' }] }]));
      expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_NOT_CONNECTED });
    }), timeout);

    it('round-trips keys, values and string and Buffer headers', withHarness(async ({ producer, newTopic, readBack }) => {
      const topic = await newTopic();
      const binary = Buffer.from([0, 255, 1, 254, 128]);
      const sent: (OutgoingMessage & { headers: Record<string, string | Buffer> & { id: string } })[] = [
        { key: 'string-key', value: '{"n":1}', headers: { id: 'm1', text: 'héllo' } },
        { key: Buffer.from([1, 2, 3]), value: binary, headers: { id: 'm2', raw: binary } },
        { key: null, value: 'no key', headers: { id: 'm3' } },
        { key: 'tombstone', value: null, headers: { id: 'm4' } },
      ];
      await producer.connect();
      await producer.send([{ topic, messages: sent }]);
      const got = await readBack(topic, sent.length);
      expect(got.length).toBe(sent.length);
      const byId = new Map(got.map((m) => [Buffer.from(m.headers.id ?? '').toString(), m]));
      for (const m of sent) {
        const back = byId.get(m.headers.id);
        expect(back?.topic).toBe(topic);
        expect(bytes(back?.key)).toBe(bytes(m.key));
        expect(bytes(back?.value)).toBe(bytes(m.value));
        for (const [h, v] of Object.entries(m.headers)) expect(bytes(back?.headers[h])).toBe(bytes(v));
      }
    }), timeout);

    it('writes to several topics in one call', withHarness(async ({ producer, newTopic, readBack }) => {
      const [a, b] = [await newTopic(), await newTopic()];
      await producer.connect();
      const result = await producer.send([
        { topic: a, messages: [{ value: 'a1' }, { value: 'a2' }] },
        { topic: b, messages: [{ value: 'b1' }] },
      ]);
      expect(result.messageCount).toBe(3);
      expect(result.topics.map((t) => [t.topic, t.count])).toEqual([[a, 2], [b, 1]]);
      expect((await readBack(a, 2)).map((m) => m.value?.toString()).sort()).toEqual(['a1', 'a2']);
      expect((await readBack(b, 1)).map((m) => m.value?.toString())).toEqual(['b1']);
    }), timeout);

    it('treats an empty batch list and empty batches as a no-op', withHarness(async ({ producer, newTopic }) => {
      const topic = await newTopic();
      await producer.connect();
      expect(await producer.send([])).toMatchObject({ messageCount: 0, topics: [] });
      expect(await producer.send([{ topic, messages: [] }])).toMatchObject({ messageCount: 0, topics: [] });
    }), timeout);

    it('disconnects twice, and when never connected, without error', withHarness(async ({ producer }) => {
      await producer.disconnect();
      await producer.connect();
      await producer.disconnect();
      await producer.disconnect();
      expect((await producer.healthCheck()).connected).toBe(false);
    }), timeout);

    it('rejects a call whose signal is aborted with ABORTED', withHarness(async ({ producer, newTopic }) => {
      const topic = await newTopic();
      await producer.connect();
      const controller = new AbortController();
      controller.abort(new Error('caller gave up'));
      const err = await rejection(producer.send([{ topic, messages: [{ value: 'x' }] }], { signal: controller.signal }));
      expect(err).toMatchObject({ code: ErrorCodes.ABORTED });
    }), timeout);

    it('rejects a call whose signal aborts while it is in flight with ABORTED, and stays usable', withHarness(async ({ producer, newTopic, readBack }) => {
      const topic = await newTopic();
      await producer.connect();
      const controller = new AbortController();
      // The call has started (an async call cannot settle synchronously) when the signal aborts.
      const pending = rejection(producer.send([{ topic, messages: [{ value: 'maybe' }] }], { signal: controller.signal }));
      controller.abort(new Error('caller gave up'));
      expect(await pending).toMatchObject({ code: ErrorCodes.ABORTED });
      const next = await producer.send([{ topic, messages: [{ value: 'next' }] }]);
      expect(next.messageCount).toBe(1);
      // The aborted message may or may not have been written (read two only when it was); the next one must be.
      const back = await readBack(topic, 1);
      const all = back.length === 1 && bytes(back[0]?.value) === bytes('maybe') ? await readBack(topic, 2) : back;
      expect(all.some((m) => bytes(m.value) === bytes('next'))).toBe(true);
    }), timeout);

    it('is healthy after connect and not after disconnect', withHarness(async ({ producer }) => {
      expect(await producer.healthCheck()).toMatchObject({ healthy: false, connected: false });
      await producer.connect();
      expect(await producer.healthCheck()).toMatchObject({ healthy: true, connected: true });
      await producer.disconnect();
      expect(await producer.healthCheck()).toMatchObject({ healthy: false, connected: false });
    }), timeout);

    const delaySends = options.delaySends;
    if (delaySends) {
      it('rejects a send past its deadline with a retryable PRODUCER_TIMEOUT, in time', withHarness(async ({ producer, newTopic }) => {
        const topic = await newTopic();
        await producer.connect();
        await delaySends(producer, 2_000);
        const started = Date.now();
        const err = await rejection(producer.send([{ topic, messages: [{ value: 'late' }] }], { timeoutMs: 50 }));
        expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT, retryable: true });
        expect(Date.now() - started < 1_000).toBe(true);
      }), timeout);
    }
  });
}
