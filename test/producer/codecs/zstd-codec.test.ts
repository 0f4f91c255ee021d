import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as zstdNapi from 'zstd-napi';
import * as binding from 'zstd-napi/binding.js';
import { ErrorCodes } from '../../../src/errors.js';
import {
  createNapiBackend,
  createNodeZlibBackend,
  nodeZlibHasZstd,
  selectZstdBackend,
  ZSTD_DCTX_RETAIN_MAX_OUTPUT,
  zstdWindowLogMax,
} from '../../../src/producer/codecs/zstd-backends.js';
import { createZstdCodec } from '../../../src/producer/codecs/zstd-codec.js';

/** One streamed zstd frame (no declared content size) whose header asks for a window of 2^windowLog bytes. */
function streamedFrame(data: Buffer, windowLog: number): Buffer {
  const cctx = new binding.CCtx();
  cctx.setParameter(binding.CParameter.windowLog, windowLog);
  cctx.setParameter(binding.CParameter.compressionLevel, 1);
  const out: Buffer[] = [];
  const dst = Buffer.alloc(binding.cStreamOutSize());
  let src = data;
  for (const directive of [binding.EndDirective.continue, binding.EndDirective.end]) {
    for (;;) {
      const [left, produced, consumed] = cctx.compressStream2(dst, src, directive);
      out.push(Buffer.from(dst.subarray(0, produced)));
      src = src.subarray(consumed);
      if (src.length === 0 && (directive === binding.EndDirective.continue || left === 0)) break;
    }
  }
  const frame = Buffer.concat(out);
  if (binding.getFrameContentSize(frame) !== null) throw new Error('expected a frame without a declared size');
  return frame;
}

/** Data that compresses well but not to nothing (zstd must really fill its window). */
function patterned(bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 1) data[i] = (i * 31 + (i >> 12)) & 0xff;
  return data;
}

/** Runs full garbage collections and lets native finalizers run. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 4; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Records (weakly) every zstd-napi decompression context created until `restore()`. */
function trackDecompressionContexts(): { created: WeakRef<object>[]; restore: () => void } {
  const exports = ((binding as { default?: unknown }).default ?? binding) as { DCtx: typeof binding.DCtx };
  const Original = exports.DCtx;
  const created: WeakRef<object>[] = [];
  exports.DCtx = class extends Original {
    constructor() {
      super();
      created.push(new WeakRef(this));
    }
  };
  return { created, restore: () => void (exports.DCtx = Original) };
}

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

  it('regression: zstd-napi bounds its window buffer by the limit: a frame asking for a larger window is refused with a typed error', async () => {
    // A 1 MiB streamed frame with window log 27 made the shared context keep a window of up to
    // 128 MiB; windowLogMax now follows maxDecompressedBytes (64 MiB → 2^26), at least 2^23.
    expect(zstdWindowLogMax(1024 * 1024)).toBe(23);
    expect(zstdWindowLogMax(16 * 1024 * 1024)).toBe(24);
    expect(zstdWindowLogMax(64 * 1024 * 1024)).toBe(26);
    expect(zstdWindowLogMax(64 * 1024 * 1024 + 1)).toBe(27);
    expect(zstdWindowLogMax(2 ** 31 - 1)).toBe(31);
    const backend = createNapiBackend();
    const data = patterned(1024 * 1024);
    const wide = streamedFrame(data, 27);
    await expect(backend.decompress(wide, 64 * 1024 * 1024)).rejects.toMatchObject({
      code: ErrorCodes.CODEC_FAILED,
      retryable: false,
      context: { codec: 'zstd', reason: 'window', windowLogMax: 26, maxBytes: 64 * 1024 * 1024 },
    });
    await expect(backend.decompress(streamedFrame(data, 24), 4 * 1024 * 1024)).rejects.toMatchObject({ context: { reason: 'window', windowLogMax: 23 } });
    expect((await backend.decompress(wide, 128 * 1024 * 1024)).equals(data)).toBe(true);
    expect((await backend.decompress(streamedFrame(data, 23), 4 * 1024 * 1024)).equals(data)).toBe(true);
    expect((await backend.decompress(zstdNapi.compress(text), 4 * 1024 * 1024)).equals(text)).toBe(true); // the context still works after a refusal
  });

  it('regression: zstd-napi does not keep a decompression context that grew past the retain threshold', async () => {
    // The shared context kept the window buffer of its largest frame (about the output size) for
    // good: a 1 MiB frame with 60 MiB of output left RSS 60 MiB higher after GC.
    const contexts = trackDecompressionContexts();
    try {
      const backend = createNapiBackend();
      const small = zstdNapi.compress(text);
      await backend.decompress(small, 64 * 1024 * 1024);
      await backend.decompress(small, 64 * 1024 * 1024);
      expect(contexts.created).toHaveLength(1); // small batches share one context
      const data = patterned(2 * ZSTD_DCTX_RETAIN_MAX_OUTPUT);
      expect((await backend.decompress(streamedFrame(data, 24), 64 * 1024 * 1024)).equals(data)).toBe(true);
      await collectGarbage();
      expect(contexts.created[0]?.deref()).toBeUndefined(); // released, window buffer and all
      expect((await backend.decompress(small, 64 * 1024 * 1024)).equals(text)).toBe(true);
      expect(contexts.created).toHaveLength(2);
      await expect(backend.decompress(Buffer.from('not zstd at all'), 64 * 1024 * 1024)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED });
      await collectGarbage();
      expect(contexts.created[1]?.deref()).toBeUndefined(); // a context left mid-frame by an error is not reused
    } finally {
      contexts.restore();
    }
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
    const windowLogs: (number | undefined)[] = [];
    const fakeZlib = {
      constants: { ZSTD_c_compressionLevel: 100, ZSTD_d_windowLogMax: 200 },
      zstdCompress: (data: Buffer, o: Options, cb: Callback) => cb(null, zstdNapi.compress(data, { compressionLevel: o.params?.[100] ?? 0 })),
      zstdDecompress: (data: Buffer, o: Options, cb: Callback) => {
        windowLogs.push(o.params?.[200]);
        const decompressor = new zstdNapi.Decompressor();
        decompressor.setParameters({ windowLogMax: o.params?.[200] });
        let out: Buffer;
        try {
          out = decompressor.decompress(data);
        } catch (err) {
          return cb(err as Error, Buffer.alloc(0));
        }
        if (o.maxOutputLength !== undefined && out.length > o.maxOutputLength) cb(Object.assign(new RangeError('too large'), { code: 'ERR_BUFFER_TOO_LARGE' }), Buffer.alloc(0));
        else cb(null, out);
      },
    };
    const backend = createNodeZlibBackend(fakeZlib);
    const compressed = await backend.compress(text, 19);
    expect(compressed.length).toBe(zstdNapi.compress(text, { compressionLevel: 19 }).length);
    expect((await backend.decompress(compressed, 1 << 26)).equals(text)).toBe(true);
    await expect(backend.decompress(compressed, 1000)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    // Regression: the window bound reaches node:zlib too (zstd's window buffer was left unbounded).
    await expect(backend.decompress(streamedFrame(text, 27), 64 * 1024 * 1024)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'window', windowLogMax: 26 } });
    expect(windowLogs).toEqual([26, 23, 26]);
  });
});
