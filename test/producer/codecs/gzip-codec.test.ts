import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { createGzipCodec } from '../../../src/producer/codecs/gzip-codec.js';

describe('gzip codec', () => {
  it('round-trips, and reads concatenated gzip members', async () => {
    const codec = createGzipCodec(4 * 1024 * 1024);
    const data = Buffer.from('fire '.repeat(5000));
    expect((await codec.decompress(await codec.compress({ buffer: data }))).equals(data)).toBe(true);
    const members = Buffer.concat([gzipSync(Buffer.from('a')), gzipSync(Buffer.from('b'))]);
    expect((await codec.decompress(members)).toString()).toBe('ab');
  });

  it('bounds the output across gzip members, with bounded allocation (multi-member bomb)', async () => {
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    const before = process.memoryUsage().arrayBuffers;
    await expect(createGzipCodec(4 * 1024 * 1024).decompress(bomb)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'limit' } });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(24 * 1024 * 1024);
  });

  it('rejects corrupt data with CODEC_FAILED', async () => {
    await expect(createGzipCodec(4 * 1024 * 1024).decompress(Buffer.from('not gzip'))).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED, context: { reason: 'corrupt' } });
  });
});
