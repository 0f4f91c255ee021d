import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as zstdNapi from 'zstd-napi';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import type { ImageCompressorSettings } from '../../src/imagery/image-compression.js';
import { ImageCompressor } from '../../src/imagery/image-compression.js';
import { codecUnavailable } from '../../src/producer/codecs/codec.js';
import type { ZstdBackend } from '../../src/producer/codecs/zstd-backends.js';
import { createNapiBackend } from '../../src/producer/codecs/zstd-backends.js';
import { rejection } from './rejection.js';

const settings = (over: Partial<ImageCompressorSettings> = {}): ImageCompressorSettings => ({
  mode: 'auto',
  minSavings: 0.1,
  zstdLevel: 3,
  zlibLevel: 6,
  zstd: createNapiBackend(),
  ...over,
});

/** A zstd backend whose compress returns `size` bytes, to place a result exactly at the threshold. */
function sizedBackend(size: number): ZstdBackend {
  return { name: 'zstd-napi', compress: async () => Buffer.alloc(size), decompress: async () => Buffer.alloc(0) };
}

function failingBackend(error: Error): ZstdBackend & { calls: number } {
  const backend = {
    name: 'zstd-napi' as const,
    calls: 0,
    compress: async () => {
      backend.calls += 1;
      throw error;
    },
    decompress: async () => {
      throw error;
    },
  };
  return backend;
}

const compressible = Buffer.from('fire perimeter, smoke plume; '.repeat(4000));

describe('ImageCompressor.compress', () => {
  it('keeps zstd output that saves enough', async () => {
    const attempt = await new ImageCompressor(settings()).compress(compressible);
    expect(attempt.codec).toBe('zstd');
    expect(attempt.bytes?.length).toBeLessThan(compressible.length / 10);
    expect(zstdNapi.decompress(attempt.bytes as Buffer).equals(compressible)).toBe(true);
  });

  it('drops output of random data (no saving)', async () => {
    const attempt = await new ImageCompressor(settings()).compress(randomBytes(64 * 1024));
    expect(attempt).toMatchObject({ codec: 'zstd', bytes: undefined, fellBack: false });
  });

  it('keeps output only when it saves strictly more than minSavings', async () => {
    const data = Buffer.alloc(1000);
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(900) })).compress(data)).bytes).toBeUndefined();
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(899) })).compress(data)).bytes?.length).toBe(899);
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(999), minSavings: 0 })).compress(data)).bytes?.length).toBe(999);
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(1000), minSavings: 0 })).compress(data)).bytes).toBeUndefined();
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(1), minSavings: 1 })).compress(data)).bytes).toBeUndefined();
    expect((await new ImageCompressor(settings({ zstd: sizedBackend(0), minSavings: 0 })).compress(data)).bytes).toBeUndefined();
  });

  it('falls back to zlib level 6 when zstd is unavailable, and stops trying zstd', async () => {
    const backend = failingBackend(codecUnavailable('zstd', 'not installed'));
    const compressor = new ImageCompressor(settings({ zstd: backend }));
    for (let i = 0; i < 2; i += 1) {
      const attempt = await compressor.compress(compressible);
      expect(attempt.codec).toBe('zlib');
      expect(attempt.fellBack).toBe(true);
      expect(attempt.bytes?.equals(deflateSync(compressible, { level: 6 }))).toBe(true);
    }
    expect(backend.calls).toBe(1);
  });

  it('falls back to zlib for one image when zstd fails otherwise, and tries zstd again next time', async () => {
    const backend = failingBackend(new Error('out of memory'));
    const compressor = new ImageCompressor(settings({ zstd: backend }));
    expect((await compressor.compress(compressible)).codec).toBe('zlib');
    expect((await compressor.compress(compressible)).codec).toBe('zlib');
    expect(backend.calls).toBe(2);
  });

  it('falls back to zlib when the named zstd backend cannot be built in this runtime', async () => {
    const attempt = await new ImageCompressor(settings({ zstd: 'node-zlib' })).compress(compressible);
    // node:zlib has zstd only from Node 22.15; older runtimes fall back.
    expect(attempt.codec).toBe(typeof (await import('node:zlib') as { zstdCompress?: unknown }).zstdCompress === 'function' ? 'zstd' : 'zlib');
    expect(attempt.bytes).toBeDefined();
  });

  it('uses only zlib in zlib mode and nothing in none mode', async () => {
    expect((await new ImageCompressor(settings({ mode: 'zlib', zlibLevel: 1 })).compress(compressible))).toMatchObject({ codec: 'zlib', fellBack: false });
    expect(await new ImageCompressor(settings({ mode: 'none' })).compress(compressible)).toEqual({ codec: 'none', bytes: undefined, fellBack: false });
  });
});

