import { Readable } from 'node:stream';
import { ErrorCodes } from '../errors.js';
import type { ObjectStore } from '../imagery/object-store.js';
import type { ContractTestApi } from './producer-contract.js';

/** What an object-store contract factory provides for one test. */
export interface ObjectStoreContractHarness {
  /** The store under test; its bucket must exist. */
  store: ObjectStore;
  /** A key prefix no other test uses, without a trailing `/` (the contract appends `/<name>`). */
  newKey(): string;
  /** Releases resources after the test (the contract deletes the objects it wrote first). */
  cleanup?(): Promise<void> | void;
}

/** Creates a harness per test. */
export type ObjectStoreContractFactory = () => Promise<ObjectStoreContractHarness> | ObjectStoreContractHarness;

/** Options of {@link runObjectStoreContract}. */
export interface ObjectStoreContractOptions {
  /** Per-case timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Runs once before the cases (for example, create the bucket). */
  setup?: () => Promise<void> | void;
  /** Runs once after the cases. */
  teardown?: () => Promise<void> | void;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; retryable?: unknown; context?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: unknown };
  }
  return { code: 'expected the promise to reject, but it resolved' };
}

/** Every byte value, then a pattern: binary content no text conversion survives. */
function binaryBody(size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) body[i] = (i * 7 + (i >> 8)) & 0xff;
  return body;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How a call settled: its value, or the error it rejected with. */
async function settle(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; code?: unknown; context?: Record<string, unknown> }> {
  try {
    await promise;
    return { ok: true };
  } catch (err) {
    return { ok: false, ...(err as { code?: unknown; context?: Record<string, unknown> }) };
  }
}

/** A stream of `chunks` chunks of 64 KiB, one every `everyMs`: a body still being sent when the put is aborted. */
function slowStream(chunks: number, everyMs: number): Readable {
  return Readable.from((async function* produce() {
    for (let i = 0; i < chunks; i += 1) {
      await sleep(everyMs);
      yield binaryBody(65_536);
    }
  })());
}

const BAD_KEYS = ['/leading-slash', 'a/../escape', '../up', 'a/./b', 'back\\slash', 'nul\u0000byte', 'new\nline', ''];

/**
 * Registers the {@link ObjectStore} contract: the behaviour every store must show, so that a
 * custom store can replace `S3ObjectStore`. Call it from a test file:
 *
 * ```ts
 * runObjectStoreContract('MyStore', () => ({ store, newKey: () => `contract/${randomUUID()}` }), { describe, it, expect });
 * ```
 */
