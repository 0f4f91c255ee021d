import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImagesSchema } from '../../src/config/schema/images.js';
import { ErrorCodes } from '../../src/errors.js';
import { DEFAULT_EVICT_AFTER_IDLE_MS, imageReassemblerOptionsFromConfig } from '../../src/imagery/chunk-options.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import type { ImageChunkSet } from '../../src/imagery/image-chunk-manager.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { chunked, expectAccounted, outcome, record, thrown } from './reassembly-helpers.js';

const TOO_LARGE = `${ErrorCodes.IMAGE_TOO_LARGE}:memory_cap`;
const LATE = `${ErrorCodes.IMAGE_INCOMPLETE}:late`;

/** Round robin over the images' chunks: chunk 0 of each, then chunk 1 of each, … */
function interleave(sets: readonly ImageChunkSet[]): Buffer[] {
  const rounds = Math.max(...sets.map((s) => s.total));
  const out: Buffer[] = [];
  for (let seq = 0; seq < rounds; seq += 1) for (const set of sets) if (seq < set.total) out.push(set.chunks[seq]!.bytes);
  return out;
}

describe('memory-cap eviction livelock', () => {
  it('completes the images in progress when interleaved images exceed the cap, instead of evicting them for newcomers', () => {
    const reassembler = new ImageReassembler({ clock: new FakeClock(), maxReassemblyBytes: 2_100, maxImageBytes: 1_000 });
    const sets = [chunked(1_000), chunked(1_000), chunked(1_000)].map((c) => c.set);
    const outcomes = interleave(sets).map((bytes) => outcome(reassembler, bytes));
    // A and B complete; C's chunk 0 is refused (retryable) and its later chunks are late, allocating nothing.
    expect(outcomes.filter((o) => o === 'complete')).toHaveLength(2);
    expect(outcomes.slice(0, 3)).toEqual(['pending', 'pending', TOO_LARGE]);
    expect(outcomes.slice(3).filter((_, i) => i % 3 === 2)).toEqual(Array(9).fill(LATE));
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesStarted: 2, imagesCompleted: 2, imagesEvicted: 0, memoryCapRefusals: 1, lateChunks: 9, bytesInProgress: 0 });
    expectAccounted(m);
  });

  it('completes at least cap / image size of any number of interleaved images, and never restarts one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 }), (images, fit, chunks) => {
        const size = chunks * 50;
        const reassembler = new ImageReassembler({ clock: new FakeClock(), maxReassemblyBytes: fit * size, maxImageBytes: size });
        const sets = Array.from({ length: images }, () => chunked(size, 50).set);
        let maxBytes = 0;
        for (const bytes of interleave(sets)) {
          outcome(reassembler, bytes);
          maxBytes = Math.max(maxBytes, reassembler.getMetrics().bytesInProgress);
        }
        const m = reassembler.getMetrics();
        expect(m.imagesCompleted).toBeGreaterThanOrEqual(Math.min(images, fit));
        expect(m.imagesStarted).toBeLessThanOrEqual(images);
        expect(m.imagesEvicted).toBe(0);
        expect(maxBytes).toBeLessThanOrEqual(fit * size);
        expectAccounted(m);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses the newcomer with a retryable memory_cap error, and takes chunk 0 again once there is room', () => {
    const reassembler = new ImageReassembler({ clock: new FakeClock(), maxReassemblyBytes: 1_000, maxImageBytes: 1_000 });
    const rejected = record(reassembler, 'chunkRejected');
    const a = chunked(1_000).set;
    const b = chunked(500);
    reassembler.addChunk(a.chunks[0]!.bytes);
    const err = thrown(() => reassembler.addChunk(b.set.chunks[0]!.bytes));
    expect(err).toMatchObject({ code: ErrorCodes.IMAGE_TOO_LARGE, retryable: true, context: { reason: 'memory_cap', imageId: b.set.imageId, bytesInProgress: 1_000 } });
    expect(err.message).toContain('add it again later');
    expect(rejected).toMatchObject([{ imageId: b.set.imageId, sequence: 0, reason: 'memory_cap' }]);
    for (const chunk of a.chunks.slice(1)) reassembler.addChunk(chunk.bytes);
    const results = b.set.chunks.map((c) => reassembler.addChunk(c.bytes));
    const last = results.at(-1);
    expect(last?.status === 'complete' && last.image.equals(b.image)).toBe(true);
  });

  it('refuses a first-seen chunk other than chunk 0 as not retryable: the image then starts only from chunk 0', () => {
    const reassembler = new ImageReassembler({ clock: new FakeClock(), maxReassemblyBytes: 1_000, maxImageBytes: 1_000 });
    const a = chunked(1_000).set;
    const b = chunked(500).set;
    reassembler.addChunk(a.chunks[0]!.bytes);
    expect(thrown(() => reassembler.addChunk(b.chunks[3]!.bytes))).toMatchObject({ code: ErrorCodes.IMAGE_TOO_LARGE, retryable: false });
    for (const chunk of a.chunks.slice(1)) reassembler.addChunk(chunk.bytes);
    expect(outcome(reassembler, b.chunks[3]!.bytes)).toBe(LATE);
    expect(b.chunks.map((c) => outcome(reassembler, c.bytes)).at(-1)).toBe('complete');
  });

  it('evicts images idle for evictAfterIdleMs, least recently active first, and only as many as needed', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, maxReassemblyBytes: 3_000, maxImageBytes: 1_000 });
    const incomplete = record(reassembler, 'incomplete');
    const [a, b, c, d] = [chunked(1_000).set, chunked(1_000).set, chunked(1_000).set, chunked(1_000).set];
    reassembler.addChunk(a!.chunks[0]!.bytes);
    reassembler.addChunk(b!.chunks[0]!.bytes);
    reassembler.addChunk(c!.chunks[0]!.bytes);
    reassembler.addChunk(a!.chunks[1]!.bytes); // A is now the most recently active
    clock.advance(DEFAULT_EVICT_AFTER_IDLE_MS - 1);
    expect(outcome(reassembler, d!.chunks[0]!.bytes)).toBe(TOO_LARGE);
    clock.advance(1);
    expect(outcome(reassembler, d!.chunks[0]!.bytes)).toBe('pending');
    expect(incomplete).toMatchObject([{ imageId: b!.imageId, reason: 'memory_cap', received: 1 }]);
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesEvicted: 1, imagesInProgress: 3, bytesInProgress: 3_000 });
    expectAccounted(m);
  });

  it('evicts nothing when the idle images together cannot make room', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, maxReassemblyBytes: 1_000, maxImageBytes: 1_000, evictAfterIdleMs: 10 });
    const small = chunked(400).set;
    const busy = chunked(500).set;
    reassembler.addChunk(small.chunks[0]!.bytes);
    clock.advance(10);
    reassembler.addChunk(busy.chunks[0]!.bytes);
    expect(outcome(reassembler, chunked(700).set.chunks[0]!.bytes)).toBe(TOO_LARGE);
    expect(reassembler.getMetrics()).toMatchObject({ imagesEvicted: 0, imagesInProgress: 2 });
  });

  it('keeps the new image its room when an eviction listener adds chunks', () => {
    const reassembler = new ImageReassembler({ clock: new FakeClock(), maxReassemblyBytes: 2_000, maxImageBytes: 1_000, evictAfterIdleMs: 0 });
    const [a, b, c, d] = [chunked(1_000).set, chunked(1_000).set, chunked(1_000).set, chunked(1_000).set];
    reassembler.addChunk(a!.chunks[0]!.bytes);
    reassembler.addChunk(b!.chunks[0]!.bytes);
    const seen: string[] = [];
    reassembler.on('incomplete', () => seen.push(outcome(reassembler, d!.chunks[0]!.bytes)));
    expect(outcome(reassembler, c!.chunks[0]!.bytes)).toBe('pending');
    // C evicted A; reporting that, D0 evicted B, and reporting that, D0 came again as a duplicate.
    expect(seen).toEqual(['duplicate', 'pending']);
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesInProgress: 2, bytesInProgress: 2_000, imagesEvicted: 2, chunksAccepted: 4 });
    expectAccounted(m);
    expect(reassembler.addChunk(c!.chunks[1]!.bytes)).toMatchObject({ status: 'pending', received: 2 });
    expect(reassembler.addChunk(d!.chunks[1]!.bytes)).toMatchObject({ status: 'pending', received: 2 });
  });
});

