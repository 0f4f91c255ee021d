import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { readCapped, runObjectStoreCall, splitPutBody } from '../../src/imagery/object-store-call.js';
import { rejection } from './rejection.js';

const target = { operation: 'get', bucket: 'fire-images', key: 'images/a.h5' } as const;

/** A stream of `count` chunks of `size` bytes that records how many chunks were read. */
function chunks(count: number, size: number): { stream: Readable; read: () => number } {
  let read = 0;
  const stream = Readable.from((function* gen() {
    for (let i = 0; i < count; i += 1) {
      read += 1;
      yield Buffer.alloc(size, i);
    }
  })());
  return { stream, read: () => read };
}

describe('readCapped', () => {
  it('reads a stream whole into one Buffer, with or without a declared length', async () => {
    expect((await readCapped(chunks(3, 10).stream, target, 30, 30)).equals(Buffer.concat([Buffer.alloc(10, 0), Buffer.alloc(10, 1), Buffer.alloc(10, 2)]))).toBe(true);
    expect((await readCapped(chunks(3, 10).stream, target, 30)).length).toBe(30);
  });

  it('refuses a declared length over the cap without reading, and stops reading once the cap is passed', async () => {
    const declared = chunks(100, 10);
    expect((await rejection(readCapped(declared.stream, target, 999, 1_000))).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect([declared.read(), declared.stream.destroyed]).toEqual([0, true]);
    const undeclared = chunks(100, 10);
    const err = await rejection(readCapped(undeclared.stream, target, 25));
    expect([err.code, err.context.size, err.context.maxBytes]).toEqual([ErrorCodes.IMAGE_TOO_LARGE, 30, 25]);
    expect(undeclared.read()).toBeLessThan(5);
  });

  it('refuses a body longer or shorter than announced (retryable invalid_response)', async () => {
    const long = await rejection(readCapped(chunks(3, 10).stream, target, 100, 25));
    const short = await rejection(readCapped(chunks(2, 10).stream, target, 100, 25));
    for (const err of [long, short]) expect([err.code, err.retryable, err.context.reason]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, true, 'invalid_response']);
  });
});

describe('runObjectStoreCall', () => {
  it('aborts the work signal on timeout and ignores a late outcome', async () => {
    let workSignal: AbortSignal | undefined;
    const err = await rejection(runObjectStoreCall(target, { timeoutMs: 10 }, 1_000, (signal) => {
      workSignal = signal;
      return new Promise((resolve) => setTimeout(() => resolve('late'), 50));
    }));
    expect([err.code, err.context.reason, workSignal?.aborted]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, 'timeout', true]);
  });

  it('passes the outcome of work through, and refuses a bad timeout', async () => {
    expect(await runObjectStoreCall(target, {}, 1_000, async () => 'done')).toBe('done');
    expect((await rejection(runObjectStoreCall(target, {}, 1_000, async () => Promise.reject(new FirestreamError(ErrorCodes.OBJECT_STORE_FAILED, 'x'))))).message).toBe('x');
    expect((await rejection(runObjectStoreCall(target, { timeoutMs: 0 }, 1_000, async () => 'x'))).code).toBe(ErrorCodes.INVALID_OPTION);
  });
});

describe('splitPutBody', () => {
  const never = new AbortController().signal;
  const bytes = async (body: Buffer | Readable): Promise<Buffer> => (Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray()));

  it('keeps a body of up to the limit whole, and a larger one for parts, by length, contentLength or by reading', async () => {
    expect(await splitPutBody(Buffer.alloc(10), 10, target, undefined, never)).toEqual({ whole: Buffer.alloc(10) });
    expect('parts' in (await splitPutBody(Buffer.alloc(11), 10, target, undefined, never))).toBe(true);
    expect(await splitPutBody(chunks(2, 5).stream, 10, target, 10, never)).toEqual({ whole: Buffer.concat([Buffer.alloc(5, 0), Buffer.alloc(5, 1)]) });
    expect(await splitPutBody(chunks(2, 5).stream, 10, target, undefined, never)).toEqual({ whole: Buffer.concat([Buffer.alloc(5, 0), Buffer.alloc(5, 1)]) });
    const big = chunks(5, 4);
    const split = await splitPutBody(big.stream, 10, target, undefined, never);
    expect(big.read()).toBe(3); // just past the limit
    expect('parts' in split && (await bytes(split.parts)).equals(Buffer.concat([0, 1, 2, 3, 4].map((i) => Buffer.alloc(4, i))))).toBe(true);
  });

  it('refuses a stream of another length than its contentLength, and stops reading once the signal aborts', async () => {
    expect((await rejection(splitPutBody(chunks(3, 5).stream, 100, target, 10, never))).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect((await rejection(splitPutBody(chunks(1, 5).stream, 100, target, 10, never))).context.reason).toBe('client');
    const controller = new AbortController();
    const slow = chunks(1_000, 1);
    controller.abort(new Error('stop'));
    await expect(splitPutBody(slow.stream, 100, target, undefined, controller.signal)).rejects.toThrow('stop');
    expect([slow.read(), slow.stream.destroyed]).toEqual([1, true]);
  });
});
