/**
 * Model-free property test of QueueManager with waiting calls: blocked and spilling enqueues (with
 * timeouts and aborts), waiting dequeues, close, resizes and a spill sink that keeps, throws or
 * answers later (kept or failed). A ledger follows every record from the calls' results and
 * errors, the `drop`/`spillError` events and the sink, and must agree with the metrics after
 * every step; at the end every record sits in exactly one final place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import type { Priority } from '../../src/priority/priority.js';
import { QueueManager } from '../../src/queue/queue-manager.js';
import type { OverflowStrategy } from '../../src/config/schema/queue.js';
import type { EnqueueResult, QueueMetrics, SpillReason } from '../../src/queue/queue-types.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { flush } from './queue-helpers.js';

type Fate = 'offered' | 'queued' | 'dequeued' | 'drained' | 'dropped' | 'spilling' | 'spilled' | 'rejected';
type SinkMode = 'keep' | 'throw' | 'later';

/** One enqueue call: its record ids, and whether its promise is still pending. */
interface Call {
  readonly ids: readonly string[];
  /** Its `enqueueMany` promise has not settled: its records may enter the queue and leave it without a word. */
  pending: boolean;
  readonly block: boolean;
  /** Inside the call itself: none of its records may be displaced (a call never displaces its own records). */
  placing: boolean;
}