describe('late chunk of an expired image', () => {
  it('is refused without allocating, and never evicts a healthy image', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, maxReassemblyBytes: 2_100, maxImageBytes: 1_000, evictAfterIdleMs: 0 });
    const incomplete = record(reassembler, 'incomplete');
    const late = chunked(1_000).set;
    for (const chunk of late.chunks.slice(0, 9)) reassembler.addChunk(chunk.bytes);
    clock.advance(300_000);
    const good = [chunked(1_000).set, chunked(1_000).set];
    for (const set of good) reassembler.addChunk(set.chunks[0]!.bytes);
    const err = thrown(() => reassembler.addChunk(late.chunks[9]!.bytes));
    expect(err).toMatchObject({ code: ErrorCodes.IMAGE_INCOMPLETE, retryable: false, context: { reason: 'late', droppedReason: 'timeout', imageId: late.imageId, sequence: 9 } });
    expect(incomplete.map((e) => e.reason)).toEqual(['timeout']);
    expect(reassembler.getMetrics()).toMatchObject({ imagesInProgress: 2, bytesInProgress: 2_000, lateChunks: 1, imagesStarted: 3, droppedIdsRemembered: 1 });
    for (const set of good) expect(set.chunks.slice(1).map((c) => outcome(reassembler, c.bytes)).at(-1)).toBe('complete');
  });

  it('is refused after an eviction too, until reassemblyTimeoutMs after the drop', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, maxReassemblyBytes: 1_000, maxImageBytes: 1_000, reassemblyTimeoutMs: 1_000, evictAfterIdleMs: 100 });
    const evicted = chunked(1_000).set;
    reassembler.addChunk(evicted.chunks[0]!.bytes);
    clock.advance(100);
    reassembler.addChunk(chunked(1_000).set.chunks[0]!.bytes);
    expect(reassembler.getMetrics().imagesEvicted).toBe(1);
    expect(thrown(() => reassembler.addChunk(evicted.chunks[1]!.bytes)).context).toMatchObject({ reason: 'late', droppedReason: 'memory_cap' });
    clock.advance(999);
    expect(outcome(reassembler, evicted.chunks[1]!.bytes)).toBe(LATE);
    clock.advance(1); // the other image expires too, and the eviction is forgotten
    expect(outcome(reassembler, evicted.chunks[1]!.bytes)).toBe('pending');
  });

  it('remembers at most rememberDropped ids, and none with 0', () => {
    const clock = new FakeClock();
    const reassembler = new ImageReassembler({ clock, reassemblyTimeoutMs: 1_000, rememberDropped: 2 });
    const sets = [chunked(200).set, chunked(200).set, chunked(200).set];
    for (const set of sets) reassembler.addChunk(set.chunks[0]!.bytes);
    clock.advance(1_000);
    reassembler.sweep();
    expect(reassembler.getMetrics().droppedIdsRemembered).toBe(2);
    expect(sets.map((set) => outcome(reassembler, set.chunks[1]!.bytes))).toEqual(['pending', LATE, LATE]);
    const forgetful = new ImageReassembler({ clock, reassemblyTimeoutMs: 1_000, rememberDropped: 0 });
    forgetful.addChunk(sets[0]!.chunks[0]!.bytes);
    clock.advance(1_000);
    expect(outcome(forgetful, sets[0]!.chunks[1]!.bytes)).toBe('pending');
  });
});

