import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, InvalidOptionError } from '../../src/errors.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import type { ChunkAddResult } from '../../src/imagery/reassembly-types.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { rawChunk, sha256 } from './chunk-bytes.js';
import { chunked, expectAccounted, record, thrown } from './reassembly-helpers.js';

describe('ImageReassembler round trip', () => {
  it.each([0, 1, 99, 100, 101, 1_000, 12_345])('reassembles an image of %i bytes from in-order chunks', (size) => {
    const { image, set } = chunked(size);
    const reassembler = new ImageReassembler();
    const results = set.chunks.map((c) => reassembler.addChunk(c.bytes));
    const last = results.at(-1);
    expect(results.slice(0, -1).every((r) => r.status === 'pending')).toBe(true);
    expect(last).toMatchObject({ status: 'complete', imageId: set.imageId, sha256: set.sha256, total: set.total, format: 'unknown', serialized: false });
    expect(last?.status === 'complete' && last.image.equals(image)).toBe(true);
    expect(reassembler.getMetrics()).toMatchObject({ imagesInProgress: 0, bytesInProgress: 0, imagesCompleted: 1, chunksAccepted: set.total });
  });

  it('completes exactly once whatever the order and however many duplicates arrive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 20, max: 700 }),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 20 }),
        (size, chunkSizeBytes, order, extra) => {
          const { image, set } = chunked(size, chunkSizeBytes);
          // A random permutation (from the stream) followed by random redeliveries.
          const sequences = set.chunks.map((_, i) => i);
          const it = order[Symbol.iterator]();
          for (let i = sequences.length - 1; i > 0; i -= 1) {
            const j = (it.next().value as number) % (i + 1);
            [sequences[i], sequences[j]] = [sequences[j] as number, sequences[i] as number];
          }
          const deliveries = [...sequences, ...extra.map((n) => n % set.total)];
          const reassembler = new ImageReassembler();
          const results: ChunkAddResult[] = deliveries.map((s) => reassembler.addChunk(set.chunks[s]!.bytes));
          const complete = results.filter((r) => r.status === 'complete');
          expect(complete).toHaveLength(1);
          expect(results.indexOf(complete[0]!)).toBe(set.total - 1);
          expect(complete[0]?.status === 'complete' && complete[0].image.equals(image)).toBe(true);
          expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(extra.length);
          const m = reassembler.getMetrics();
          expect(m).toMatchObject({ duplicateChunks: extra.length, chunksAccepted: set.total, bytesInProgress: 0 });
          expectAccounted(m);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reassembles from chunks of one byte', () => {
    const { image, set } = chunked(200, 1);
    const reassembler = new ImageReassembler();
    const results = [...set.chunks].reverse().map((c) => reassembler.addChunk(c.bytes));
    const last = results.at(-1);
    expect(last?.status === 'complete' && last.image.equals(image)).toBe(true);
  });

  it('interleaves several images and reports progress per image', () => {
    const a = chunked(250);
    const b = chunked(250);
    const reassembler = new ImageReassembler();
    expect(reassembler.addChunk(a.set.chunks[2]!.bytes)).toEqual({ status: 'pending', imageId: a.set.imageId, sequence: 2, received: 1, total: 3 });
    expect(reassembler.addChunk(b.set.chunks[0]!.bytes)).toMatchObject({ status: 'pending', imageId: b.set.imageId, received: 1 });
    expect(reassembler.addChunk(a.set.chunks[2]!.bytes)).toEqual({ status: 'duplicate', imageId: a.set.imageId, sequence: 2, received: 1, total: 3, afterCompletion: false });
    reassembler.addChunk(a.set.chunks[0]!.bytes);
    expect(reassembler.addChunk(a.set.chunks[1]!.bytes).status).toBe('complete');
    expect(reassembler.getMetrics()).toMatchObject({ imagesInProgress: 1, bytesInProgress: 250 });
  });

  it('carries the format and the serialized flag through', () => {
    const image = randomBytes(300);
    const set = new ImageChunkManager({ chunkSizeBytes: 128 }).createChunks(image, { sourceId: 'a', timestamp: 1, format: 'png', serialized: true });
    const reassembler = new ImageReassembler();
    const results = set.chunks.map((c) => reassembler.addChunk(new Uint8Array(c.bytes)));
    expect(results.at(-1)).toMatchObject({ status: 'complete', format: 'png', serialized: true });
  });
});

