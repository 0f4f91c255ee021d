/**
 * Routing micro-benchmark: per-record cost of topic resolution, partition keys and enrichment on
 * FIRMS-like records, each reported with its ratio to a baseline measured in the same run (a
 * shallow copy of every record, the least any per-record step does).
 */
import { PartitionKeyer } from '../src/routing/partition-keyer.js';
import { TopicResolver } from '../src/routing/topic-resolver.js';
import { defaultEnricher, enrichBatch } from '../src/routing/enrichers.js';
import { printTable, writeResult } from './report.js';
import { nsPerItem, round } from './timing.js';

const RECORDS = 10_000;

function records(): Record<string, unknown>[] {
  return Array.from({ length: RECORDS }, (_, i) => ({
    latitude: 32.5 + ((i * 7919) % 9500) / 1000,
    longitude: -124.5 + ((i * 104729) % 10400) / 1000,
    bright_ti4: 300 + (i % 80),
    frp: (i % 500) / 10,
    acq_date: '2026-08-14',
    acq_time: '1209',
    confidence: 'n',
  }));
}

/** Runs the routing scenario: prints a table and writes a JSON result. */
export async function runRoutingBench(): Promise<void> {
  const batch = records();
  const resolver = new TopicResolver();
  const geo = new PartitionKeyer({ strategy: 'geo_grid' });
  const geohash = new PartitionKeyer({ strategy: 'geohash', geohashPrecision: 5 });
  const context = { producerId: 'bench', now: Date.UTC(2026, 7, 14), sourceId: 'firms_viirs_snpp' };
  let sink = 0;
  const baseline = nsPerItem(RECORDS, () => {
    for (const r of batch) sink += Object.keys({ ...r }).length;
  });
  const steps: [string, () => void][] = [
    ['resolveBatch (cached source)', () => void (sink += resolver.resolveBatch('firms_viirs_snpp', batch).size)],
    ['keysFor geo_grid', () => void (sink += geo.keysFor(batch, 'firms_viirs_snpp').length)],
    ['keysFor geohash(5)', () => void (sink += geohash.keysFor(batch, 'firms_viirs_snpp').length)],
    ['enrichBatch (3 default enrichers)', () => void (sink += enrichBatch(batch, context, defaultEnricher).length)],
  ];
  const results = steps.map(([name, pass]) => {
    const ns = nsPerItem(RECORDS, pass);
    return { step: name, nsPerRecord: round(ns), ratioToCopy: round(ns / baseline, 2) };
  });
  console.log(`${RECORDS} FIRMS-like records per pass; baseline (shallow copy per record) ${round(baseline)} ns/record`);
  printTable(['step', 'ns/record', '× copy'], results.map((r) => [r.step, r.nsPerRecord, r.ratioToCopy]));
  console.log(`wrote ${writeResult('routing', { settings: { records: RECORDS }, baselineNsPerRecord: round(baseline), results, sink: sink > 0 })}`);
}