interface System {
  readonly clock: FakeClock;
  readonly queue: QueueManager;
  readonly strategy: OverflowStrategy;
  readonly fate: Map<string, Fate>;
  readonly callOf: Map<string, Call>;
  readonly calls: Call[];
  readonly controllers: AbortController[];
  readonly laterSpills: { ids: string[]; answer: (ok: boolean) => void }[];
  waitingDequeues: number;
  sinkMode: SinkMode;
  seq: number;
  ceiling: number;
  closed: boolean;
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const count = (sys: System, ...fates: Fate[]): number => [...sys.fate.values()].filter((f) => fates.includes(f)).length;

function move(sys: System, id: string, to: Fate, from: readonly Fate[]): void {
  const prev = sys.fate.get(id) as Fate;
  // A record of a pending call may have entered the queue without a word (a blocked call fills as room frees).
  const call = sys.callOf.get(id);
  const entered = prev === 'offered' && call?.pending === true && !call.placing && from.includes('queued');
  expect(from.includes(prev) || entered, `${id}: ${prev} → ${to}`).toBe(true);
  sys.fate.set(id, to);
}

/** Applies what a call says happened to its records: the first `accepted` queued, then dropped, spilled, rejected. */
function settle(sys: System, call: Call, outcome: Pick<EnqueueResult, 'accepted' | 'dropped' | 'spilled' | 'rejected'>): void {
  const { accepted, dropped, spilled, rejected } = outcome;
  expect(accepted + dropped + spilled + rejected).toBe(call.ids.length);
  call.pending = false;
  call.ids.forEach((id, i) => {
    const prev = sys.fate.get(id);
    if (i < accepted) {
      if (prev === 'offered') sys.fate.set(id, 'queued');
      else expect(['queued', 'dequeued', 'drained', 'dropped', 'spilling', 'spilled'], `${id} accepted, now ${prev}`).toContain(prev);
    } else if (i < accepted + dropped) expect(prev).toBe('dropped');
    else if (i < accepted + dropped + spilled) expect(['spilling', 'spilled']).toContain(prev);
    else if (prev === 'offered') sys.fate.set(id, 'rejected');
    else expect(prev, `${id} rejected`).toBe('rejected');
  });
}

function takeBatch(sys: System, batch: readonly RecordEnvelope[], maxSize: number, to: 'dequeued' | 'drained'): void {
  if (to === 'dequeued') expect(batch.length).toBeLessThanOrEqual(maxSize);
  for (const r of batch) {
    if (to === 'dequeued') expect(r.priority).toBe(batch[0]?.priority);
    move(sys, r.id, to, ['queued']);
  }
}

function checkInvariants(sys: System): void {
  const m: QueueMetrics = sys.queue.getMetrics();
  expect(sum(m.received)).toBe(sum(m.dequeued) + sum(m.drained) + m.depth + sum(m.dropped) + sum(m.spilled) + sum(m.rejected));
  expect(m.depth).toBeLessThanOrEqual(sys.ceiling);
  sys.ceiling = Math.max(m.capacity, Math.min(sys.ceiling, m.depth));
  expect(m.dropped.critical).toBe(0);
  expect([sum(m.dequeued), sum(m.drained), sum(m.dropped), sum(m.spilled), sum(m.rejected)]).toEqual([
    count(sys, 'dequeued'),
    count(sys, 'drained'),
    count(sys, 'dropped'),
    count(sys, 'spilling', 'spilled'),
    count(sys, 'rejected'),
  ]);
  const unsure = sys.calls.filter((c) => c.pending).reduce((n, c) => n + c.ids.filter((id) => sys.fate.get(id) === 'offered').length, 0);
  expect(m.depth).toBeGreaterThanOrEqual(count(sys, 'queued'));
  expect(m.depth).toBeLessThanOrEqual(count(sys, 'queued') + unsure);
  expect(m.blockedEnqueues).toBe(sys.calls.filter((c) => c.pending && c.block).length);
  expect(m.waitingDequeues).toBe(sys.waitingDequeues);
}

abstract class Step implements fc.AsyncCommand<object, System> {
  constructor(readonly label: string) {}
  check(): boolean {
    return true;
  }
  async run(_m: object, sys: System): Promise<void> {
    this.act(sys);
    await flush();
    checkInvariants(sys);
  }
  abstract act(sys: System): void;
  toString(): string {
    return this.label;
  }
}

function offer(sys: System, n: number, block: boolean): Call {
  const call: Call = { ids: Array.from({ length: n }, () => `r${sys.seq++}`), pending: true, block, placing: true };
  for (const id of call.ids) {
    sys.fate.set(id, 'offered');
    sys.callOf.set(id, call);
  }
  sys.calls.push(call);
  return call;
}

const recordsOf = (call: Call, p: Priority): RecordEnvelope[] => call.ids.map((id) => ({ id, sourceId: 'prop', payload: {}, priority: p, receivedAt: 0, enqueuedAt: 0, attempts: 0 }));

class TryEnqueue extends Step {
  constructor(readonly p: Priority, readonly n: number) {
    super(`tryEnqueueMany(${n}, p${p})`);
  }
  act(sys: System): void {
    if (sys.closed) return void expect(() => sys.queue.tryEnqueueMany([], this.p)).toThrow(/closed/);
    const call = offer(sys, this.n, false);
    settle(sys, call, sys.queue.tryEnqueueMany(recordsOf(call, this.p), this.p));
  }
}

class Enqueue extends Step {
  constructor(readonly p: Priority, readonly n: number, readonly timeoutMs: number | undefined, readonly abortable: boolean) {
    super(`enqueueMany(${n}, p${p}, ${timeoutMs ?? 'default'}${abortable ? ', signal' : ''})`);
  }
  act(sys: System): void {
    const call = offer(sys, sys.closed ? 0 : this.n, sys.strategy === 'block');
    const controller = new AbortController();
    if (this.abortable) sys.controllers.push(controller);
    const options = { timeoutMs: this.timeoutMs, signal: this.abortable ? controller.signal : undefined };
    const done = sys.queue.enqueueMany(recordsOf(call, this.p), this.p, this.timeoutMs === undefined ? { signal: options.signal } : options);
    call.placing = false;
    done.then(
      (result) => settle(sys, call, result),
      (err: { code: string; context: Partial<EnqueueResult> }) => {
        if (sys.closed && call.ids.length === 0) return void (call.pending = false);
        expect(['FIRESTREAM_QUEUE_FULL', 'FIRESTREAM_ABORTED', 'FIRESTREAM_QUEUE_CLOSED']).toContain(err.code);
        const { accepted = 0, dropped = 0, spilled = 0, rejected = 0 } = err.context;
        settle(sys, call, { accepted, dropped, spilled, rejected });
      },
    );
  }
}

class Abort extends Step {
  constructor(readonly k: number) {
    super(`abort(#${k})`);
  }
  act(sys: System): void {
    sys.controllers[this.k % Math.max(1, sys.controllers.length)]?.abort();
  }
}

class TryDequeue extends Step {
  constructor(readonly maxSize: number) {
    super(`tryDequeueBatch(${maxSize})`);
  }
  act(sys: System): void {
    takeBatch(sys, sys.queue.tryDequeueBatch({ maxSize: this.maxSize }), this.maxSize, 'dequeued');
  }
}

class DequeueWait extends Step {
  constructor(readonly maxSize: number, readonly abortable: boolean) {
    super(`dequeueBatch(${maxSize}${abortable ? ', signal' : ''})`);
  }
  act(sys: System): void {
    const controller = new AbortController();
    if (this.abortable) sys.controllers.push(controller);
    sys.waitingDequeues++;
    sys.queue.dequeueBatch({ maxSize: this.maxSize, signal: controller.signal }).then(
      (batch) => {
        sys.waitingDequeues--;
        takeBatch(sys, batch, this.maxSize, 'dequeued');
      },
      (err: { code: string }) => {
        sys.waitingDequeues--;
        expect(err.code).toBe('FIRESTREAM_ABORTED');
      },
    );
  }
}

class Simple extends Step {
  constructor(label: string, readonly fn: (sys: System) => void) {
    super(label);
  }
  act(sys: System): void {
    this.fn(sys);
  }
}

const advance = (ms: number): Step => new Simple(`advance(${ms})`, (sys) => sys.clock.advance(ms));
const drain = (): Step => new Simple('drain()', (sys) => takeBatch(sys, sys.queue.drain(), Number.POSITIVE_INFINITY, 'drained'));
const close = (): Step =>
  new Simple('close()', (sys) => {
    sys.closed = true;
    sys.queue.close();
  });
const sinkMode = (mode: SinkMode): Step => new Simple(`sink(${mode})`, (sys) => void (sys.sinkMode = mode));
const answerSpill = (ok: boolean): Step => new Simple(`answerSpill(${ok})`, (sys) => sys.laterSpills.shift()?.answer(ok));
const resize = (capacity: number): Step =>
  new Simple(`setCapacity(${capacity})`, (sys) => {
    sys.ceiling = Math.max(capacity, sys.queue.size);
    sys.queue.setCapacity(capacity);
  });

function sink(sys: () => System): { spill: (records: readonly RecordEnvelope[], reason: SpillReason) => Promise<void> | void } {
  return {
    spill(records, reason) {
      const s = sys();
      const ids = records.map((r) => r.id);
      for (const id of ids) move(s, id, 'spilling', reason === 'overflow_incoming' ? ['offered'] : ['queued']);
      if (s.sinkMode === 'throw') throw new Error('sink down');
      const keep = (): void => {
        for (const id of ids) if (s.fate.get(id) === 'spilling') s.fate.set(id, 'spilled');
      };
      if (s.sinkMode === 'keep') return keep();
      return new Promise<void>((resolve, reject) => {
        s.laterSpills.push({ ids, answer: (ok) => (ok ? (keep(), resolve()) : reject(new Error('sink failed later'))) });
      });
    },
  };
}

const priority = fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<Priority>;
const steps = fc.commands(
  [
    fc.tuple(priority, fc.integer({ min: 1, max: 6 })).map(([p, n]) => new TryEnqueue(p, n)),
    fc.tuple(priority, fc.integer({ min: 1, max: 6 }), fc.constantFrom(undefined, 10, Number.POSITIVE_INFINITY), fc.boolean()).map(([p, n, t, a]) => new Enqueue(p, n, t, a)),
    fc.integer({ min: 0, max: 20 }).map((k) => new Abort(k)),
    fc.integer({ min: 1, max: 6 }).map((n) => new TryDequeue(n)),
    fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean()).map(([n, a]) => new DequeueWait(n, a)),
    fc.constantFrom(1, 10, 50, 500, 5_000, 1_000).map(advance),
    fc.constant(null).map(drain),
    fc.constant(null).map(close),
    fc.constantFrom<SinkMode>('keep', 'throw', 'later').map(sinkMode),
    fc.boolean().map(answerSpill),
    fc.integer({ min: 1, max: 10 }).map(resize),
  ],
  { maxCommands: 40 },
);