describe('ImageReassembler integrity', () => {
  it('refuses a corrupt chunk, keeps the image, and completes it from a good redelivery', () => {
    const { image, set } = chunked(300);
    const reassembler = new ImageReassembler();
    const rejected = record(reassembler, 'chunkRejected');
    reassembler.addChunk(set.chunks[0]!.bytes);
    const bad = Buffer.from(set.chunks[1]!.bytes);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(thrown(() => reassembler.addChunk(bad)).code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(rejected).toMatchObject([{ imageId: set.imageId, sequence: 1, reason: 'chunk_checksum' }]);
    expect(reassembler.getMetrics()).toMatchObject({ corruptChunks: 1, imagesInProgress: 1 });
    reassembler.addChunk(set.chunks[2]!.bytes);
    const done = reassembler.addChunk(set.chunks[1]!.bytes);
    expect(done.status === 'complete' && done.image.equals(image)).toBe(true);
  });

  it('does not start an image from a corrupt first chunk', () => {
    const { set } = chunked(300);
    const bad = Buffer.from(set.chunks[0]!.bytes);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
    const reassembler = new ImageReassembler();
    expect(thrown(() => reassembler.addChunk(bad)).code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(reassembler.getMetrics()).toMatchObject({ imagesStarted: 0, bytesInProgress: 0, corruptChunks: 1 });
  });

  it('refuses a chunk of another image under the same id, keeping the image', () => {
    const image = randomBytes(300);
    const first = new ImageChunkManager({ chunkSizeBytes: 100 }).createChunks(image, { sourceId: 'a', timestamp: 1 });
    const reassembler = new ImageReassembler();
    const rejected = record(reassembler, 'chunkRejected');
    reassembler.addChunk(first.chunks[0]!.bytes);
    // Same id, same sizes, another image SHA-256 (a forged or colliding id).
    const data = first.chunks[1]!.bytes.subarray(-100);
    const forged = rawChunk({ imageId: first.imageId, sequence: 1, total: 3, chunkSize: 100, sizeLow: 300, imageSha256: sha256(Buffer.from('other')) }, data);
    const err = thrown(() => reassembler.addChunk(forged));
    expect(err.code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(err.message).toContain('disagrees with earlier chunks on imageSha256');
    expect(rejected.map((e) => e.reason)).toEqual(['inconsistent']);
    // Another image size is another image too, whatever its chunking.
    const other = rawChunk({ imageId: first.imageId, sequence: 0, total: 3, chunkSize: 150, sizeLow: 301, imageSha256: first.chunks[0]!.bytes.subarray(64, 96) }, randomBytes(150));
    expect(thrown(() => reassembler.addChunk(other)).message).toContain('disagrees with earlier chunks on chunkSize');
    expect(rejected.map((e) => e.reason)).toEqual(['inconsistent', 'inconsistent']);
    reassembler.addChunk(first.chunks[1]!.bytes);
    expect(reassembler.addChunk(first.chunks[2]!.bytes).status).toBe('complete');
  });

  it('drops an image whose chunks are each intact but whose whole SHA-256 does not match', () => {
    const data = [Buffer.from('aaaa'), Buffer.from('bbbb')];
    const claimed = sha256(Buffer.from('aaaacccc'));
    const chunks = data.map((d, sequence) => rawChunk({ imageId: 'forged_1_0011223344556677', sequence, total: 2, chunkSize: 4, sizeLow: 8, imageSha256: claimed }, d));
    const reassembler = new ImageReassembler();
    const corrupt = record(reassembler, 'imageCorrupt');
    expect(reassembler.addChunk(chunks[0]!).status).toBe('pending');
    const err = thrown(() => reassembler.addChunk(chunks[1]!));
    expect(err.code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(err.message).toContain(claimed.toString('hex'));
    expect(corrupt).toMatchObject([{ imageId: 'forged_1_0011223344556677', imageSize: 8, total: 2 }]);
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesCorrupt: 1, imagesInProgress: 0, bytesInProgress: 0, completedIdsRemembered: 0 });
    expectAccounted(m);
  });

  it('reports malformed and oversize chunks as rejected with typed errors', () => {
    const reassembler = new ImageReassembler({ maxImageBytes: 1_000 });
    const rejected = record(reassembler, 'chunkRejected');
    expect(thrown(() => reassembler.addChunk(Buffer.from('FSCK'))).code).toBe(ErrorCodes.IMAGE_CORRUPT);
    const big = rawChunk({ imageId: 'big_1_0011223344556677', sizeLow: 1_001, chunkSize: 1_001, dataLength: 1_001 }, Buffer.alloc(0));
    expect(thrown(() => reassembler.addChunk(big)).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(rejected.map((e) => [e.reason, e.imageId])).toEqual([
      ['malformed', undefined],
      ['too_large', 'big_1_0011223344556677'],
    ]);
    expect(reassembler.getMetrics()).toMatchObject({ corruptChunks: 1, oversizeChunks: 1, bytesInProgress: 0 });
  });
});

describe('ImageReassembler duplicates after completion', () => {
  it('reports late chunks of a completed image as duplicates instead of starting it again', () => {
    const { set } = chunked(250);
    const reassembler = new ImageReassembler();
    for (const c of set.chunks) reassembler.addChunk(c.bytes);
    expect(reassembler.addChunk(set.chunks[1]!.bytes)).toEqual({ status: 'duplicate', imageId: set.imageId, sequence: 1, received: 3, total: 3, afterCompletion: true });
    expect(reassembler.getMetrics()).toMatchObject({ imagesInProgress: 0, duplicateChunks: 1, completedIdsRemembered: 1 });
  });

  it('remembers a bounded number of completed ids, least recently used first out', () => {
    const [a, b, c] = [chunked(50), chunked(50), chunked(50)].map(({ set }) => set.chunks[0]!.bytes);
    const reassembler = new ImageReassembler({ rememberCompleted: 2 });
    reassembler.addChunk(a!);
    reassembler.addChunk(b!);
    expect(reassembler.addChunk(a!).status).toBe('duplicate'); // a is now the most recent
    reassembler.addChunk(c!); // b, the least recently used, is forgotten
    expect(reassembler.getMetrics().completedIdsRemembered).toBe(2);
    expect(reassembler.addChunk(a!).status).toBe('duplicate');
    expect(reassembler.addChunk(b!).status).toBe('complete');
  });

  it('remembers none with rememberCompleted 0', () => {
    const { set } = chunked(50);
    const reassembler = new ImageReassembler({ rememberCompleted: 0 });
    expect(reassembler.addChunk(set.chunks[0]!.bytes).status).toBe('complete');
    expect(reassembler.addChunk(set.chunks[0]!.bytes).status).toBe('complete');
  });
});

describe('ImageReassembler expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops an image still incomplete reassemblyTimeoutMs after its first chunk, with an event', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock });
    const incomplete = record(reassembler, 'incomplete');
    const { set } = chunked(300);
    reassembler.addChunk(set.chunks[0]!.bytes);
    clock.advance(200_000);
    reassembler.addChunk(set.chunks[1]!.bytes);
    clock.advance(99_999);
    expect(reassembler.sweep()).toBe(0);
    clock.advance(1);
    expect(reassembler.sweep()).toBe(1);
    expect(incomplete).toMatchObject([{ imageId: set.imageId, received: 2, total: 3, imageSize: 300, ageMs: 300_000, reason: 'timeout' }]);
    expect(incomplete[0]?.error.code).toBe(ErrorCodes.IMAGE_INCOMPLETE);
    expect(incomplete[0]?.error.message).toBe(`Image ${set.imageId} did not complete: 2 of 3 chunks arrived in 300000 ms (timeout).`);
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesExpired: 1, imagesInProgress: 0, bytesInProgress: 0 });
    expectAccounted(m);
  });

  it('expires lazily on addChunk, and a redelivery from chunk 0 starts the image afresh', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, reassemblyTimeoutMs: 1_000 });
    const incomplete = record(reassembler, 'incomplete');
    const { image, set } = chunked(300);
    reassembler.addChunk(set.chunks[0]!.bytes);
    clock.advance(1_000);
    expect(thrown(() => reassembler.addChunk(set.chunks[1]!.bytes)).code).toBe(ErrorCodes.IMAGE_INCOMPLETE);
    expect(incomplete.map((e) => e.reason)).toEqual(['timeout']);
    const results = set.chunks.map((c) => reassembler.addChunk(c.bytes));
    expect(results.map((r) => r.status)).toEqual(['pending', 'pending', 'complete']);
    const last = results.at(-1);
    expect(last?.status === 'complete' && last.image.equals(image)).toBe(true);
  });

  it('sweeps on its own unref-ed timer when sweepIntervalMs is set, until close()', () => {
    vi.useFakeTimers();
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, reassemblyTimeoutMs: 1_000, sweepIntervalMs: 500 });
    const incomplete = record(reassembler, 'incomplete');
    const a = chunked(300);
    reassembler.addChunk(a.set.chunks[0]!.bytes);
    clock.advance(1_000);
    vi.advanceTimersByTime(500);
    expect(incomplete.map((e) => e.reason)).toEqual(['timeout']);
    const b = chunked(300);
    reassembler.addChunk(b.set.chunks[0]!.bytes);
    reassembler.close();
    expect(incomplete.map((e) => e.reason)).toEqual(['timeout', 'closed']);
    clock.advance(5_000);
    vi.advanceTimersByTime(5_000);
    expect(vi.getTimerCount()).toBe(0);
    expectAccounted(reassembler.getMetrics());
  });
});

describe('ImageReassembler memory cap', () => {
  it('refuses maxImageBytes over maxReassemblyBytes, and defaults it under the cap', () => {
    expect(thrown(() => new ImageReassembler({ maxReassemblyBytes: 1_000, maxImageBytes: 1_001 }))).toBeInstanceOf(InvalidOptionError);
    const reassembler = new ImageReassembler({ maxReassemblyBytes: 1_000 });
    expect(thrown(() => reassembler.addChunk(chunked(1_001, 2_000).set.chunks[0]!.bytes)).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(thrown(() => new ImageReassembler({ reassemblyTimeoutMs: 0 })).message).toContain('"reassemblyTimeoutMs"');
  });
});

describe('ImageReassembler listeners', () => {
  it('keeps working when a listener throws', () => {
    const reassembler = new ImageReassembler();
    reassembler.on('complete', () => {
      throw new Error('listener bug');
    });
    const { set } = chunked(50);
    expect(reassembler.addChunk(set.chunks[0]!.bytes).status).toBe('complete');
  });
});
