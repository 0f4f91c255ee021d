import { describe, expect, it } from 'vitest';
import * as zstdNapi from 'zstd-napi';
import { ErrorCodes } from '../../../src/errors.js';
import { createNapiBackend, createNodeZlibBackend, nodeZlibHasZstd, selectZstdBackend } from '../../../src/producer/codecs/zstd-backends.js';
import { createZstdCodec } from '../../../src/producer/codecs/zstd-codec.js';

const text = Buffer.from(JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ i, satellite: 'N20', daynight: 'D' }))));

describe('zstd codec on zstd-napi', () => {
  it('round-trips and writes standard zstd frames that another decoder reads', async () => {
    const codec = createZstdCodec(createNapiBackend(), 3, 64 * 1024 * 1024);
    const compressed = await codec.compress({ buffer: text });
    expect(compressed.readUInt32LE(0)).toBe(0xfd2fb528); // zstd frame magic
    expect(zstdNapi.decompress(compressed).equals(text)).toBe(true);
    expect((await codec.decompress(compressed)).equals(text)).toBe(true);
  });

  it('reads frames without a declared content size (streamed) and concatenated frames', async () => {
    const backend = createNapiBackend();
    const streamed = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const stream = new zstdNapi.CompressStream();
      stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
      stream.end(text);
    });
    expect((await backend.decompress(streamed, 64 * 1024 * 1024)).equals(text)).toBe(true);
    const two = Buffer.concat([zstdNapi.compress(text), zstdNapi.compress(Buffer.from('tail'))]);
    expect((await backend.decompress(two, 64 * 1024 * 1024)).toString().endsWith('tail')).toBe(true);
  });

  it('stops at the output limit, whether or not the frame declares its size', async () => {
    const backend = createNapiBackend();
    const big = Buffer.alloc(8 * 1024 * 1024);
    const declared = zstdNapi.compress(big);
    await expect(backend.decompress(declared, 1024 * 1024)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    const undeclared = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const stream = new zstdNapi.CompressStream();
      stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
      stream.end(big);
    });
    await expect(backend.decompress(undeclared, 1024 * 1024)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    expect((await backend.decompress(undeclared, 8 * 1024 * 1024)).length).toBe(big.length);
  });

  it('regression: a multi-frame zstd bomb allocates no more than the limit (first frame declares a large size, many tiny frames follow)', async () => {
    // Each pass used to allocate the first frame's declared size again and keep the whole buffer
    // for a few bytes of output: 1 MiB declared + 100 tiny frames retained over 100 MiB.
    const backend = createNapiBackend();
    const first = zstdNapi.compress(Buffer.alloc(1024 * 1024));
    const tiny = zstdNapi.compress(Buffer.from('x'));
    const frames = Buffer.concat([first, ...Array.from({ length: 100 }, () => tiny)]);
    expect(frames.length).toBeLessThan(2_000);
    const before = process.memoryUsage().arrayBuffers;
    const out = await backend.decompress(frames, 4 * 1024 * 1024);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(out.length).toBe(1024 * 1024 + 100);
    expect(out.subarray(1024 * 1024).toString()).toBe('x'.repeat(100));
    expect(grown).toBeLessThan(24 * 1024 * 1024);
  });

  it('regression: a multi-frame zstd bomb past the limit rejects with the limit error and bounded allocation', async () => {
    const backend = createNapiBackend();
    const tiny = zstdNapi.compress(Buffer.from('x'));
    const bomb = Buffer.concat([zstdNapi.compress(Buffer.alloc(2 * 1024 * 1024)), ...Array.from({ length: 100 }, () => tiny), zstdNapi.compress(Buffer.alloc(4 * 1024 * 1024))]);
    const before = process.memoryUsage().arrayBuffers;
    await expect(backend.decompress(bomb, 4 * 1024 * 1024)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(24 * 1024 * 1024);
  });

  it('rejects truncated and foreign data with CODEC_FAILED', async () => {
    const backend = createNapiBackend();
    const frame = zstdNapi.compress(text);
    await expect(backend.decompress(frame.subarray(0, frame.length - 10), 1 << 26)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED });
    await expect(backend.decompress(Buffer.from('definitely not zstd'), 1 << 26)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED });
  });

  it('compresses smaller at a higher level', async () => {
    const backend = createNapiBackend();
    const fast = await backend.compress(text, 1);
    const strong = await backend.compress(text, 19);
    expect(strong.length).toBeLessThan(fast.length);
  });
});

describe('zstd backend selection', () => {
  it('uses node:zlib only when the runtime has zstd', () => {
    expect(selectZstdBackend('auto').name).toBe(nodeZlibHasZstd() ? 'node-zlib' : 'zstd-napi');
    expect(selectZstdBackend('zstd-napi').name).toBe('zstd-napi');
  });

  it('refuses the node-zlib backend with CODEC_UNAVAILABLE where node:zlib has no zstd', () => {
    const noZstd = { constants: {} };
    expect(nodeZlibHasZstd(noZstd)).toBe(false);
    expect(() => createNodeZlibBackend(noZstd)).toThrow(expect.objectContaining({ code: ErrorCodes.CODEC_UNAVAILABLE }));
  });

  it('passes the level and the output bound to node:zlib and maps its too-large error', async () => {
    // Stands in for node:zlib's zstd (Node >= 22.15) on older runtimes, built on zstd-napi.
    type Options = { params?: Record<number, number>; maxOutputLength?: number };
    type Callback = (err: Error | null, out: Buffer) => void;
    const fakeZlib = {
      constants: { ZSTD_c_compressionLevel: 100 },
      zstdCompress: (data: Buffer, o: Options, cb: Callback) => cb(null, zstdNapi.compress(data, { compressionLevel: o.params?.[100] ?? 0 })),
      zstdDecompress: (data: Buffer, o: Options, cb: Callback) => {
        const out = zstdNapi.decompress(data);
        if (o.maxOutputLength !== undefined && out.length > o.maxOutputLength) cb(Object.assign(new RangeError('too large'), { code: 'ERR_BUFFER_TOO_LARGE' }), Buffer.alloc(0));
        else cb(null, out);
      },
    };
    const backend = createNodeZlibBackend(fakeZlib);
    const compressed = await backend.compress(text, 19);
    expect(compressed.length).toBe(zstdNapi.compress(text, { compressionLevel: 19 }).length);
    expect((await backend.decompress(compressed, 1 << 26)).equals(text)).toBe(true);
    await expect(backend.decompress(compressed, 1000)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
  });
});
