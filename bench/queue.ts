/**
 * Queue micro-benchmark: cost of one enqueue plus one dequeue per record in a QueueManager holding
 * a 100,000-record backlog (four priorities, batches of 500, the real clock), next to a naive
 * `Array.push`/`Array.shift` queue holding the same backlog, measured in the same run. The cost of
 * one monotonic clock read is shown too: a single enqueue must read the clock once to stamp the
 * record, and on some virtual machines (kvm-clock) that read alone costs over 100 ns.
 *
 * Each QueueManager step says whether it met the target of 200 ns per record (PASS / MISS); a miss
 * is reported, not thrown: timings depend on the machine and its load.
 */
import { systemClock } from '../src/core/clock.js';
import { createEnvelope } from '../src/core/record.js';
import type { RecordEnvelope } from '../src/core/record.js';
import type { Priority } from '../src/priority/priority.js';
import { QueueManager } from '../src/queue/queue-manager.js';
import { printTable, writeResult } from './report.js';
import { nsPerItem, round } from './timing.js';

const BACKLOG = 100_000;
const PER_PASS = 10_000;
const BATCH = 500;
const TARGET_NS = 200;
/** Each step is measured this many times and the fastest run kept: the least disturbed by other load. */
const RUNS = 3;

function bestOf(measure: () => { ns: number; check: number }): { ns: number; check: number } {
  let best = measure();
  for (let i = 1; i < RUNS; i++) {
    const next = measure();
    if (next.ns < best.ns) best = next;
  }
  return best;
}

function records(count: number): RecordEnvelope[] {
  return Array.from({ length: count }, (_, i) => createEnvelope({ sourceId: 'bench', payload: { i }, priority: (i % 4) as Priority, id: String(i), now: 0 }));
}

/** A QueueManager holding the backlog, and the records that are not in it. */
function filledQueue(): { queue: QueueManager; spare: RecordEnvelope[] } {
  const all = records(BACKLOG + PER_PASS);
  const queue = new QueueManager({ maxSize: BACKLOG + PER_PASS, dequeueBatchSize: BATCH });
  for (let i = 0; i < BACKLOG; i++) queue.tryEnqueue(all[i] as RecordEnvelope, (i % 4) as Priority);
  return { queue, spare: all.slice(BACKLOG) };
}

/** Dequeues `PER_PASS` records in batches; returns them (they become the next pass's spare records). */
function dequeueAll(queue: QueueManager): RecordEnvelope[] {
  const out: RecordEnvelope[] = [];
  while (out.length < PER_PASS) {
    const batch = queue.tryDequeueBatch({ maxSize: Math.min(BATCH, PER_PASS - out.length) });
    if (batch.length === 0) throw new Error('bench: no batch was ready');
    for (const record of batch) out.push(record);
  }
  return out;
}

function singleEnqueues(): { ns: number; check: number } {
  const { queue, spare: first } = filledQueue();
  let spare = first;
  const ns = nsPerItem(PER_PASS, () => {
    for (const record of spare) queue.tryEnqueue(record, (Number(record.id) % 4) as Priority);
    spare = dequeueAll(queue);
  });
  return { ns, check: queue.size };
}

function batchEnqueues(): { ns: number; check: number } {
  const { queue, spare: first } = filledQueue();
  let spare = first;
  const ns = nsPerItem(PER_PASS, () => {
    for (let i = 0, k = 0; i < spare.length; i += BATCH, k++) queue.tryEnqueueMany(spare.slice(i, i + BATCH), (k % 4) as Priority);
    spare = dequeueAll(queue);
  });
  return { ns, check: queue.size };
}

function naiveArray(): { ns: number; check: number } {
  const all = records(BACKLOG + PER_PASS);
  const queue: RecordEnvelope[] = all.slice(0, BACKLOG);
  let spare = all.slice(BACKLOG);
  const ns = nsPerItem(PER_PASS, () => {
    for (const record of spare) queue.push(record);
    const out: RecordEnvelope[] = [];
    for (let i = 0; i < PER_PASS; i++) out.push(queue.shift() as RecordEnvelope);
    spare = out;
  });
  return { ns, check: queue.length };
}

/** One read of the monotonic clock, the floor of a single enqueue (it must stamp the record). */
function clockRead(): { ns: number; check: number } {
  let sink = 0;
  const ns = nsPerItem(PER_PASS, () => {
    for (let i = 0; i < PER_PASS; i++) sink += systemClock.monotonic();
  });
  return { ns, check: sink > 0 ? BACKLOG : 0 };
}

/** Runs the queue scenario: prints a table and writes a JSON result. */
export async function runQueueBench(): Promise<void> {
  const naive = bestOf(naiveArray);
  const results = [
    { step: 'QueueManager tryEnqueue ×1 + tryDequeueBatch(500)', targeted: true, ...bestOf(singleEnqueues) },
    { step: `QueueManager tryEnqueueMany(${BATCH}) + tryDequeueBatch(500)`, targeted: true, ...bestOf(batchEnqueues) },
    { step: 'naive Array.push + Array.shift', targeted: false, ...naive },
    { step: 'systemClock.monotonic() (one read, for reference)', targeted: false, ...bestOf(clockRead) },
  ].map(({ step, targeted, ns, check }) => {
    if (check !== BACKLOG) throw new Error(`bench: ${step} ended with ${check} records queued, expected ${BACKLOG}`);
    // null: not a QueueManager step, so the target does not apply.
    const meetsTarget = targeted ? ns <= TARGET_NS : null;
    return { step, nsPerRecord: round(ns), speedupOverNaive: round(naive.ns / ns), meetsTarget };
  });
  console.log(`enqueue + dequeue per record with a ${BACKLOG.toLocaleString('en')}-record backlog; target ≤ ${TARGET_NS} ns/record`);
  const verdict = (meets: boolean | null): string => (meets === null ? '-' : meets ? 'PASS' : 'MISS');
  printTable(
    ['step', 'ns/record', 'naive ÷ this', `≤ ${TARGET_NS} ns`],
    results.map((r) => [r.step, r.nsPerRecord, r.speedupOverNaive, verdict(r.meetsTarget)]),
  );
  const missed = results.filter((r) => r.meetsTarget === false).length;
  console.log(missed === 0 ? `target met by every QueueManager step` : `target missed by ${missed} QueueManager step(s) on this machine (reported, not an error)`);
  const settings = { backlog: BACKLOG, recordsPerPass: PER_PASS, batchSize: BATCH, targetNsPerRecord: TARGET_NS, bestOfRuns: RUNS };
  console.log(`wrote ${writeResult('queue', { settings, results })}`);
}