const settingsArb = fc.record({
  capacity: fc.integer({ min: 1, max: 6 }),
  strategy: fc.constantFrom<OverflowStrategy>('drop_lowest', 'drop_oldest', 'reject', 'spill', 'block'),
  hasSink: fc.boolean(),
  sinkMode: fc.constantFrom<SinkMode>('keep', 'throw', 'later'),
  ageing: fc.boolean(),
});

describe('QueueManager (with waiting calls)', () => {
  it('keeps every record in exactly one place through waits, timeouts, aborts, close and a failing sink', async () => {
    await fc.assert(
      fc.asyncProperty(settingsArb, steps, async (settings, commands) => {
        const clock = new FakeClock();
        const holder: { sys?: System } = {};
        const hasSink = settings.strategy === 'spill' || settings.hasSink;
        const queue = new QueueManager({
          maxSize: settings.capacity,
          overflowStrategy: settings.strategy,
          blockTimeoutMs: 20,
          lingerMs: { critical: 0, high: 10, normal: 50, low: 500 },
          ageing: { enabled: settings.ageing, lowToNormalMs: 1_000, normalToHighMs: 2_000 },
          clock,
          scheduler: clock,
          spillSink: hasSink ? sink(() => holder.sys as System) : undefined,
        });
        const sys: System = { clock, queue, strategy: settings.strategy, fate: new Map(), callOf: new Map(), calls: [], controllers: [], laterSpills: [], waitingDequeues: 0, sinkMode: settings.sinkMode, seq: 0, ceiling: settings.capacity, closed: false };
        holder.sys = sys;
        queue.on('drop', ({ record, reason }) => move(sys, record.id, 'dropped', reason === 'overflow_incoming' ? ['offered'] : reason === 'spill_failed' ? ['spilling'] : ['queued']));
        queue.on('spillError', ({ records, reason }) => {
          for (const r of records) {
            if (reason === 'overflow_incoming') move(sys, r.id, 'rejected', ['spilling']);
            else expect(sys.fate.get(r.id)).toBe('dropped');
          }
        });
        await fc.asyncModelRun(() => ({ model: {}, real: sys }), commands);
        // The end: close, answer every late spill, take what is left; every record is somewhere final.
        queue.close();
        sys.closed = true;
        takeBatch(sys, queue.drain(), Number.POSITIVE_INFINITY, 'drained');
        for (let i = 0; sys.laterSpills.length > 0; i++) sys.laterSpills.shift()?.answer(i % 2 === 0);
        await flush();
        checkInvariants(sys);
        expect(sys.calls.filter((c) => c.pending)).toEqual([]);
        expect(count(sys, 'offered', 'queued', 'spilling')).toBe(0);
        const m = queue.getMetrics();
        expect([sum(m.received), m.depth, m.blockedEnqueues, m.waitingDequeues, clock.pendingTimers]).toEqual([sys.fate.size, 0, 0, 0, 0]);
      }),
      { numRuns: 300 },
    );
  });
});
