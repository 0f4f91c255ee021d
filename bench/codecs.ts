/**
 * Codec benchmark: compress/decompress throughput and ratio on Kafka-sized batches of FIRMS-like
 * JSON records (about 250 bytes each, about 64 KiB per batch).
 *
 * Run with `npm run bench -- codecs`. Prints a table and writes bench/results/codecs-<timestamp>.json.
 */
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { printTable, writeResult } from './report.js';
import { createLz4Codec } from '../src/producer/codecs/lz4-codec.js';
import { createNapiBackend } from '../src/producer/codecs/zstd-backends.js';

const BATCH_BYTES = 64 * 1024;
const BATCHES = 64; // 4 MiB of distinct data per pass
const MIN_MEASURE_MS = 1_000;
const MAX = 64 * 1024 * 1024;

/** Deterministic PRNG (mulberry32) so every run measures the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function firmsRecord(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const fixed = (v: number, d: number) => Number(v.toFixed(d));
  return JSON.stringify({
    latitude: fixed(32.5 + rand() * 9.5, 5),
    longitude: fixed(-124.5 + rand() * 10.4, 5),
    bright_ti4: fixed(295 + rand() * 72, 2),
    scan: fixed(0.32 + rand() * 0.5, 2),
    track: fixed(0.36 + rand() * 0.4, 2),
    acq_date: `2026-08-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    acq_time: String(Math.floor(rand() * 2400)).padStart(4, '0'),
    satellite: pick(['N', 'N20', 'N21']),
    instrument: 'VIIRS',
    confidence: pick(['l', 'n', 'h']),
    version: '2.0NRT',
    bright_ti5: fixed(270 + rand() * 40, 2),
    frp: fixed(rand() * 120, 2),
    daynight: pick(['D', 'N']),
  });
}

/** Batches as kafkajs would hand them to a codec (records concatenated). */
function makeBatches(): { batches: Buffer[]; recordBytes: number; records: number } {
  const rand = prng(20260814);
  const batches: Buffer[] = [];
  let recordBytes = 0;
  let records = 0;
  for (let b = 0; b < BATCHES; b += 1) {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < BATCH_BYTES) {
      const rec = Buffer.from(firmsRecord(rand));
      parts.push(rec);
      size += rec.length;
      recordBytes += rec.length;
      records += 1;
    }
    batches.push(Buffer.concat(parts));
  }
  return { batches, recordBytes, records };
}

interface Codec {
  name: string;
  compress(b: Buffer): Buffer | Promise<Buffer>;
  decompress(b: Buffer): Buffer | Promise<Buffer>;
}

interface Row {
  codec: string;
  compressMBps: number;
  decompressMBps: number;
  ratio: number;
  savedPercent: number;
  compressMsPerBatch: number;
  decompressMsPerBatch: number;
}

async function timeLoop(fn: () => Promise<number>): Promise<{ bytes: number; ms: number }> {
  let bytes = 0;
  const start = performance.now();
  do bytes += await fn();
  while (performance.now() - start < MIN_MEASURE_MS);
  return { bytes, ms: performance.now() - start };
}

async function measure(codec: Codec, batches: Buffer[]): Promise<Row> {
  const compressed: Buffer[] = [];
  for (const b of batches) compressed.push(Buffer.from(await codec.compress(b)));
  for (let i = 0; i < batches.length; i += 1) {
    const back = Buffer.from(await codec.decompress(compressed[i] as Buffer));
    if (!back.equals(batches[i] as Buffer)) throw new Error(`${codec.name}: round trip mismatch`);
  }
  const raw = batches.reduce((n, b) => n + b.length, 0);
  const packed = compressed.reduce((n, b) => n + b.length, 0);
  const c = await timeLoop(async () => {
    for (const b of batches) await codec.compress(b);
    return raw;
  });
  const d = await timeLoop(async () => {
    for (const b of compressed) await codec.decompress(b);
    return raw;
  });
  const mbps = (t: { bytes: number; ms: number }) => Number((t.bytes / (1024 * 1024) / (t.ms / 1000)).toFixed(1));
  const perBatch = (t: { bytes: number; ms: number }) => Number(((t.ms / t.bytes) * BATCH_BYTES).toFixed(3));
  return {
    codec: codec.name,
    compressMBps: mbps(c),
    decompressMBps: mbps(d),
    ratio: Number((raw / packed).toFixed(2)),
    savedPercent: Number((100 * (1 - packed / raw)).toFixed(1)),
    compressMsPerBatch: perBatch(c),
    decompressMsPerBatch: perBatch(d),
  };
}

/** Runs the codec scenario: prints a table and writes a JSON result. */
export async function runCodecsBench(): Promise<void> {
  const { batches, recordBytes, records } = makeBatches();
  const lz4 = createLz4Codec(MAX);
  const napi = createNapiBackend();
  const wasm = await import('@bokuweb/zstd-wasm');
  await wasm.init();
  const codecs: Codec[] = [
    { name: 'gzip (zlib default, 6)', compress: (b) => gzipSync(b), decompress: (b) => gunzipSync(b) },
    { name: 'gzip (level 1)', compress: (b) => gzipSync(b, { level: 1 }), decompress: (b) => gunzipSync(b) },
    { name: 'lz4 (lz4, 64 KiB blocks)', compress: (b) => lz4.compress({ buffer: b }), decompress: (b) => lz4.decompress(b) },
    { name: 'zstd-napi level 1', compress: (b) => napi.compress(b, 1), decompress: (b) => napi.decompress(b, MAX) },
    { name: 'zstd-napi level 3', compress: (b) => napi.compress(b, 3), decompress: (b) => napi.decompress(b, MAX) },
    { name: 'zstd-wasm level 3', compress: (b) => Buffer.from(wasm.compress(b, 3)), decompress: (b) => Buffer.from(wasm.decompress(b)) },
  ];
  const rows: Row[] = [];
  for (const codec of codecs) rows.push(await measure(codec, batches));

  const header = ['codec', 'compress MB/s', 'decompress MB/s', 'ratio', 'saved %', 'ms/64KiB in', 'ms/64KiB out'];
  console.log(`${records} records, mean ${(recordBytes / records).toFixed(0)} bytes; ${BATCHES} batches of ~${BATCH_BYTES / 1024} KiB`);
  printTable(header, rows.map((r) => [r.codec, r.compressMBps, r.decompressMBps, r.ratio, r.savedPercent, r.compressMsPerBatch, r.decompressMsPerBatch]));
  const settings = { zlibDefaultLevel: zlibConstants.Z_DEFAULT_COMPRESSION, batchBytes: BATCH_BYTES, batches: BATCHES, records, meanRecordBytes: Math.round(recordBytes / records) };
  console.log(`wrote ${writeResult('codecs', { settings, results: rows })}`);
}
