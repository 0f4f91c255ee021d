import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as zstdNapi from 'zstd-napi';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { BinaryImageSerializer } from '../../src/imagery/binary-image-serializer.js';
import type { ImageCompression } from '../../src/imagery/image-header.js';
import { IMAGE_HEADER_BYTES, writeImageHeader } from '../../src/imagery/image-header.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

const CAP = 64 * 1024;
const serializer = new BinaryImageSerializer({ maxImageBytes: CAP, clock: new FakeClock(), skipCompressionFormats: [] });
const meta = { sourceId: 'fuzz' };

/** A small TIFF-like image: a header, a compressible ramp, then pseudo-random bytes. */
function tiff(bytes: number, seed: number): Buffer {
  const data = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = i < bytes / 2 ? (i >> 4) & 0xff : x & 0xff;
  }
  Buffer.from('49492a00', 'hex').copy(data, 0);
  return data;
}

/** XORs byte `index` of `bytes` with `mask`. */
function flip(bytes: Buffer, index: number, mask: number): void {
  bytes[index] = (bytes[index] as number) ^ mask;
}

const IMAGE_CODES: readonly string[] = [ErrorCodes.IMAGE_CORRUPT, ErrorCodes.IMAGE_TOO_LARGE];

/** Deserializes `packet`: returns the data, or the error after checking it is a typed IMAGE_* error. */
async function outcome(packet: Uint8Array, options: { correlationId?: string } = {}): Promise<Buffer | FirestreamError> {
  try {
    return (await serializer.deserializeImage(packet, options)).data;
  } catch (err) {
    if (!(err instanceof FirestreamError) || !IMAGE_CODES.includes(err.code)) throw new Error(`untyped failure: ${String(err)}`, { cause: err });
    return err;
  }
}

/** A packet with a well-formed header around an arbitrary payload (checksum of `original`). */
function craft(compression: ImageCompression, original: Buffer, payload: Buffer, originalSize = original.length): Buffer {
  const packet = Buffer.alloc(IMAGE_HEADER_BYTES + payload.length);
  const sha256 = createHash('sha256').update(original).digest();
  writeImageHeader(packet, { format: 'tiff', compression, originalSize, storedSize: payload.length, sha256 });
  payload.copy(packet, IMAGE_HEADER_BYTES);
  return packet;
}

const packets: { name: string; data: Buffer; packet: Buffer; correlationId: string }[] = [];

beforeAll(async () => {
  for (const [name, options] of [['plain', { compression: 'none' }], ['zstd', {}], ['zlib', { compression: 'zlib' }]] as const) {
    const s = new BinaryImageSerializer({ clock: new FakeClock(), ...options });
    const data = tiff(256, 7);
    const { packet, correlationId, metadataMessage } = await s.serializeImage(data, meta);
    expect(metadataMessage.compression).toBe(name === 'plain' ? 'none' : name);
    packets.push({ name, data, packet, correlationId });
  }
});

describe('fuzzing packet parsing', () => {
  it('refuses every truncation and every trailing extension as corrupt', async () => {
    for (const { packet } of packets) {
      for (let length = 0; length < packet.length; length += 1) {
        expect(await outcome(packet.subarray(0, length))).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT });
      }
      for (const extra of [1, 2, 47, 1000]) {
        expect(await outcome(Buffer.concat([packet, Buffer.alloc(extra, 0xa5)]))).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'length' } });
      }
    }
  });

  it('detects every single-bit flip in the header of each packet kind', async () => {
    for (const { packet, data } of packets) {
      for (let bit = 0; bit < IMAGE_HEADER_BYTES * 8; bit += 1) {
        const flipped = Buffer.from(packet);
        flip(flipped, bit >> 3, 1 << (bit & 7));
        const result = await outcome(flipped);
        expect(result instanceof FirestreamError, `bit ${bit} (image intact: ${Buffer.isBuffer(result) && result.equals(data)})`).toBe(true);
      }
    }
  });

  it('random bit flips anywhere give a typed error or the exact original image', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), async (which, bits) => {
        const { packet, data, correlationId } = packets[which] as (typeof packets)[number];
        const flipped = Buffer.from(packet);
        for (const bit of bits) flip(flipped, (bit >> 3) % flipped.length, 1 << (bit & 7));
        const result = await outcome(flipped, { correlationId });
        if (Buffer.isBuffer(result)) expect(result.equals(data)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('huge or arbitrary length fields give a typed error before any allocation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2), fc.oneof(fc.constantFrom(0, 1, CAP, CAP + 1, 0x7fff_ffff, 0xffff_ffff), fc.nat({ max: 0xffff_ffff })), fc.oneof(fc.constantFrom(0, 0xffff_ffff), fc.nat({ max: 0xffff_ffff })), async (which, originalSize, storedSize) => {
        const packet = Buffer.from((packets[which] as (typeof packets)[number]).packet);
        packet.writeUInt32BE(originalSize, 8);
        packet.writeUInt32BE(storedSize, 12);
        const before = process.memoryUsage().arrayBuffers;
        const result = await outcome(packet);
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(CAP * 4);
        if (Buffer.isBuffer(result)) expect(result.equals((packets[which] as (typeof packets)[number]).data)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('random buffers, with and without a valid header prefix, give typed errors', async () => {
    const prefix = fc.constantFrom(Buffer.alloc(0), Buffer.from('FSIM'), Buffer.from('4653494d01', 'hex'), Buffer.from('4653494d010101', 'hex'), Buffer.from('4653494d01010200', 'hex'));
    await fc.assert(
      fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 200 }), async (head, tail) => {
        expect(await outcome(Buffer.concat([head, tail]))).toBeInstanceOf(FirestreamError);
      }),
      { numRuns: 200 },
    );
  });

  it('well-formed headers around arbitrary compressed payloads give a typed error or the exact image', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<ImageCompression>('zstd', 'zlib'), fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: CAP }), async (compression, payload, originalSize) => {
        const original = tiff(Math.max(originalSize, payload.length + 1), 3);
        const result = await outcome(craft(compression, original, Buffer.from(payload), Math.max(originalSize, payload.length + 1)));
        if (Buffer.isBuffer(result)) expect(result.equals(original)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps allocation under the cap for decompression bombs declaring a small size', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const bombs: [ImageCompression, Buffer][] = [['zstd', zstdNapi.compress(zeros)], ['zlib', deflateSync(zeros)]];
    for (const [compression, payload] of bombs) {
      for (const declared of [CAP, payload.length + 1]) {
        const before = process.memoryUsage().arrayBuffers;
        expect(await outcome(craft(compression, zeros.subarray(0, declared), payload, declared))).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'compression' } });
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(CAP * 4);
      }
    }
  });

  it('keeps allocation bounded over many corrupt packets', async () => {
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let i = 0; i < 1000; i += 1) {
      const { packet } = packets[i % 3] as (typeof packets)[number];
      const bad = Buffer.from(packet);
      flip(bad, IMAGE_HEADER_BYTES + (i % (bad.length - IMAGE_HEADER_BYTES)), 0x10);
      bad.writeUInt32BE(i % 2 === 0 ? 0xffff_ffff : bad.readUInt32BE(8), 8);
      await outcome(bad);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  });
});
