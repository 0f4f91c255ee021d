import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import { Priority } from '../../src/priority/priority.js';
import { QueueFullError } from '../../src/queue/queue-errors.js';
import type { SpillErrorEvent, SpillReason } from '../../src/queue/queue-types.js';
import { fakeQueue, flush, ids, records, state } from './queue-helpers.js';

const { CRITICAL, HIGH, NORMAL, LOW } = Priority;

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

  it('lets blocked callers into the room drain() frees', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const pending = queue.enqueueMany(records('b', 1), LOW);
    expect(ids(queue.drain())).toEqual(['a0']);
    expect((await pending).accepted).toBe(1);
    expect(queue.size).toBe(1);
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

  it('waits for the sink in enqueue, and counts records it failed to keep as dropped (spill_failed)', async () => {
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
    const lost = queue.enqueueMany(records('c', 2), NORMAL);
    await flush();
    fail(new Error('disk full'));
    expect(await lost).toMatchObject({ accepted: 0, spilled: 0, dropped: 2 });
    expect(drops.map((d) => [d.record.id, d.reason])).toEqual([
      ['c0', 'spill_failed'],
      ['c1', 'spill_failed'],
    ]);
    expect(errors[0]?.error).toEqual(new Error('disk full'));
    const m = queue.getMetrics();
    expect([m.spilled.critical, m.spilled.normal, m.dropped.normal]).toEqual([1, 0, 2]);
  });

  it('counts a sink that throws synchronously as spill_failed', () => {
    const { queue, drops } = spillQueue(1, () => {
      throw new Error('boom');
    });
    queue.tryEnqueueMany(records('a', 1), HIGH);
    queue.tryEnqueueMany(records('b', 1), LOW);
    expect(drops.map((d) => [d.record.id, d.priority, d.reason])).toEqual([['b0', LOW, 'spill_failed']]);
    expect(queue.getMetrics().spilled.low).toBe(0);
  });

  it('with drop_lowest and a sink, spills CRITICAL records that meet a queue full of CRITICAL ones', () => {
    const spilled: string[] = [];
    const { queue } = fakeQueue({ maxSize: 1, spillSink: { spill: (list) => void spilled.push(...ids(list)) } });
    queue.tryEnqueueMany(records('c', 1), CRITICAL);
    expect(queue.tryEnqueueMany(records('d', 1), CRITICAL)).toMatchObject({ spilled: 1, rejected: 0 });
    expect(queue.tryEnqueueMany(records('l', 1), LOW)).toMatchObject({ dropped: 1 });
    expect(spilled).toEqual(['d0']);
  });
});
