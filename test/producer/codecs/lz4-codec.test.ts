import { randomBytes } from 'node:crypto';
import lz4 from 'lz4';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { createLz4Codec, lz4DecompressedSizeBound } from '../../../src/producer/codecs/lz4-codec.js';

const text = Buffer.from(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, satellite: 'N20', confidence: 'n' }))));

describe('LZ4 codec', () => {
  it('round-trips data and writes a standard LZ4 frame with 64 KiB independent blocks', async () => {
    const codec = createLz4Codec(64 * 1024 * 1024);
    const compressed = await codec.compress({ buffer: text });
    expect(compressed.readUInt32LE(0)).toBe(0x184d2204);
    const flg = compressed[4] as number;
    expect([flg >> 6, (flg >> 5) & 1]).toEqual([1, 1]); // version 01, independent blocks
    expect(((compressed[5] as number) >> 4) & 7).toBe(4); // 64 KiB blocks
    expect(compressed.length).toBeLessThan(text.length / 2);
    expect((await codec.decompress(compressed)).equals(text)).toBe(true);
  });

  it('reads frames written by other LZ4 frame encoders (4 MiB blocks, incompressible data)', async () => {
    const codec = createLz4Codec(64 * 1024 * 1024);
    const random = randomBytes(300_000);
    expect((await codec.decompress(lz4.encode(random))).equals(random)).toBe(true);
    // (lz4 0.6.5's `blockChecksum: true` writes an out-of-range checksum and throws; Kafka clients do not set it.)
    expect((await codec.decompress(lz4.encode(text, { blockMaxSize: 256 << 10 }))).equals(text)).toBe(true);
    expect((await codec.decompress(await codec.compress({ buffer: random }))).equals(random)).toBe(true);
  });

  it('bounds the output from block headers and refuses a frame past the limit without decoding it', async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const frame = lz4.encode(zeros, { blockMaxSize: 64 << 10 });
    expect(frame.length).toBeLessThan(10_000);
    const bound = lz4DecompressedSizeBound(frame);
    expect(bound).toBeGreaterThanOrEqual(zeros.length);
    expect(bound).toBeLessThanOrEqual(zeros.length + (64 << 10));
    await expect(createLz4Codec(512 * 1024).decompress(frame)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    expect((await createLz4Codec(2 * 1024 * 1024).decompress(frame)).length).toBe(zeros.length);
  });

  it('bounds the output across concatenated frames (multi-frame bomb) without decoding them', async () => {
    const frame = lz4.encode(Buffer.alloc(1024 * 1024), { blockMaxSize: 64 << 10 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => frame));
    expect(lz4DecompressedSizeBound(bomb)).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    await expect(createLz4Codec(4 * 1024 * 1024).decompress(bomb)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('regression: decodes concatenated frames with content checksums (the lz4 decoder kept one checksum across frames)', async () => {
    const codec = createLz4Codec(4 * 1024 * 1024);
    const a = await codec.compress({ buffer: text });
    const b = await codec.compress({ buffer: Buffer.from('tail') });
    const out = await codec.decompress(Buffer.concat([a, b]));
    expect(out.equals(Buffer.concat([text, Buffer.from('tail')]))).toBe(true);
  });

  it('rejects truncated, corrupted and foreign data with CODEC_FAILED', async () => {
    const codec = createLz4Codec(64 * 1024 * 1024);
    const frame = await codec.compress({ buffer: text });
    const corrupted = Buffer.from(frame);
    corrupted.fill(0xff, 20, 40);
    for (const bad of [frame.subarray(0, frame.length - 8), corrupted, Buffer.from('not lz4 at all')]) {
      await expect(codec.decompress(bad)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'corrupt' } });
    }
  });
});