describe('reassembly cap at the config boundary', () => {
  it('admits an image of exactly maxReassemblyBytes, as the config (maxReassemblyBytes == chunkedMaxBytes) allows', () => {
    const images = ImagesSchema.parse({ directMaxBytes: 100, chunkSizeBytes: 10, chunkedMaxBytes: 1_000, maxReassemblyBytes: 1_000 });
    const reassembler = new ImageReassembler(imageReassemblerOptionsFromConfig({ images }));
    // 1-byte chunks: the largest bitmap (125 bytes) for this image; it is not counted against the cap.
    const image = randomBytes(1_000);
    const set = new ImageChunkManager({ chunkSizeBytes: 1, maxImageBytes: images.chunkedMaxBytes }).createChunks(image, { sourceId: 'edge', timestamp: 1 });
    let result = reassembler.addChunk(set.chunks[0]!.bytes);
    expect(reassembler.getMetrics()).toMatchObject({ bytesInProgress: 1_000, maxReassemblyBytes: 1_000 });
    for (const chunk of set.chunks.slice(1)) result = reassembler.addChunk(chunk.bytes);
    expect(result.status === 'complete' && result.image.equals(image)).toBe(true);
    expect(thrown(() => reassembler.addChunk(chunked(1_001, 1_001).set.chunks[0]!.bytes))).toMatchObject({ code: ErrorCodes.IMAGE_TOO_LARGE, context: { maxImageBytes: 1_000 } });
    // One byte less than the largest chunked image is what the config refuses.
    expect(ImagesSchema.safeParse({ directMaxBytes: 100, chunkSizeBytes: 10, chunkedMaxBytes: 1_000, maxReassemblyBytes: 999 }).success).toBe(false);
  });
});

