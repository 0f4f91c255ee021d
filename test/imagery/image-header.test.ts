import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { ImageCorruptReason } from '../../src/imagery/image-errors.js';
import type { ImageHeaderFields } from '../../src/imagery/image-header.js';
import { IMAGE_HEADER_BYTES, IMAGE_PACKET_MAGIC, IMAGE_PACKET_VERSION, readImageHeader, writeImageHeader } from '../../src/imagery/image-header.js';
import { firestreamErrorOf } from './firestream-error-of.js';

const MAX = 1024 * 1024;
const sha = createHash('sha256').update('image').digest();

function packet(fields: Partial<ImageHeaderFields> = {}, payloadBytes?: number): Buffer {
  const full: ImageHeaderFields = { format: 'tiff', compression: 'none', originalSize: 10, storedSize: 10, sha256: sha, ...fields };
  const out = Buffer.alloc(IMAGE_HEADER_BYTES + (payloadBytes ?? full.storedSize));
  writeImageHeader(out, full);
  return out;
}

function expectCorrupt(bytes: Buffer, reason: ImageCorruptReason, max = MAX): void {
  const err = firestreamErrorOf(() => readImageHeader(bytes, max));
  expect(err.code).toBe(ErrorCodes.IMAGE_CORRUPT);
  expect(err.context.reason).toBe(reason);
}

describe('image packet header (version 1)', () => {
  it('lays out the 48 bytes as documented (golden bytes of docs/imagery.md)', () => {
    const digest = Buffer.from('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'hex');
    const out = Buffer.alloc(IMAGE_HEADER_BYTES);
    writeImageHeader(out, { format: 'tiff', compression: 'zstd', originalSize: 1_048_576, storedSize: 412_345, sha256: digest });
    expect(out.toString('hex')).toBe(`4653494d 01 01 01 00 00100000 00064ab9 ${digest.toString('hex')}`.replace(/\s/g, ''));
    expect(IMAGE_PACKET_MAGIC).toBe('FSIM');
    expect(IMAGE_PACKET_VERSION).toBe(1);
  });

  it('reads back what it wrote, for every compression code', () => {
    for (const [compression, storedSize] of [['none', 10], ['zstd', 4], ['zlib', 9]] as const) {
      expect(readImageHeader(packet({ compression, storedSize }), MAX)).toEqual({
        version: 1,
        format: 'tiff',
        compression,
        originalSize: 10,
        storedSize,
        sha256: sha.toString('hex'),
      });
    }
  });

  it('reads a header at a Uint8Array view offset', () => {
    const whole = Buffer.concat([Buffer.from('junk'), packet()]);
    expect(readImageHeader(new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 4), MAX).originalSize).toBe(10);
  });

  it('refuses a packet shorter than the header', () => {
    for (const length of [0, 1, 4, 47]) expectCorrupt(packet().subarray(0, length), 'truncated');
  });

  it('refuses a bad magic, an unknown version, unknown flags, a reserved byte and an unknown format code', () => {
    const cases: [number, number, ImageCorruptReason][] = [
      [0, 0x47, 'magic'],
      [3, 0x4e, 'magic'],
      [4, 0, 'version'],
      [4, 2, 'version'],
      [5, 9, 'format'],
      [5, 0xff, 'format'],
      [6, 3, 'flags'],
      [6, 0b100, 'flags'],
      [6, 0x80, 'flags'],
      [7, 1, 'reserved'],
    ];
    for (const [offset, value, reason] of cases) {
      const bytes = packet();
      bytes[offset] = value;
      expectCorrupt(bytes, reason);
    }
  });

  it('refuses sizes that contradict each other or the compression flag', () => {
    expectCorrupt(packet({ originalSize: 0, storedSize: 0 }), 'size');
    expectCorrupt(packet({ compression: 'none', originalSize: 10, storedSize: 9 }), 'size');
    expectCorrupt(packet({ compression: 'zstd', originalSize: 10, storedSize: 10 }), 'size');
    expectCorrupt(packet({ compression: 'zlib', originalSize: 10, storedSize: 11 }), 'size');
    expectCorrupt(packet({ compression: 'zstd', originalSize: 10, storedSize: 0 }), 'size');
  });

  it('refuses a truncated payload and trailing bytes', () => {
    expectCorrupt(packet({}, 9), 'length');
    expectCorrupt(packet({}, 11), 'length');
    expectCorrupt(packet({}, 0), 'length');
  });

  it('refuses a huge declared size as corrupt when the packet does not hold it, before any allocation', () => {
    const bytes = packet();
    bytes.writeUInt32BE(0xffff_ffff, 8);
    bytes.writeUInt32BE(0xffff_ffff, 12);
    expectCorrupt(bytes, 'length');
  });

  it('refuses an original size over the cap with IMAGE_TOO_LARGE, for plain and compressed packets', () => {
    const plain = firestreamErrorOf(() => readImageHeader(packet({ originalSize: 100, storedSize: 100 }), 99));
    expect(plain.code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(plain.context).toMatchObject({ size: 100, maxBytes: 99 });
    const bomb = firestreamErrorOf(() => readImageHeader(packet({ compression: 'zstd', originalSize: 0xffff_ffff, storedSize: 20 }), MAX));
    expect(bomb.code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(readImageHeader(packet({ originalSize: 99, storedSize: 99 }), 99).originalSize).toBe(99);
  });
});
