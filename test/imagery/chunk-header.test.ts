import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { CHUNK_FIXED_HEADER_BYTES, chunkCount, parseImageChunk, verifyChunkData } from '../../src/imagery/chunk-header.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import { firestreamErrorOf, rawChunk, resealInPlace, sha256 } from './chunk-bytes.js';

const MAX = 1_048_576;
const limits = { maxImageBytes: MAX };
const TYPED = new Set<string>([ErrorCodes.IMAGE_CORRUPT, ErrorCodes.IMAGE_TOO_LARGE, ErrorCodes.IMAGE_INCOMPLETE]);

const codeOf = (fn: () => unknown): string | undefined => firestreamErrorOf(fn)?.code;

function sampleChunks(size = 2_500, chunkSizeBytes = 1_000) {
  const manager = new ImageChunkManager({ chunkSizeBytes });
  return manager.createChunks(randomBytes(size), { sourceId: 'landsat_9', timestamp: 1_767_225_600_000 });
}

describe('chunk wire format', () => {
  it('is the documented layout, byte for byte', () => {
    const image = randomBytes(2_500);
    const set = new ImageChunkManager({ chunkSizeBytes: 1_000 }).createChunks(image, { sourceId: 'landsat_9', timestamp: 5, format: 'jp2', serialized: true });
    expect(set.imageId).toBe(`landsat_9_5_${sha256(image).toString('hex').slice(0, 16)}`);
    set.chunks.forEach((chunk, sequence) => {
      const data = image.subarray(sequence * 1_000, Math.min(2_500, (sequence + 1) * 1_000));
      const expected = rawChunk({ imageId: set.imageId, flags: 1, formatCode: 3, sequence, total: 3, chunkSize: 1_000, sizeLow: 2_500, imageSha256: sha256(image) }, data);
      expect(chunk.bytes.equals(expected)).toBe(true);
      expect(chunk.bytes.length).toBe(CHUNK_FIXED_HEADER_BYTES + set.imageId.length + data.length);
    });
  });

  it('parses what it writes, with views into the message', () => {
    const set = sampleChunks();
    const last = parseImageChunk(set.chunks[2]!.bytes, limits);
    expect(last).toMatchObject({ imageId: set.imageId, sequence: 2, total: 3, chunkSize: 1_000, imageSize: 2_500, formatCode: 0, serialized: false });
    expect(last.data.length).toBe(500);
    expect(last.data.buffer).toBe(set.chunks[2]!.bytes.buffer);
    expect(last.chunkSha256.toString('hex')).toBe(set.chunks[2]!.sha256);
    expect(last.imageSha256.toString('hex')).toBe(set.sha256);
    expect(() => verifyChunkData(last)).not.toThrow();
  });

  it('reads a plain Uint8Array as well as a Buffer', () => {
    const bytes = sampleChunks().chunks[0]!.bytes;
    const copy = new Uint8Array(bytes.length + 8).subarray(4, 4 + bytes.length);
    copy.set(bytes);
    expect(parseImageChunk(copy, limits).sequence).toBe(0);
  });

  it('counts chunks: an empty image has one, exact multiples have no short chunk', () => {
    expect(chunkCount(0, 10)).toBe(1);
    expect(chunkCount(1, 10)).toBe(1);
    expect(chunkCount(10, 10)).toBe(1);
    expect(chunkCount(11, 10)).toBe(2);
    expect(chunkCount(2 ** 40 + 1, 2 ** 20)).toBe(2 ** 20 + 1);
  });
});

describe('strict parsing', () => {
  const data = Buffer.from('0123456789');
  const id = 'src_1_0123456789abcdef';
  const corrupt = (message: Buffer) => codeOf(() => parseImageChunk(message, limits));

  it.each([
    ['bad magic', { magic: 'FSCX' }],
    ['an unknown version', { version: 2 }],
    ['unknown flag bits', { flags: 0x82 }],
    ['total 0', { total: 0 }],
    ['sequence equal to total', { sequence: 1 }],
    ['chunk size 0', { chunkSize: 0 }],
    ['a total that does not match size and chunk size', { total: 2, sequence: 1, chunkSize: 10 }],
    ['a data length that differs from the chunk it must be', { dataLength: 9 }],
    ['a last chunk longer than the rest of the image', { total: 2, sequence: 1, chunkSize: 10, sizeLow: 15 }],
    ['a chunk that is not the last and shorter than the chunk size', { total: 2, chunkSize: 11, sizeLow: 15 }],
  ])('refuses %s as corrupt', (_name, fields) => {
    expect(corrupt(rawChunk({ imageId: id, ...fields }, data))).toBe(ErrorCodes.IMAGE_CORRUPT);
  });

  it('refuses image ids with characters outside the charset, even with a valid header check', () => {
    for (const bad of ['has space', 'slash/id', 'ümlaut', 'semi;colon', '\u0000']) {
      expect(corrupt(rawChunk({ imageId: bad, idLength: Buffer.byteLength(bad, 'latin1') }, data))).toBe(ErrorCodes.IMAGE_CORRUPT);
    }
    expect(corrupt(rawChunk({ imageId: 'x', idLength: 0 }, data))).toBe(ErrorCodes.IMAGE_CORRUPT);
  });

  it('refuses a changed header through its check, and extra or missing data bytes', () => {
    const good = rawChunk({ imageId: id }, data);
    const flipped = Buffer.from(good);
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    expect(corrupt(flipped)).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(corrupt(Buffer.concat([good, Buffer.from([0])]))).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(corrupt(good.subarray(0, good.length - 1))).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(codeOf(() => parseImageChunk('not bytes' as unknown as Uint8Array, limits))).toBe(ErrorCodes.IMAGE_CORRUPT);
  });

  it('refuses an announced image over the limit as too large, before any other check', () => {
    expect(corrupt(rawChunk({ imageId: id, sizeLow: MAX + 1 }, data))).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(corrupt(rawChunk({ imageId: id, sizeHigh: 0xffff_ffff, sizeLow: 0xffff_ffff }, data))).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(corrupt(rawChunk({ imageId: id, sizeHigh: 0x20_0000 }, data))).toBe(ErrorCodes.IMAGE_TOO_LARGE);
  });

  it('accepts images of 4 GiB and more when the limit allows them', () => {
    const chunkSize = 2 ** 31;
    const imageSize = 2 ** 32 + 10;
    const tail = rawChunk({ imageId: id, sequence: 2, total: 3, chunkSize, dataLength: 10, sizeHigh: 1, sizeLow: 10 }, data);
    const parsed = parseImageChunk(tail, { maxImageBytes: 2 ** 33 });
    expect(parsed).toMatchObject({ imageSize, total: 3, sequence: 2 });
    expect(codeOf(() => parseImageChunk(tail, { maxImageBytes: 2 ** 32 }))).toBe(ErrorCodes.IMAGE_TOO_LARGE);
  });

  it('names the bad value in the message', () => {
    expect(() => parseImageChunk(rawChunk({ imageId: id, sequence: 7 }, data), limits)).toThrow(/sequence 7 is not below the total 1/);
  });
});

