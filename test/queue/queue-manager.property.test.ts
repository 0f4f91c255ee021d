import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import type { Priority } from '../../src/priority/priority.js';
import { QueueManager } from '../../src/queue/queue-manager.js';
import type { CapacityChangeEvent, DropEvent, QueueMetrics } from '../../src/queue/queue-types.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import type { ModelEnqueue, ModelSettings } from './queue-model.js';
import { QueueModel } from './queue-model.js';

/** The real queue with everything it emitted, and the model it must match. */
interface System {
  readonly clock: FakeClock;
  readonly queue: QueueManager;
  readonly model: QueueModel;
  readonly drops: DropEvent<RecordEnvelope>[];
  readonly spilled: string[];
  /** Records by id, with the priority they were first offered at. */
  readonly offeredAt: Map<string, number>;
  /** Per priority at dequeue: original priority and sequence of the last record dequeued. */
  readonly lastOut: Map<string, number>;
  readonly capacityChanges: CapacityChangeEvent[];
  seq: number;
  rejected: number;
  /** Most records the queue may hold: the capacity, or the depth when a resize left more records queued than that. */
  ceiling: number;
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

function record(id: string, priority: Priority): RecordEnvelope {
  return { id, sourceId: 'prop', payload: {}, priority, receivedAt: 0, enqueuedAt: 0, attempts: 0 };
}

/** The outcomes of several model enqueue calls as one. */
function mergeEnqueues(outcomes: readonly ModelEnqueue[]): ModelEnqueue {
  const keys = ['accepted', 'dropped', 'spilled', 'rejected', 'displaced'] as const;
  return Object.fromEntries(keys.map((key) => [key, outcomes.flatMap((o) => o[key])])) as unknown as ModelEnqueue;
}

/** Invariants that must hold after every command, whatever the model says. */
function checkInvariants(sys: System): void {
  const m: QueueMetrics = sys.queue.getMetrics();
  // getMetrics() promotes aged records, so the model promotes too before depths are compared.
  sys.model.promote(sys.clock.monotonic());
  // The depth never grows past the capacity; after a shrink it may stay above it, never grow.
  expect(m.depth).toBeLessThanOrEqual(sys.ceiling);
  sys.ceiling = Math.max(m.capacity, Math.min(sys.ceiling, m.depth));
  expect(m.capacity).toBe(sys.model.settings.capacity);
  expect(m.utilization).toBe(m.depth / m.capacity);
  expect(sys.queue.size).toBe(m.depth);
  // received = dequeued + drained + queued + dropped + spilled + rejected
  expect(sum(m.received)).toBe(sum(m.dequeued) + sum(m.drained) + m.depth + sum(m.dropped) + sum(m.spilled) + sum(m.rejected));
  expect(sum(m.received)).toBe(sys.offeredAt.size);
  expect(sum(m.rejected)).toBe(sys.rejected);
  expect(sum(m.spilled)).toBe(sys.spilled.length);
  expect(sum(m.dropped)).toBe(sys.drops.length);
  // A CRITICAL record is never dropped (stronger than "never while a lower one is queued").
  expect(sys.drops.filter((d) => d.priority === 0)).toEqual([]);
  expect([m.depths.critical, m.depths.high, m.depths.normal, m.depths.low]).toEqual(sys.model.lanes.map((lane) => lane.length));
  expect(m.promoted).toEqual({ lowToNormal: sys.model.promotedLowToNormal, normalToHigh: sys.model.promotedNormalToHigh });
}

/** A step of the model run, shown as `label` in counterexamples; every step may run in any state. */
abstract class QueueCommand implements fc.AsyncCommand<QueueModel, System> {
  constructor(readonly label: string) {}
  check(): boolean {
    return true;
  }
  abstract run(model: QueueModel, sys: System): Promise<void>;
  toString(): string {
    return this.label;
  }
}

class Enqueue extends QueueCommand {
  constructor(
    readonly priority: Priority,
    readonly count: number,
    readonly single: boolean,
  ) {
    super(`${single ? 'tryEnqueue×' : 'tryEnqueueMany'}(${count}, p${priority})`);
  }
  async run(_m: QueueModel, sys: System): Promise<void> {
    const ids = Array.from({ length: this.count }, () => `r${sys.seq++}`);
    for (const id of ids) sys.offeredAt.set(id, this.priority);
    const records = ids.map((id) => record(id, this.priority));
    const before = sys.drops.length;
    const spilledBefore = sys.spilled.length;
    // tryEnqueue× makes one call per record (a call never displaces its own records, but may displace an earlier call's).
    const calls = this.single ? ids.map((id) => [id]) : [ids];
    const expected = mergeEnqueues(calls.map((call) => sys.model.enqueue(call, this.priority, sys.clock.monotonic())));
    const results = this.single ? records.map((r) => sys.queue.tryEnqueue(r, this.priority)) : [sys.queue.tryEnqueueMany(records, this.priority)];
    const total = (key: 'accepted' | 'dropped' | 'spilled' | 'rejected' | 'displaced'): number => results.reduce((n, r) => n + r[key], 0);
    expect({ accepted: total('accepted'), dropped: total('dropped'), spilled: total('spilled'), rejected: total('rejected'), displaced: total('displaced') }).toEqual({
      accepted: expected.accepted.length,
      dropped: expected.dropped.length,
      spilled: expected.spilled.length,
      rejected: expected.rejected.length,
      displaced: expected.displaced.length,
    });
    sys.rejected += expected.rejected.length;
    const lost = [...sys.drops.slice(before).map((d) => d.record.id), ...sys.spilled.slice(spilledBefore)].sort();
    expect(lost).toEqual([...expected.dropped, ...expected.spilled, ...expected.displaced].sort());
    checkInvariants(sys);
  }
}

class Dequeue extends QueueCommand {
  constructor(readonly maxSize: number) {
    super(`tryDequeueBatch(${maxSize})`);
  }
  async run(_m: QueueModel, sys: System): Promise<void> {
    const expected = sys.model.dequeue(this.maxSize, sys.clock.monotonic());
    const batch = sys.queue.tryDequeueBatch({ maxSize: this.maxSize });
    expect(batch.map((r) => r.id)).toEqual(expected);
    // FIFO: records offered at the same priority and leaving from the same priority leave in offer order.
    for (const r of batch) {
      expect(r.priority).toBe(batch[0]?.priority);
      const key = `${r.priority}/${sys.offeredAt.get(r.id)}`;
      const seq = Number(r.id.slice(1));
      expect(seq).toBeGreaterThan(sys.lastOut.get(key) ?? -1);
      sys.lastOut.set(key, seq);
    }
    checkInvariants(sys);
  }
}

class Advance extends QueueCommand {
  constructor(readonly ms: number) {
    super(`advance(${ms})`);
  }
  async run(_m: QueueModel, sys: System): Promise<void> {
    sys.clock.advance(this.ms);
  }
}

class Resize extends QueueCommand {
  constructor(readonly capacity: number) {
    super(`setCapacity(${capacity})`);
  }
  async run(_m: QueueModel, sys: System): Promise<void> {
    const from = sys.queue.capacity;
    const depth = sys.queue.size;
    sys.model.resize(this.capacity);
    sys.ceiling = Math.max(this.capacity, depth);
    const events = sys.capacityChanges.length;
    sys.queue.setCapacity(this.capacity);
    // A resize moves no record: nothing dropped, spilled or dequeued by it.
    expect(sys.queue.size).toBe(depth);
    expect(sys.capacityChanges.slice(events)).toEqual(from === this.capacity ? [] : [{ from, to: this.capacity }]);
    checkInvariants(sys);
  }
}

class Drain extends QueueCommand {
  constructor() {
    super('drain()');
  }
  async run(_m: QueueModel, sys: System): Promise<void> {
    expect(sys.queue.drain().map((r) => r.id)).toEqual(sys.model.drain(sys.clock.monotonic()));
    checkInvariants(sys);
  }
}

const settingsArb = fc.record({
  capacity: fc.integer({ min: 1, max: 24 }),
  strategy: fc.constantFrom('drop_lowest', 'drop_oldest', 'reject', 'spill', 'block') as fc.Arbitrary<ModelSettings['strategy']>,
  hasSink: fc.boolean(),
  linger: fc.tuple(fc.constantFrom(0, 5), fc.constantFrom(0, 50), fc.constantFrom(0, 500), fc.constantFrom(0, 5_000)),
  weights: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
  ageing: fc
    .tuple(fc.boolean(), fc.constantFrom([1_000, 2_000], [1_000, 600_000], [300_000, 600_000]))
    .map(([enabled, [lowToNormalMs, normalToHighMs]]) => ({ enabled, lowToNormalMs: lowToNormalMs as number, normalToHighMs: normalToHighMs as number })),
});

const commandsArb = fc.commands(
  [
    fc.tuple(fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<Priority>, fc.integer({ min: 1, max: 12 }), fc.boolean()).map(([p, n, single]) => new Enqueue(p, n, single)),
    fc.integer({ min: 1, max: 10 }).map((n) => new Dequeue(n)),
    fc.constantFrom(0, 1, 49, 50, 500, 1_000, 5_000, 300_000, 600_000).map((ms) => new Advance(ms)),
    fc.constant(new Drain()),
    fc.integer({ min: 1, max: 30 }).map((n) => new Resize(n)),
  ],
  { maxCommands: 60 },
);

describe('QueueManager (model-based)', () => {
  it('matches the reference model and keeps its invariants under any sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(settingsArb, commandsArb, async (settings, commands) => {
        const hasSink = settings.strategy === 'spill' || settings.hasSink;
        const clock = new FakeClock();
        const spilled: string[] = [];
        const [lc, lh, ln, ll] = settings.linger;
        const [wc, wh, wn, wl] = settings.weights;
        const queue = new QueueManager({
          maxSize: settings.capacity,
          overflowStrategy: settings.strategy,
          lingerMs: { critical: lc, high: lh, normal: ln, low: ll },
          weights: { critical: wc, high: wh, normal: wn, low: wl },
          ageing: settings.ageing,
          clock,
          scheduler: clock,
          spillSink: hasSink ? { spill: (records) => void spilled.push(...records.map((r) => r.id)) } : undefined,
        });
        const model = new QueueModel({ ...settings, hasSink });
        const sys: System = { clock, queue, model, drops: [], spilled, offeredAt: new Map(), lastOut: new Map(), capacityChanges: [], seq: 0, rejected: 0, ceiling: settings.capacity };
        queue.on('drop', (event) => sys.drops.push(event));
        queue.on('capacityChange', (event) => sys.capacityChanges.push(event));
        await fc.asyncModelRun(() => ({ model: sys.model, real: sys }), commands);
      }),
      { numRuns: 200 },
    );
  });
});
