import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { runObjectStoreContract } from '../../src/testing/object-store-contract.js';
import { rejection } from '../imagery/rejection.js';

let seq = 0;
runObjectStoreContract('InMemoryObjectStore', () => ({ store: new InMemoryObjectStore(), newKey: () => `contract/${(seq += 1)}` }), { describe, it, expect, beforeAll, afterAll });

describe('InMemoryObjectStore', () => {
  it('keeps copies: changing the Buffer put or got does not change the store', async () => {
    const store = new InMemoryObjectStore();
    const body = Buffer.from('original');
    await store.put('k', body);
    body.fill(0);
    const got = await store.get('k');
    got.fill(1);
    expect((await store.get('k')).toString()).toBe('original');
  });

  it('stamps lastModified from the injected clock and gives HTTP URLs on a host that never resolves', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const store = new InMemoryObjectStore({ bucket: 'images-bucket', clock });
    await store.put('a b/c', Buffer.from('x'));
    expect(await store.head('a b/c')).toMatchObject({ lastModified: 1_700_000_000_000, url: 'http://in-memory.invalid/images-bucket/a%20b/c' });
  });

  it('object() returns a copy: changing its body does not change the store', async () => {
    const store = new InMemoryObjectStore();
    await store.put('k', Buffer.from('original'));
    store.object('k')?.body.fill(0);
    expect([store.object('k')?.body.toString(), (await store.get('k')).toString()]).toEqual(['original', 'original']);
  });

  it('regression: a put aborted or timed out during its latency stores nothing', async () => {
    const store = new InMemoryObjectStore();
    store.setLatency(100);
    const controller = new AbortController();
    const aborted = store.put('aborted', Buffer.from('x'), { signal: controller.signal });
    const late = store.put('late', Buffer.from('x'), { timeoutMs: 20 });
    controller.abort();
    expect([(await rejection(aborted)).code, (await rejection(late)).context.reason]).toEqual([ErrorCodes.ABORTED, 'timeout']);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.keys()).toEqual([]);
  });

  it('fails the next call of an operation once, retryable, with failNext', async () => {
    const store = new InMemoryObjectStore();
    store.failNext('put');
    const err = await rejection(store.put('k', Buffer.from('x')));
    expect([err.code, err.retryable, err.context.reason]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, true, 'server']);
    expect(store.keys()).toEqual([]);
    await store.put('k', Buffer.from('x'));
    expect(store.keys()).toEqual(['k']);
  });

  it('times out a slow call (retryable, reason timeout) and aborts one whose signal fires', async () => {
    const store = new InMemoryObjectStore();
    store.setLatency(200);
    const slow = await rejection(store.head('k', { timeoutMs: 20 }));
    expect([slow.code, slow.retryable, slow.context.reason, slow.context.timeoutMs]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, true, 'timeout', 20]);
    const controller = new AbortController();
    const pending = store.get('k', { signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe(ErrorCodes.ABORTED);
  });

  it('refuses a stream longer or shorter than its contentLength', async () => {
    const store = new InMemoryObjectStore();
    const long = await rejection(store.put('k', Readable.from([Buffer.alloc(11)]), { contentLength: 10 }));
    expect(long.code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    const short = await rejection(store.put('k', Readable.from([Buffer.alloc(9)]), { contentLength: 10 }));
    expect([short.code, short.context.reason]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, 'client']);
    expect(store.keys()).toEqual([]);
  });

  it('tampers with a stored object for verification tests, and refuses a bad bucket name', async () => {
    const store = new InMemoryObjectStore();
    await store.put('k', Buffer.from('good'));
    store.tamper('k', Buffer.from('evil'));
    expect((await store.get('k')).toString()).toBe('evil');
    expect(() => store.tamper('nope', Buffer.alloc(1))).toThrow(/must name a stored object/);
    expect(() => new InMemoryObjectStore({ bucket: 'Bad_Bucket' })).toThrow(/bucket/);
  });

  it('refuses metadata S3 would change or reject', async () => {
    const store = new InMemoryObjectStore();
    expect((await rejection(store.put('k', Buffer.alloc(1), { metadata: { Upper: 'x' } }))).code).toBe(ErrorCodes.INVALID_OPTION);
    expect((await rejection(store.put('k', Buffer.alloc(1), { metadata: { ok: 'caf\u00e9' } }))).code).toBe(ErrorCodes.INVALID_OPTION);
    expect((await rejection(store.put('k', Buffer.alloc(1), { metadata: { big: 'x'.repeat(3000) } }))).code).toBe(ErrorCodes.INVALID_OPTION);
  });
});
