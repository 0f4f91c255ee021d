/**
 * Image serializer benchmark: serialize (SHA-256 + header + optional compression) and
 * deserialize-and-verify throughput on 1 MiB and 16 MiB images, random and compressible, next to a
 * plain `crypto` SHA-256 over the same bytes in the same run.
 *
 * Run with `npm run bench -- imagery`. Prints a table and writes bench/results/imagery-<timestamp>.json.
 */
import { createHash } from 'node:crypto';
import { printTable, writeResult } from './report.js';
import { round } from './timing.js';
import { BinaryImageSerializer } from '../src/imagery/binary-image-serializer.js';
import type { BinaryImageSerializerOptions } from '../src/imagery/binary-image-serializer.js';
import { FakeClock } from '../src/testing/fake-clock.js';

const MiB = 1024 * 1024;
const SIZES = [1 * MiB, 16 * MiB];
const ROUNDS = 3;
const MIN_ROUND_MS = 300;
const WARM_UP_OPS = 10;
const META = { sourceId: 'landsat_thermal', attributes: { scene_id: 'LC09_L1TP_043033_20260814' } };

/** Deterministic PRNG (xorshift32) so every run measures the same data. */
function fill(data: Buffer, seed: number, mask: number, base: (i: number) => number): void {
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 1 < data.length; i += 2) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data.writeUInt16LE((base(i) + (x & mask)) & 0xffff, i);
  }
}

/**
 * A little-endian TIFF-like image: `random` is incompressible (as LZW/Deflate TIFF tiles are);
 * `compressible` is a raw 16-bit thermal band: a smooth gradient plus 3 bits of sensor noise.
 */
function makeImage(size: number, kind: 'random' | 'compressible'): Buffer {
  const data = Buffer.alloc(size);
  if (kind === 'random') fill(data, 0x9e3779b9, 0xffff, () => 0);
  else fill(data, 0x85ebca6b, 0x7, (i) => 2900 + ((i >> 10) % 400) + ((i >> 1) % 512 >> 3));
  Buffer.from('49492a00', 'hex').copy(data, 0);
  return data;
}

/**
 * Median over {@link ROUNDS} rounds of at least {@link MIN_ROUND_MS} each, after a discarded
 * warm-up round of at least {@link WARM_UP_OPS} operations: the first operations that allocate
 * fresh 16 MiB packets pay page faults (about 100 ms each) until the allocator reuses freed memory,
 * which would otherwise make the order of the cases matter. The numbers are for that steady state.
 */
async function mbPerSecond(bytes: number, op: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = -1; r < ROUNDS; r += 1) {
    let done = 0;
    const start = performance.now();
    do {
      await op();
      done += bytes;
    } while (performance.now() - start < MIN_ROUND_MS || (r < 0 && done < WARM_UP_OPS * bytes));
    if (r >= 0) rounds.push(done / MiB / ((performance.now() - start) / 1000));
  }
  return rounds.sort((a, b) => a - b)[ROUNDS >> 1] as number;
}

interface Row {
  size: string;
  data: string;
  operation: string;
  mbPerSecond: number;
  vsSha256: number;
  storedPercent: number | null;
  codec: string;
}

const CASES: readonly [string, BinaryImageSerializerOptions][] = [
  ['serialize, compression none', { compression: 'none' }],
  ['serialize, auto (zstd 3)', {}],
  ['serialize, zlib 6 (fallback)', { compression: 'zlib' }],
];

async function measureImage(size: number, kind: 'random' | 'compressible'): Promise<Row[]> {
  const data = makeImage(size, kind);
  const label = { size: `${size / MiB} MiB`, data: kind };
  const sha = await mbPerSecond(size, () => createHash('sha256').update(data).digest());
  const rows: Row[] = [{ ...label, operation: 'crypto SHA-256 alone', mbPerSecond: round(sha), vsSha256: 1, storedPercent: null, codec: '-' }];
  const readCodecs = new Set<string>();
  for (const [operation, options] of CASES) {
    const serializer = new BinaryImageSerializer({ clock: new FakeClock(), maxImageBytes: 64 * MiB, ...options });
    const { packet, metadataMessage } = await serializer.serializeImage(data, META);
    const ser = await mbPerSecond(size, () => serializer.serializeImage(data, META));
    const storedPercent = round((100 * metadataMessage.stored_size_bytes) / size);
    rows.push({ ...label, operation, mbPerSecond: round(ser), vsSha256: round(ser / sha, 2), storedPercent, codec: metadataMessage.compression });
    if (readCodecs.has(metadataMessage.compression)) continue;
    readCodecs.add(metadataMessage.compression);
    const de = await mbPerSecond(size, () => serializer.deserializeImage(packet));
    rows.push({ ...label, operation: `deserialize + verify (${metadataMessage.compression})`, mbPerSecond: round(de), vsSha256: round(de / sha, 2), storedPercent, codec: metadataMessage.compression });
  }
  return rows;
}

/** Runs the imagery scenario: prints a table and writes a JSON result. */
export async function runImageryBench(): Promise<void> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    for (const kind of ['random', 'compressible'] as const) rows.push(...(await measureImage(size, kind)));
  }
  console.log('MB/s of original image bytes; "x SHA-256" is the throughput relative to crypto SHA-256 over the same bytes in this run.');
  printTable(
    ['operation', 'size', 'data', 'MB/s', 'x SHA-256', 'stored %', 'codec'],
    rows.map((r) => [r.operation, r.size, r.data, r.mbPerSecond, r.vsSha256, r.storedPercent ?? '-', r.codec]),
  );
  console.log(`wrote ${writeResult('imagery', { settings: { sizes: SIZES, rounds: ROUNDS, minRoundMs: MIN_ROUND_MS }, results: rows })}`);
}