describe('ImageCompressor.decompress', () => {
  const compressor = new ImageCompressor(settings());

  it('round-trips both codecs', async () => {
    const zstd = zstdNapi.compress(compressible);
    expect((await compressor.decompress('zstd', zstd, compressible.length)).equals(compressible)).toBe(true);
    expect((await compressor.decompress('zlib', deflateSync(compressible), compressible.length)).equals(compressible)).toBe(true);
  });

  it.each(['zstd', 'zlib'] as const)('refuses %s output past the original size with bounded memory (bomb)', async (codec) => {
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    const bomb = codec === 'zstd' ? zstdNapi.compress(zeros) : deflateSync(zeros);
    const before = process.memoryUsage().arrayBuffers;
    await expect(compressor.decompress(codec, bomb, 1024)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression' } });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });

  it.each(['zstd', 'zlib'] as const)('refuses %s output shorter than the original size', async (codec) => {
    const packed = codec === 'zstd' ? zstdNapi.compress(compressible) : deflateSync(compressible);
    await expect(compressor.decompress(codec, packed, compressible.length + 1)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression' } });
  });

  it.each(['zstd', 'zlib'] as const)('refuses corrupt and trailing %s data', async (codec) => {
    const packed = codec === 'zstd' ? zstdNapi.compress(compressible) : deflateSync(compressible);
    for (const bad of [Buffer.from('not compressed at all'), packed.subarray(0, packed.length - 3), Buffer.concat([packed, Buffer.from('trailing')])]) {
      await expect(compressor.decompress(codec, bad, compressible.length)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression' } });
    }
  });

  it('zstd strictness: refuses more zstd frames or a skippable frame after the payload, as zlib refuses trailing data', async () => {
    const half = compressible.length / 2;
    const twoFrames = Buffer.concat([zstdNapi.compress(compressible.subarray(0, half)), zstdNapi.compress(compressible.subarray(half))]);
    const skippable = Buffer.concat([zstdNapi.compress(compressible), Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]), Buffer.alloc(4)]);
    const leading = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), zstdNapi.compress(compressible)]);
    for (const [payload, message] of [
      [twoFrames, 'bytes follow the end of the zstd frame'],
      [skippable, '12 bytes follow the end of the zstd frame'],
      [leading, 'does not start with a zstd frame'],
    ] as const) {
      const err = await rejection(compressor.decompress('zstd', payload, compressible.length));
      expect(err).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression', codec: 'zstd' } });
      expect(err.message).toContain(message);
    }
  });

  it('accepts single zstd frames with and without checksum, content size and window descriptor', async () => {
    for (const parameters of [{ checksumFlag: true }, { contentSizeFlag: false }, { checksumFlag: true, contentSizeFlag: false, windowLog: 10 }]) {
      const compressor2 = new zstdNapi.Compressor();
      compressor2.setParameters({ compressionLevel: 5, ...parameters });
      const packed = compressor2.compress(compressible);
      expect((await compressor.decompress('zstd', packed, compressible.length)).equals(compressible)).toBe(true);
    }
    const rle = Buffer.alloc(300_000, 7);
    expect((await compressor.decompress('zstd', zstdNapi.compress(rle), rle.length)).equals(rle)).toBe(true);
  });

  it('zstd limit message: names the header original size and maxImageBytes, not the serializer-foreign maxDecompressedBytes', async () => {
    const err = await rejection(compressor.decompress('zstd', zstdNapi.compress(Buffer.alloc(1 << 20)), 1024));
    expect(err.code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(err.message).toContain('past the original size in the header (1024 bytes, itself at most maxImageBytes)');
    expect(err.message).not.toContain('maxDecompressedBytes');
    const window = new FirestreamError(ErrorCodes.CODEC_FAILED, 'raise "maxDecompressedBytes"', { context: { codec: 'zstd', reason: 'window', windowLogMax: 23 } });
    const windowErr = await rejection(new ImageCompressor(settings({ zstd: failingBackend(window) })).decompress('zstd', Buffer.alloc(8), 1024));
    expect(windowErr).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression', originalSize: 1024 } });
    expect(windowErr.message).toContain('needs a zstd window larger than an image of 1024 bytes may use (2^23 bytes)');
  });

  it('passes FIRESTREAM_CODEC_UNAVAILABLE through for a zstd packet when zstd cannot be loaded', async () => {
    const unavailable = new ImageCompressor(settings({ zstd: failingBackend(codecUnavailable('zstd', 'not installed')) }));
    await expect(unavailable.decompress('zstd', Buffer.alloc(4), 10)).rejects.toMatchObject({ code: ErrorCodes.CODEC_UNAVAILABLE });
  });
});