describe('same image re-chunked under the same id', () => {
  function twoChunkings(): { image: Buffer; first: ImageChunkSet; second: ImageChunkSet } {
    const image = randomBytes(1_000);
    const first = new ImageChunkManager({ chunkSizeBytes: 100 }).createChunks(image, { sourceId: 's', timestamp: 7 });
    const second = new ImageChunkManager({ chunkSizeBytes: 300 }).createChunks(image, { sourceId: 's', timestamp: 7 });
    expect(second.imageId).toBe(first.imageId);
    return { image, first, second };
  }

  it('supersedes the earlier attempt instead of being refused forever', () => {
    const { image, first, second } = twoChunkings();
    const reassembler = new ImageReassembler({ clock: new FakeClock() });
    const superseded = record(reassembler, 'superseded');
    reassembler.addChunk(first.chunks[0]!.bytes);
    reassembler.addChunk(first.chunks[1]!.bytes);
    const results = second.chunks.map((c) => reassembler.addChunk(c.bytes));
    const last = results.at(-1);
    expect(last?.status === 'complete' && last.image.equals(image)).toBe(true);
    expect(superseded).toEqual([{ imageId: first.imageId, received: 2, total: 10, chunkSize: 100, newTotal: 4, newChunkSize: 300, ageMs: 0 }]);
    const m = reassembler.getMetrics();
    expect(m).toMatchObject({ imagesSuperseded: 1, imagesCompleted: 1, bytesInProgress: 0 });
    expectAccounted(m);
  });

  it('refuses chunks of the superseded chunking as late while the newer one is in progress, without flapping back', () => {
    const { image, first, second } = twoChunkings();
    const reassembler = new ImageReassembler({ clock: new FakeClock() });
    reassembler.addChunk(first.chunks[0]!.bytes);
    reassembler.addChunk(second.chunks[0]!.bytes);
    expect(first.chunks.slice(1).map((c) => outcome(reassembler, c.bytes))).toEqual(Array(9).fill(LATE));
    expect(outcome(reassembler, first.chunks[0]!.bytes)).toBe(LATE);
    const results = second.chunks.slice(1).map((c) => reassembler.addChunk(c.bytes));
    const last = results.at(-1);
    expect(last?.status === 'complete' && last.image.equals(image)).toBe(true);
    expect(reassembler.getMetrics()).toMatchObject({ imagesSuperseded: 1, lateChunks: 10 });
  });

  it('does not let a corrupt chunk of another chunking supersede anything', () => {
    const { first, second } = twoChunkings();
    const reassembler = new ImageReassembler({ clock: new FakeClock() });
    reassembler.addChunk(first.chunks[0]!.bytes);
    const bad = Buffer.from(second.chunks[0]!.bytes);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(thrown(() => reassembler.addChunk(bad)).code).toBe(ErrorCodes.IMAGE_CORRUPT);
    expect(reassembler.getMetrics()).toMatchObject({ imagesSuperseded: 0, imagesInProgress: 1 });
    expect(reassembler.addChunk(first.chunks[1]!.bytes)).toMatchObject({ status: 'pending', received: 2, total: 10 });
  });
});
