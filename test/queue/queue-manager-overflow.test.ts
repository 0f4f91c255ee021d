import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import { Priority } from '../../src/priority/priority.js';
import { QueueFullError } from '../../src/queue/queue-errors.js';
import type { PriorityCounts, QueueMetrics, SpillErrorEvent, SpillReason } from '../../src/queue/queue-types.js';
import { fakeQueue, flush, ids, records, state } from './queue-helpers.js';

const { CRITICAL, HIGH, NORMAL, LOW } = Priority;

const total = (counts: PriorityCounts): number => counts.critical + counts.high + counts.normal + counts.low;
/** Both sides of received = dequeued + drained + depth + dropped + spilled + rejected. */
const sides = (m: QueueMetrics): [number, number] => [total(m.received), total(m.dequeued) + total(m.drained) + m.depth + total(m.dropped) + total(m.spilled) + total(m.rejected)];

describe('QueueManager block strategy', () => {
  it('waits for room, taking records in as room frees, and resolves once all are queued', async () => {
    const { queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const pending = queue.enqueueMany(records('b', 4), LOW);
    expect(queue.size).toBe(2); // b0 went in at once
    expect(queue.getMetrics().blockedEnqueues).toBe(1);
    expect(ids(queue.tryDequeueBatch({ maxSize: 2 }))).toEqual(['a0', 'b0']); // b1, b2 enter
    expect((await state(pending)).status).toBe('pending');
    expect(ids(queue.tryDequeueBatch({ maxSize: 1 }))).toEqual(['b1']); // b3 enters
    expect(await pending).toEqual({ accepted: 4, dropped: 0, spilled: 0, rejected: 0, displaced: 0 });
    expect(queue.getMetrics().blockedEnqueues).toBe(0);
  });

  it('serves the most urgent blocked caller first', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const low = queue.enqueueMany(records('l', 1), LOW);
    const critical = queue.enqueueMany(records('c', 1), CRITICAL);
    queue.tryDequeueBatch();
    expect((await state(critical)).status).toBe('fulfilled');
    expect((await state(low)).status).toBe('pending');
    expect(ids(queue.tryDequeueBatch())).toEqual(['c0']);
    expect((await state(low)).status).toBe('fulfilled');
  });

  it('rejects with QueueFullError after the timeout; records not queued count as rejected', async () => {
    const { clock, queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block', blockTimeoutMs: 1_000 });
    const pending = queue.enqueueMany(records('a', 3), HIGH);
    clock.advance(999);
    expect((await state(pending)).status).toBe('pending');
    clock.advance(1);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as QueueFullError).context).toMatchObject({ priority: HIGH, capacity: 2, depth: 2, timeoutMs: 1_000, accepted: 2, rejected: 1, strategy: 'block' });
    const m = queue.getMetrics();
    expect([m.rejected.high, m.enqueued.high, m.received.high]).toEqual([1, 2, 3]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('takes a per-call timeout and an AbortSignal', async () => {
    const { clock, queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const short = queue.enqueue(records('s', 1)[0]!, LOW, { timeoutMs: 10 });
    const controller = new AbortController();
    const aborted = queue.enqueue(records('x', 1)[0]!, LOW, { signal: controller.signal, timeoutMs: Number.POSITIVE_INFINITY });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    clock.advance(10);
    await expect(short).rejects.toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', context: { timeoutMs: 10 } });
    await expect(queue.enqueue(records('y', 1)[0]!, LOW, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED' });
    await expect(queue.enqueue(records('z', 1)[0]!, LOW, { timeoutMs: -1 })).rejects.toMatchObject({ code: 'FIRESTREAM_INVALID_OPTION' });
    expect(queue.getMetrics().rejected.low).toBe(2);
  });

  it('releases blocked callers on close with QUEUE_CLOSED', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const pending = queue.enqueueMany(records('b', 2), NORMAL);
    queue.close();
    await expect(pending).rejects.toMatchObject({ code: 'FIRESTREAM_QUEUE_CLOSED', context: { accepted: 0, rejected: 2 } });
  });

  it('refuses without waiting in tryEnqueue', () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 1), LOW);
    expect(queue.tryEnqueue(records('b', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 0, rejected: 1 });
  });

  it('an abort that fires during the call, before it parks, is not missed', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    const controller = new AbortController();
    queue.on('full', () => controller.abort()); // a1 fills the queue: the listener aborts before the call parks
    const pending = queue.enqueueMany(records('a', 2), LOW, { signal: controller.signal, timeoutMs: Number.POSITIVE_INFINITY });
    expect(await state(pending)).toEqual({ status: 'rejected', reason: expect.objectContaining({ code: 'FIRESTREAM_ABORTED', context: expect.objectContaining({ accepted: 1, rejected: 1 }) }) });
    const m = queue.getMetrics();
    expect([m.blockedEnqueues, m.rejected.low, m.depth]).toEqual([0, 1, 1]);
  });

  it('lets go of callers that gave up at once, even behind a caller waiting without end', async () => {
    const { clock, queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block', blockTimeoutMs: 10 });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const head = queue.enqueue(records('h', 1)[0]!, LOW, { timeoutMs: Number.POSITIVE_INFINITY });
    const timedOut = Array.from({ length: 200 }, (_, i) => queue.enqueueMany(records(`t${i}-`, 1), LOW).catch((e: unknown) => e));
    expect(queue.getMetrics().blockedEnqueues).toBe(201);
    clock.advance(10);
    expect(queue.getMetrics().blockedEnqueues).toBe(1);
    expect((await Promise.all(timedOut)).every((e) => (e as { code?: string }).code === 'FIRESTREAM_QUEUE_FULL')).toBe(true);
    queue.close();
    await expect(head).rejects.toMatchObject({ code: 'FIRESTREAM_QUEUE_CLOSED' });
  });

  it('lets blocked callers into the room drain() frees', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const pending = queue.enqueueMany(records('b', 1), LOW);
    expect(ids(queue.drain())).toEqual(['a0']);
    expect((await pending).accepted).toBe(1);
    expect(queue.size).toBe(1);
  });
});

describe('QueueManager drop_oldest', () => {
  it('a call larger than the free room never displaces its own records: the first accepted ones stay queued', () => {
    const { clock, queue, drops } = fakeQueue({ maxSize: 3, overflowStrategy: 'drop_oldest', lingerMs: { normal: 0 } });
    expect(queue.tryEnqueueMany(records('r', 10), NORMAL)).toEqual({ accepted: 3, dropped: 7, spilled: 0, rejected: 0, displaced: 0 });
    expect(drops.every((d) => d.reason === 'overflow_incoming')).toBe(true);
    expect(ids(queue.drain())).toEqual(['r0', 'r1', 'r2']);
    queue.tryEnqueueMany(records('l', 1), LOW);
    clock.advance(1);
    expect(queue.tryEnqueueMany(records('n', 5), NORMAL)).toEqual({ accepted: 3, dropped: 2, spilled: 0, rejected: 0, displaced: 1 }); // n2 displaces l0, not n0
    expect(ids(queue.tryDequeueBatch())).toEqual(['n0', 'n1', 'n2']);
  });
});

describe('QueueManager spill strategy', () => {
  function spillQueue(maxSize: number, spill: (records: readonly RecordEnvelope[], reason: SpillReason) => Promise<void> | void) {
    return fakeQueue({ maxSize, overflowStrategy: 'spill', spillSink: { spill } });
  }

  it('spills what drop_lowest would drop: a lower queued record, or the incoming ones', async () => {
    const spilled: [string[], SpillReason][] = [];
    const { queue, drops } = spillQueue(2, (list, reason) => void spilled.push([ids(list), reason]));
    queue.tryEnqueueMany(records('l', 2), LOW);
    expect(queue.tryEnqueueMany(records('h', 1), HIGH)).toMatchObject({ accepted: 1, displaced: 1, spilled: 0 });
    expect(await queue.enqueueMany(records('n', 3), NORMAL)).toMatchObject({ accepted: 1, displaced: 1, spilled: 2 });
    expect(spilled).toEqual([
      [['l0'], 'overflow_displaced'],
      [['l1'], 'overflow_displaced'],
      [['n1', 'n2'], 'overflow_incoming'],
    ]);
    expect(drops).toEqual([]);
    expect(queue.getMetrics().spilled).toEqual({ critical: 0, high: 0, normal: 2, low: 2 });
  });

  it('waits for the sink in enqueue; incoming records it fails to keep are refused with QueueFullError, never dropped', async () => {
    let release!: () => void;
    let fail!: (err: Error) => void;
    const { queue, drops } = spillQueue(1, (list) =>
      list[0]!.id === 'b0' ? new Promise<void>((resolve) => (release = resolve)) : new Promise<void>((_resolve, reject) => (fail = reject)),
    );
    const errors: SpillErrorEvent<RecordEnvelope>[] = [];
    queue.on('spillError', (e) => errors.push(e));
    queue.tryEnqueueMany(records('a', 1), CRITICAL);
    const kept = queue.enqueueMany(records('b', 1), CRITICAL);
    expect((await state(kept)).status).toBe('pending');
    release();
    expect(await kept).toMatchObject({ spilled: 1, dropped: 0 });
    const lost = queue.enqueueMany(records('c', 2), NORMAL).catch((e: unknown) => e);
    await flush();
    fail(new Error('disk full'));
    const err = await lost;
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', cause: new Error('disk full'), context: { accepted: 0, rejected: 2, strategy: 'spill' } });
    expect((err as Error).message).toContain('2 NORMAL record(s) refused: the spill sink failed to keep them');
    expect(drops).toEqual([]);
    expect(errors.map((e) => [ids(e.records), e.reason, e.error])).toEqual([[['c0', 'c1'], 'overflow_incoming', new Error('disk full')]]);
    const m = queue.getMetrics();
    expect([m.spilled.critical, m.spilled.normal, m.rejected.normal, m.dropped.normal]).toEqual([1, 0, 2, 0]);
  });

  it('a sink that throws synchronously: incoming records are reported rejected, displaced ones dropped (spill_failed)', () => {
    const { queue, drops } = spillQueue(1, () => {
      throw new Error('boom');
    });
    queue.tryEnqueueMany(records('a', 1), HIGH);
    expect(queue.tryEnqueueMany(records('b', 1), LOW)).toEqual({ accepted: 0, dropped: 0, spilled: 0, rejected: 1, displaced: 0 });
    expect(drops).toEqual([]);
    expect(queue.tryEnqueueMany(records('c', 1), CRITICAL)).toEqual({ accepted: 1, dropped: 0, spilled: 0, rejected: 0, displaced: 1 }); // a0 displaced, the sink throws
    expect(drops.map((d) => [d.record.id, d.priority, d.reason])).toEqual([['a0', HIGH, 'spill_failed']]);
    const m = queue.getMetrics();
    expect([m.spilled.low, m.rejected.low, m.spilled.high, m.dropped.high]).toEqual([0, 1, 0, 1]);
  });

  it('with drop_lowest and a sink, spills CRITICAL records that meet a queue full of CRITICAL ones', () => {
    const spilled: string[] = [];
    const { queue } = fakeQueue({ maxSize: 1, spillSink: { spill: (list) => void spilled.push(...ids(list)) } });
    queue.tryEnqueueMany(records('c', 1), CRITICAL);
    expect(queue.tryEnqueueMany(records('d', 1), CRITICAL)).toMatchObject({ spilled: 1, rejected: 0 });
    expect(queue.tryEnqueueMany(records('l', 1), LOW)).toMatchObject({ dropped: 1 });
    expect(spilled).toEqual(['d0']);
  });

  it('a CRITICAL record is never lost when the spill sink fails: refused, counted as rejected', async () => {
    let fail!: (err: Error) => void;
    const { queue, drops } = fakeQueue({ maxSize: 1, spillSink: { spill: () => new Promise<void>((_resolve, reject) => (fail = reject)) } });
    const errors: SpillErrorEvent<RecordEnvelope>[] = [];
    queue.on('spillError', (e) => errors.push(e));
    queue.tryEnqueueMany(records('c', 1), CRITICAL);
    const refused = queue.enqueue(records('x', 1)[0]!, CRITICAL).catch((e: unknown) => e);
    await flush();
    fail(new Error('disk full'));
    expect(await refused).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', context: { priority: CRITICAL, accepted: 0, rejected: 1 } });
    // tryEnqueue cannot wait: it reports the hand-over, and the later failure comes back as spillError (rejected).
    expect(queue.tryEnqueue(records('y', 1)[0]!, CRITICAL)).toMatchObject({ spilled: 1 });
    fail(new Error('still full'));
    await flush();
    expect(drops).toEqual([]);
    expect(errors.map((e) => [ids(e.records), e.reason])).toEqual([
      [['x0'], 'overflow_incoming'],
      [['y0'], 'overflow_incoming'],
    ]);
    const m = queue.getMetrics();
    expect([m.dropped.critical, m.spilled.critical, m.rejected.critical]).toEqual([0, 0, 2]);
  });

  it('a spill wait honours its timeout: the incoming records are rejected once, whatever the sink answers later', async () => {
    const answers: (() => void)[] = [];
    const { clock, queue, drops } = spillQueue(1, () => new Promise<void>((resolve) => answers.push(resolve)));
    const errors: SpillErrorEvent<RecordEnvelope>[] = [];
    queue.on('spillError', (e) => errors.push(e));
    queue.tryEnqueueMany(records('a', 1), HIGH);
    const waiting = queue.enqueue(records('b', 1)[0]!, NORMAL, { timeoutMs: 100 }).catch((e: unknown) => e);
    clock.advance(99);
    expect((await state(waiting)).status).toBe('pending');
    clock.advance(1);
    const err = await waiting;
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).toMatchObject({ context: { timeoutMs: 100, accepted: 0, rejected: 1 } });
    expect((err as Error).message).toContain('after waiting 100 ms for the spill sink');
    expect(errors.map((e) => [ids(e.records), e.reason, e.error])).toEqual([[['b0'], 'overflow_incoming', err]]);
    answers[0]!(); // the sink keeps b0 after all: counted once, as rejected
    await flush();
    const m = queue.getMetrics();
    expect([m.spilled.normal, m.rejected.normal, m.dropped.normal, errors.length, clock.pendingTimers]).toEqual([0, 1, 0, 1, 0]);
    expect(drops).toEqual([]);
  });

  it('a spill wait honours its AbortSignal; displaced records stay with the sink', async () => {
    const answers: ((err?: Error) => void)[] = [];
    const { queue, drops } = spillQueue(1, () => new Promise<void>((resolve, reject) => answers.push((err) => (err ? reject(err) : resolve()))));
    queue.tryEnqueueMany(records('l', 1), LOW);
    const controller = new AbortController();
    const displacing = queue.enqueue(records('h', 1)[0]!, HIGH, { signal: controller.signal }); // l0 displaced to the sink
    const incoming = queue.enqueue(records('n', 1)[0]!, NORMAL, { signal: controller.signal }); // nothing lower: n0 to the sink
    controller.abort();
    await expect(incoming).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED', context: { accepted: 0, spilled: 0, rejected: 1 } });
    await expect(displacing).rejects.toMatchObject({ code: 'FIRESTREAM_ABORTED', context: { accepted: 1, displaced: 1, rejected: 0 } });
    answers[1]!(new Error('late failure')); // n0: already rejected, not counted again
    answers[0]!(new Error('disk full')); // l0 was the queue's: dropped
    await flush();
    expect(drops.map((d) => [d.record.id, d.reason])).toEqual([['l0', 'spill_failed']]);
    const m = queue.getMetrics();
    expect([m.rejected.normal, m.dropped.low, m.spilled.low, m.depth]).toEqual([1, 1, 0, 1]);
    expect(sides(m)).toEqual([3, 3]);
  });

  it('checks timeoutMs with every strategy', async () => {
    const { queue } = fakeQueue();
    for (const timeoutMs of [0, -1, Number.NaN, 2 ** 31]) {
      await expect(queue.enqueue(records('a', 1)[0]!, LOW, { timeoutMs })).rejects.toMatchObject({ code: 'FIRESTREAM_INVALID_OPTION', context: { option: 'timeoutMs' } });
    }
    expect(queue.size).toBe(0);
  });
});
