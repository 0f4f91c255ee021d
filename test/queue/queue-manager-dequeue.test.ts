import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import { Priority } from '../../src/priority/priority.js';
import type { PromoteEvent } from '../../src/queue/queue-types.js';
import { fakeQueue, ids, records, state } from './queue-helpers.js';

const { CRITICAL, HIGH, NORMAL, LOW } = Priority;

describe('QueueManager linger', () => {
  it('lets a batch leave when its oldest record has waited the priority linger (0 / 50 / 500 / 5,000 ms)', () => {
    const { clock, queue } = fakeQueue();
    queue.tryEnqueueMany(records('l', 1), LOW);
    queue.tryEnqueueMany(records('n', 1), NORMAL);
    queue.tryEnqueueMany(records('h', 1), HIGH);
    expect(queue.tryDequeueBatch()).toEqual([]);
    clock.advance(49);
    expect(queue.tryDequeueBatch()).toEqual([]);
    clock.advance(1);
    expect(ids(queue.tryDequeueBatch())).toEqual(['h0']);
    clock.advance(449);
    expect(queue.tryDequeueBatch()).toEqual([]);
    clock.advance(1);
    expect(ids(queue.tryDequeueBatch())).toEqual(['n0']);
    clock.advance(4_499);
    expect(queue.tryDequeueBatch()).toEqual([]);
    clock.advance(1);
    expect(ids(queue.tryDequeueBatch())).toEqual(['l0']);
  });

  it('lets a full batch leave at once, and takes at most maxSize records of one priority', () => {
    const { queue } = fakeQueue();
    queue.tryEnqueueMany(records('l', 7), LOW);
    queue.tryEnqueueMany(records('n', 2), NORMAL);
    expect(queue.tryDequeueBatch({ maxSize: 8 })).toEqual([]);
    expect(ids(queue.tryDequeueBatch({ maxSize: 3 }))).toEqual(['l0', 'l1', 'l2']);
  });

  it('resolves a waiting dequeueBatch at once when a CRITICAL record arrives', async () => {
    const { queue } = fakeQueue();
    queue.tryEnqueueMany(records('l', 3), LOW);
    const waiting = queue.dequeueBatch();
    expect((await state(waiting)).status).toBe('pending');
    queue.tryEnqueue(records('c', 1)[0]!, CRITICAL);
    expect(await state(waiting)).toEqual({ status: 'fulfilled', value: [expect.objectContaining({ id: 'c0' })] });
  });

  it('resolves a waiting dequeueBatch when the linger timer fires, with one timer at a time', async () => {
    const { clock, queue } = fakeQueue();
    const waiting = queue.dequeueBatch();
    expect(clock.pendingTimers).toBe(0);
    queue.tryEnqueueMany(records('n', 2), NORMAL);
    clock.advance(100);
    queue.tryEnqueueMany(records('h', 1), HIGH); // earlier deadline: 150 < 500
    expect(clock.pendingTimers).toBe(1);
    clock.advance(49);
    expect((await state(waiting)).status).toBe('pending');
    clock.advance(1);
    expect(ids(await waiting)).toEqual(['h0']);
    const next = queue.dequeueBatch();
    clock.advance(349);
    expect((await state(next)).status).toBe('pending');
    clock.advance(1);
    expect(ids(await next)).toEqual(['n0', 'n1']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('resolves a waiting dequeueBatch when a batch fills', async () => {
    const { queue } = fakeQueue();
    const waiting = queue.dequeueBatch({ maxSize: 3 });
    queue.tryEnqueueMany(records('l', 2), LOW);
    expect((await state(waiting)).status).toBe('pending');
    queue.tryEnqueueMany(records('m', 2), LOW);
    expect(ids(await waiting)).toEqual(['l0', 'l1', 'm0']);
  });

  it('serves waiting dequeues oldest first and rejects an aborted one with ABORTED', async () => {
    const { queue } = fakeQueue();
    const controller = new AbortController();
    const first = queue.dequeueBatch({ signal: controller.signal });
    const second = queue.dequeueBatch();
    controller.abort(new Error('stop'));
    await expect(first).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    queue.tryEnqueueMany(records('c', 1), CRITICAL);
    expect(ids(await second)).toEqual(['c0']);
    await expect(queue.dequeueBatch({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    expect(queue.getMetrics().waitingDequeues).toBe(0);
  });

  it('waiting dequeues with different maxSize do not block each other', async () => {
    const { queue } = fakeQueue();
    const large = queue.dequeueBatch(); // 500: no full batch of LOW for it
    const small = queue.dequeueBatch({ maxSize: 2 });
    queue.tryEnqueueMany(records('l', 3), LOW);
    expect(ids(await small)).toEqual(['l0', 'l1']);
    expect((await state(large)).status).toBe('pending');
    queue.close();
    expect(ids(await large)).toEqual(['l2']);
  });

  it('an aborted dequeueBatch leaves no linger timer armed', async () => {
    const { clock, queue } = fakeQueue();
    queue.tryEnqueue(records('l', 1)[0]!, LOW);
    const controller = new AbortController();
    const waiting = queue.dequeueBatch({ signal: controller.signal });
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    expect([clock.pendingTimers, queue.getMetrics().waitingDequeues]).toEqual([0, 0]);
  });

  it('an abort that fires during dequeueBatch, before it parks, is not missed', async () => {
    const { clock, queue } = fakeQueue({ lingerMs: { normal: 3_600_000, low: 3_600_000 } });
    queue.tryEnqueue(records('l', 1)[0]!, LOW);
    clock.advance(300_000);
    const controller = new AbortController();
    queue.on('promote', () => controller.abort()); // the dequeue promotes l0, and the listener aborts
    await expect(queue.dequeueBatch({ signal: controller.signal })).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    expect([queue.getMetrics().waitingDequeues, clock.pendingTimers, queue.size]).toEqual([0, 0, 1]);
  });

  it('an abort during dequeueBatch after a batch was taken returns the batch', async () => {
    const { clock, queue } = fakeQueue({ lingerMs: { normal: 0, low: 3_600_000 } });
    queue.tryEnqueue(records('l', 1)[0]!, LOW);
    clock.advance(300_000);
    const controller = new AbortController();
    queue.on('promote', () => controller.abort()); // aborts while the dequeue takes l0 (promoted to NORMAL, ready)
    expect(ids(await queue.dequeueBatch({ signal: controller.signal }))).toEqual(['l0']);
    expect(controller.signal.aborted).toBe(true);
  });

  it('on close, hands out every queued record regardless of linger, then []', async () => {
    const { clock, queue } = fakeQueue();
    queue.tryEnqueueMany(records('l', 2), LOW);
    queue.tryEnqueueMany(records('n', 1), NORMAL);
    const a = queue.dequeueBatch();
    const b = queue.dequeueBatch();
    const c = queue.dequeueBatch();
    queue.close();
    expect([ids(await a), ids(await b), ids(await c)]).toEqual([['n0'], ['l0', 'l1'], []]);
    expect(await queue.dequeueBatch()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('QueueManager weighted round-robin', () => {
  it('gives LOW its share (one batch in four) under a flood of HIGH', () => {
    const { clock, queue } = fakeQueue({ maxSize: 100_000 });
    queue.tryEnqueueMany(records('l', 5_000), LOW);
    clock.advance(5_000); // LOW's linger passed: its batches are ready
    const served: number[] = [];
    for (let i = 0; i < 40; i++) {
      queue.tryEnqueueMany(records(`h${i}-`, 100), HIGH); // a full HIGH batch every step
      served.push(queue.tryDequeueBatch({ maxSize: 100 })[0]!.priority);
    }
    expect(served.filter((p) => p === LOW)).toHaveLength(10);
    expect(served.slice(0, 8)).toEqual([HIGH, HIGH, HIGH, LOW, HIGH, HIGH, HIGH, LOW]);
  });

  it('serves all four priorities 6 : 3 : 2 : 1 when all are ready', () => {
    const { queue } = fakeQueue({ maxSize: 10_000, lingerMs: { critical: 0, high: 0, normal: 0, low: 0 } });
    for (const p of [CRITICAL, HIGH, NORMAL, LOW]) queue.tryEnqueueMany(records(`p${p}-`, 1_000), p);
    const served = Array.from({ length: 24 }, () => queue.tryDequeueBatch({ maxSize: 10 })[0]!.priority);
    expect([0, 1, 2, 3].map((p) => served.filter((s) => s === p).length)).toEqual([12, 6, 4, 2]);
  });
});

describe('QueueManager ageing', () => {
  it('promotes LOW → NORMAL after 5 min and NORMAL → HIGH after 10 min, counted from enqueue', () => {
    const { clock, queue } = fakeQueue({ maxSize: 100, dequeueBatchSize: 100, lingerMs: { low: 3_600_000, normal: 3_600_000 } });
    const promotions: PromoteEvent[] = [];
    queue.on('promote', (e) => promotions.push(e));
    const [low] = records('l', 1);
    queue.tryEnqueue(low!, LOW);
    clock.advance(299_999);
    expect(queue.getQueueDepths().low).toBe(1);
    clock.advance(1);
    expect(queue.getQueueDepths()).toMatchObject({ normal: 1, low: 0 });
    expect(low!.priority).toBe(NORMAL);
    clock.advance(300_000);
    expect(queue.getQueueDepths()).toMatchObject({ high: 1, normal: 0 });
    expect(promotions).toEqual([
      { count: 1, from: LOW, to: NORMAL },
      { count: 1, from: NORMAL, to: HIGH },
    ]);
    expect(queue.getMetrics().promoted).toEqual({ lowToNormal: 1, normalToHigh: 1 });
    const [out] = queue.tryDequeueBatch();
    expect(out).toBe(low);
    expect(queue.getMetrics().waitMs.high).toMatchObject({ count: 1, max: 600_000 });
  });

  it('sends a promoted record before younger records of its new priority', () => {
    const { clock, queue } = fakeQueue({ lingerMs: { normal: 0 } });
    queue.tryEnqueueMany(records('old', 2), LOW);
    clock.advance(200_000);
    queue.tryEnqueueMany(records('n', 2), NORMAL);
    clock.advance(100_000);
    const batch = queue.tryDequeueBatch();
    expect(ids(batch)).toEqual(['old0', 'old1', 'n0', 'n1']);
    expect(batch.every((r: RecordEnvelope) => r.priority === NORMAL)).toBe(true);
  });

  it('does not promote when ageing is disabled', () => {
    const { clock, queue } = fakeQueue({ ageing: { enabled: false } });
    queue.tryEnqueueMany(records('l', 1), LOW);
    clock.advance(3_600_000);
    expect(queue.getQueueDepths().low).toBe(1);
  });

  it('wakes a waiting dequeue when ageing makes a record ready', async () => {
    const { clock, queue } = fakeQueue({ lingerMs: { low: 3_600_000, normal: 0 } });
    queue.tryEnqueueMany(records('l', 1), LOW);
    const waiting = queue.dequeueBatch();
    clock.advance(300_000);
    expect(await waiting).toEqual([expect.objectContaining({ id: 'l0', priority: NORMAL })]);
  });
});

describe('QueueManager wait-time metrics', () => {
  it('records enqueue-to-dequeue time per priority', () => {
    const { clock, queue } = fakeQueue({ lingerMs: { normal: 0 } });
    queue.tryEnqueueMany(records('n', 3), NORMAL);
    clock.advance(120);
    queue.tryDequeueBatch();
    const m = queue.getMetrics();
    expect(m.waitMs.normal).toMatchObject({ count: 3, min: 120, max: 120, p50: 120, p99: 120 });
    expect(m.dequeued.normal).toBe(3);
    expect(m.waitMs.low.count).toBe(0);
    expect(Object.isFrozen(m) && Object.isFrozen(m.waitMs) && Object.isFrozen(m.depths)).toBe(true);
  });
});