export function runObjectStoreContract(name: string, factory: ObjectStoreContractFactory, api: ContractTestApi, options: ObjectStoreContractOptions = {}): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const timeout = options.timeoutMs ?? 30_000;

  const withHarness = (fn: (h: ObjectStoreContractHarness, key: (suffix: string) => string) => Promise<void>) => async (): Promise<void> => {
    const harness = await factory();
    const base = harness.newKey();
    const written = new Set<string>();
    const key = (suffix: string): string => {
      const k = `${base}/${suffix}`;
      written.add(k);
      return k;
    };
    try {
      await fn(harness, key);
    } finally {
      for (const k of written) await harness.store.delete(k).catch(() => undefined);
      await harness.cleanup?.();
    }
  };

  describe(`ObjectStore contract: ${name}`, () => {
    if (options.setup && beforeAll) beforeAll(options.setup, timeout);
    if (options.teardown && afterAll) afterAll(options.teardown, timeout);

    it('puts a Buffer and gets the same bytes back, with its URL, size, type and metadata', withHarness(async ({ store }, key) => {
      const k = key('image.h5');
      const body = binaryBody(70_000);
      const stored = await store.put(k, body, { contentType: 'application/x-hdf5', metadata: { sha256: 'ab'.repeat(32), 'source-id': 'landsat_8' } });
      expect([stored.key, stored.url]).toEqual([k, store.url(k)]);
      expect((await store.get(k)).equals(body)).toBe(true);
      const info = await store.head(k);
      expect(info).toMatchObject({ key: k, url: store.url(k), size: body.length, contentType: 'application/x-hdf5', metadata: { sha256: 'ab'.repeat(32), 'source-id': 'landsat_8' } });
      if (stored.etag !== undefined) expect(info?.etag).toBe(stored.etag);
    }), timeout);

    it('puts a stream with or without a content length, and an empty object', withHarness(async ({ store }, key) => {
      const body = binaryBody(100_000);
      await store.put(key('stream.bin'), Readable.from([body.subarray(0, 30_000), body.subarray(30_000)]), { contentLength: body.length });
      expect((await store.get(key('stream.bin'))).equals(body)).toBe(true);
      await store.put(key('unsized.bin'), Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]));
      expect((await store.get(key('unsized.bin'))).equals(body)).toBe(true);
      await store.put(key('empty.bin'), Buffer.alloc(0));
      expect((await store.get(key('empty.bin'))).length).toBe(0);
      expect((await store.head(key('empty.bin')))?.size).toBe(0);
    }), timeout);

    it('replaces an object put again under the same key', withHarness(async ({ store }, key) => {
      await store.put(key('twice'), Buffer.from('first version'));
      await store.put(key('twice'), Buffer.from('second'));
      expect((await store.get(key('twice'))).toString()).toBe('second');
    }), timeout);

    it('reports a missing object: get rejects (not_found, not retryable), head resolves undefined, delete succeeds', withHarness(async ({ store }, key) => {
      const err = await rejection(store.get(key('missing')));
      expect([err.code, err.retryable, err.context?.reason]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, false, 'not_found']);
      expect(await store.head(key('missing'))).toBe(undefined);
      await store.delete(key('missing'));
    }), timeout);

    it('deletes an object', withHarness(async ({ store }, key) => {
      await store.put(key('gone'), Buffer.from('x'));
      await store.delete(key('gone'));
      expect(await store.head(key('gone'))).toBe(undefined);
    }), timeout);

    it('refuses to read more than maxBytes with IMAGE_TOO_LARGE, and reads exactly maxBytes', withHarness(async ({ store }, key) => {
      await store.put(key('capped'), binaryBody(10_000));
      const err = await rejection(store.get(key('capped'), { maxBytes: 9_999 }));
      expect([err.code, err.context?.maxBytes]).toEqual([ErrorCodes.IMAGE_TOO_LARGE, 9_999]);
      expect((await store.get(key('capped'), { maxBytes: 10_000 })).length).toBe(10_000);
    }), timeout);

    it('refuses keys that could escape the bucket or prefix, for every operation, storing nothing', withHarness(async ({ store, newKey }) => {
      const prefix = newKey();
      for (const bad of BAD_KEYS) {
        const k = bad === '' ? '' : `${prefix}/${bad}`;
        const codes = [
          (await rejection(store.put(k, Buffer.from('x')))).code,
          (await rejection(store.get(k))).code,
          (await rejection(store.head(k))).code,
          (await rejection(store.delete(k))).code,
        ];
        expect([bad, codes]).toEqual([bad, Array(4).fill(ErrorCodes.INVALID_OPTION)]);
      }
      expect((await rejection(store.put('/absolute', Buffer.from('x')))).code).toBe(ErrorCodes.INVALID_OPTION);
      expect(await store.head(`${prefix}/escape`)).toBe(undefined);
    }), timeout);

    it('rejects a Buffer whose contentLength is wrong with INVALID_OPTION', withHarness(async ({ store }, key) => {
      const err = await rejection(store.put(key('length'), Buffer.from('abc'), { contentLength: 4 }));
      expect(err.code).toBe(ErrorCodes.INVALID_OPTION);
      expect(await store.head(key('length'))).toBe(undefined);
    }), timeout);

    it('rejects calls whose signal is already aborted with ABORTED, changing nothing', withHarness(async ({ store }, key) => {
      const signal = AbortSignal.abort(new Error('stop'));
      expect((await rejection(store.put(key('aborted'), Buffer.from('x'), { signal }))).code).toBe(ErrorCodes.ABORTED);
      expect(await store.head(key('aborted'))).toBe(undefined);
      await store.put(key('kept'), Buffer.from('kept'));
      expect((await rejection(store.get(key('kept'), { signal }))).code).toBe(ErrorCodes.ABORTED);
      expect((await rejection(store.delete(key('kept'), { signal }))).code).toBe(ErrorCodes.ABORTED);
      expect((await store.get(key('kept'))).toString()).toBe('kept');
    }), timeout);

    it('stores nothing when a put is aborted or passes its deadline in flight (a put that finished first stored it)', withHarness(async ({ store }, key) => {
      const body = binaryBody(6 * 1_048_576); // one request, which a network store is still sending after 20 ms
      const controller = new AbortController();
      const puts = [
        { k: key('aborted.bin'), put: store.put(key('aborted.bin'), body, { signal: controller.signal }), failed: ErrorCodes.ABORTED },
        { k: key('late.bin'), put: store.put(key('late.bin'), body, { timeoutMs: 20 }), failed: ErrorCodes.OBJECT_STORE_FAILED },
        { k: key('stream.bin'), put: store.put(key('stream.bin'), slowStream(10, 10), { signal: controller.signal }), failed: ErrorCodes.ABORTED },
      ];
      setTimeout(() => controller.abort(new Error('stop')), 20);
      const outcomes = await Promise.all(puts.map((p) => settle(p.put)));
      expect(outcomes[2]?.ok).toBe(false); // the stream lasts 100 ms: it cannot have been stored before the abort
      await sleep(500); // a request the store did not cancel would land meanwhile
      for (const [i, { k, failed }] of puts.entries()) {
        const outcome = outcomes[i];
        const info = await store.head(k);
        if (outcome?.ok === true) expect([k, info?.size]).toEqual([k, k.endsWith('stream.bin') ? 655_360 : body.length]);
        else expect([k, outcome?.code, info]).toEqual([k, failed, undefined]);
      }
    }), timeout);

    it('gives URLs that name the key, and stores keys with spaces and non-ASCII characters', withHarness(async ({ store }, key) => {
      const k = key('dir with space/état_1.tif');
      await store.put(k, Buffer.from('tiff'));
      expect((await store.get(k)).toString()).toBe('tiff');
      expect(store.url(k).endsWith(`/${encodeURIComponent('état_1.tif')}`)).toBe(true);
      expect(URL.canParse(store.url(k))).toBe(true);
    }), timeout);
  });
}
