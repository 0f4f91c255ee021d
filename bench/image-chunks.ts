/**
 * Image chunk benchmark: `ImageChunkManager.createChunks` and `ImageReassembler.addChunk` (in order
 * and in reverse order) on 20 MiB and 100 MiB images in 5 MiB chunks, next to what both must do at
 * least: SHA-256 over the image twice (per-chunk hashes and the whole-image hash) and one copy of
 * the image into freshly allocated memory, measured in the same run.
 *
 * Run with `npm run bench -- image-chunks`. Prints a table and writes bench/results/image-chunks-<timestamp>.json.
 */
import { createHash, randomBytes } from 'node:crypto';
import { printTable, writeResult } from './report.js';
import { round } from './timing.js';
import { ImageChunkManager } from '../src/imagery/image-chunk-manager.js';
import type { ImageChunkSet } from '../src/imagery/image-chunk-manager.js';
import { ImageReassembler } from '../src/imagery/image-reassembler.js';

const MiB = 1024 * 1024;
const SIZES = [20 * MiB, 100 * MiB];
const RUNS = 5;

/** Median MiB/s of `RUNS` runs of `op` over `bytes`, after one discarded warm-up run (first-touch page faults). */
function medianMiBps(bytes: number, op: () => void): number {
  const speeds: number[] = [];
  for (let run = -1; run < RUNS; run += 1) {
    const start = performance.now();
    op();
    if (run >= 0) speeds.push(bytes / MiB / ((performance.now() - start) / 1000));
  }
  return speeds.sort((a, b) => a - b)[RUNS >> 1] as number;
}

function reassemble(set: ImageChunkSet, reverse: boolean): void {
  const reassembler = new ImageReassembler({ maxReassemblyBytes: 2 * set.imageSize });
  const order = set.chunks.map((_, i) => (reverse ? set.total - 1 - i : i));
  let last;
  for (const i of order) last = reassembler.addChunk((set.chunks[i] as { bytes: Buffer }).bytes);
  if (last?.status !== 'complete') throw new Error('benchmark image did not complete');
}

/** Runs the image-chunks scenario: prints a table and writes a JSON result. */
export async function runImageChunksBench(): Promise<void> {
  const rows: { size: string; operation: string; mibPerSecond: number; vsFloor: number }[] = [];
  for (const size of SIZES) {
    const image = randomBytes(size);
    const manager = new ImageChunkManager({ chunkSizeBytes: 5 * MiB, maxImageBytes: size });
    const set = manager.createChunks(image, { sourceId: 'landsat_9_oli', timestamp: 1 });
    const floor = medianMiBps(size, () => {
      createHash('sha256').update(image).digest();
      for (const chunk of set.chunks) createHash('sha256').update(chunk.bytes).digest();
    });
    const label = `${size / MiB} MiB`;
    const add = (operation: string, speed: number) => rows.push({ size: label, operation, mibPerSecond: round(speed), vsFloor: round(speed / floor, 2) });
    add('floor: SHA-256 of the image, twice', floor);
    add('one copy into fresh memory', medianMiBps(size, () => image.copy(Buffer.allocUnsafe(size))));
    add(`createChunks (${set.total} chunks)`, medianMiBps(size, () => manager.createChunks(image, { sourceId: 'landsat_9_oli', timestamp: 1 })));
    add('reassemble, in order', medianMiBps(size, () => reassemble(set, false)));
    add('reassemble, reverse order', medianMiBps(size, () => reassemble(set, true)));
  }
  console.log('MiB/s of image bytes; "x floor" is the throughput relative to hashing the image twice in this run.');
  printTable(['operation', 'size', 'MiB/s', 'x floor'], rows.map((r) => [r.operation, r.size, r.mibPerSecond, r.vsFloor]));
  console.log(`wrote ${writeResult('image-chunks', { settings: { sizes: SIZES, runs: RUNS, chunkSizeBytes: 5 * MiB }, results: rows })}`);
}