describe('fuzzing chunk parsing', () => {
  const set = sampleChunks(1_200, 400);
  const message = set.chunks[1]!.bytes;

  it('refuses every truncation with a typed error', () => {
    for (let length = 0; length < message.length; length += 1) {
      expect(codeOf(() => parseImageChunk(message.subarray(0, length), limits))).toBe(ErrorCodes.IMAGE_CORRUPT);
    }
  });

  it('never accepts a bit flip: the parser, the chunk checksum or the reassembler catches it', () => {
    fc.assert(
      fc.property(fc.nat(message.length * 8 - 1), (bit) => {
        const flipped = Buffer.from(message);
        flipped[bit >>> 3] = (flipped[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
        const reassembler = new ImageReassembler({ maxReassemblyBytes: 4 * MAX, maxImageBytes: MAX });
        const code = codeOf(() => reassembler.addChunk(flipped));
        expect(code).toBe(ErrorCodes.IMAGE_CORRUPT);
        expect(reassembler.getMetrics().bytesInProgress).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  const fields = fc.record({
    flags: fc.constantFrom(0, 1, 2, 0xff),
    sequence: fc.oneof(fc.nat(4), fc.constant(0xffff_ffff)),
    total: fc.oneof(fc.nat(4), fc.constant(0xffff_ffff)),
    chunkSize: fc.oneof(fc.nat(64), fc.constant(0xffff_ffff)),
    dataLength: fc.oneof(fc.nat(64), fc.constant(0xffff_ffff)),
    sizeHigh: fc.oneof(fc.constant(0), fc.nat(), fc.constant(0xffff_ffff)),
    sizeLow: fc.oneof(fc.nat(256), fc.constant(0xffff_ffff)),
  });

  it('resealed headers with arbitrary (and huge) length fields give a consistent chunk or a typed error', () => {
    fc.assert(
      fc.property(fields, fc.uint8Array({ maxLength: 300 }), (f, bytes) => {
        const data = Buffer.from(bytes);
        const message = rawChunk({ imageId: 'fuzz_1_0011223344556677', ...f }, data);
        let parsed;
        try {
          parsed = parseImageChunk(message, limits);
        } catch (err) {
          expect(err).toBeInstanceOf(FirestreamError);
          expect(TYPED.has((err as FirestreamError).code)).toBe(true);
          return;
        }
        expect(parsed.imageSize).toBeLessThanOrEqual(MAX);
        expect(parsed.sequence).toBeLessThan(parsed.total);
        expect(parsed.total).toBe(chunkCount(parsed.imageSize, parsed.chunkSize));
        expect(parsed.data.length).toBe(data.length);
      }),
      { numRuns: 600 },
    );
  });

  it('random bytes and random mutations of a good chunk give typed errors only', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.nat(message.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
            const mutated = Buffer.from(message);
            mutated[at] = value;
            return resealInPlace(mutated);
          }),
        ),
        (candidate) => {
          const code = codeOf(() => {
            const parsed = parseImageChunk(candidate, limits);
            verifyChunkData(parsed);
          });
          if (code !== undefined) expect(TYPED.has(code)).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('keeps the memory held by a reassembler fed crafted chunks under its cap', () => {
    const cap = 64 * 1_024;
    const reassembler = new ImageReassembler({ maxReassemblyBytes: cap, maxImageBytes: cap });
    let id = 0;
    fc.assert(
      fc.property(fc.nat(4), fc.integer({ min: 1, max: 40_000 }), fc.integer({ min: 0, max: 3 * cap }), (sequence, chunkSize, imageSize) => {
        const total = chunkCount(imageSize, chunkSize);
        const dataLength = sequence < total - 1 ? chunkSize : Math.max(0, imageSize - (total - 1) * chunkSize);
        const data = Buffer.alloc(Math.min(dataLength, 40_000), 7);
        id += 1;
        const message = rawChunk({ imageId: `cap_${id}_0011223344556677`, sequence, total, chunkSize, dataLength: data.length, sizeLow: imageSize }, data);
        const code = codeOf(() => reassembler.addChunk(message));
        if (code !== undefined) expect(TYPED.has(code)).toBe(true);
        expect(reassembler.getMetrics().bytesInProgress).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 300 },
    );
    expect(reassembler.getMetrics().imagesStarted).toBeGreaterThan(0);
  });
});
