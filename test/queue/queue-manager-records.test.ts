import { describe, expect, it } from 'vitest';
import type { RecordEnvelope } from '../../src/core/record.js';
import { Priority } from '../../src/priority/priority.js';
import type { PriorityCounts, QueueMetrics } from '../../src/queue/queue-types.js';
import { fakeQueue, flush, ids, records, state } from './queue-helpers.js';

const { HIGH, NORMAL, LOW } = Priority;

const total = (counts: PriorityCounts): number => counts.critical + counts.high + counts.normal + counts.low;
/** Both sides of received = dequeued + drained + depth + dropped + spilled + rejected. */
const sides = (m: QueueMetrics): [number, number] => [total(m.received), total(m.dequeued) + total(m.drained) + m.depth + total(m.dropped) + total(m.spilled) + total(m.rejected)];

/** A CRITICAL record whose `priority` setter refuses any change: it passes the up-front check (which writes the same value back) and fails when the queue stamps it with another priority. */
function unwritable(id: string): RecordEnvelope {
  const [record] = records(id, 1, Priority.CRITICAL);
  Object.defineProperty(record, 'priority', {
    get: () => Priority.CRITICAL,
    set: (value: Priority) => {
      if (value !== Priority.CRITICAL) throw new TypeError('priority is fixed');
    },
  });
  return record!;
}

describe('QueueManager records', () => {
  it('a null, primitive or frozen record is refused with INVALID_RECORD before anything is queued', async () => {
    const { queue } = fakeQueue({ maxSize: 3 });
    const { enqueuedAt: _absent, ...partial } = records('p', 1)[0]!;
    const bad: unknown[] = [null, undefined, 5, 'text', Object.freeze(records('f', 1)[0]), Object.preventExtensions(partial)];
    for (const value of bad) {
      const batch = [...records('a', 2), value] as RecordEnvelope[];
      expect(() => queue.tryEnqueueMany(batch, LOW)).toThrow(expect.objectContaining({ code: 'FIRESTREAM_INVALID_RECORD', context: expect.objectContaining({ index: 2, value }) }));
      expect(() => queue.tryEnqueue(value as RecordEnvelope, LOW)).toThrow(expect.objectContaining({ code: 'FIRESTREAM_INVALID_RECORD', context: expect.objectContaining({ index: 0 }) }));
      await expect(queue.enqueueMany(batch, LOW)).rejects.toMatchObject({ code: 'FIRESTREAM_INVALID_RECORD', context: { index: 2 } });
    }
    expect(() => queue.tryEnqueueMany([null] as never, LOW)).toThrow('Queue record at index 0 must be a record object');
    expect(() => queue.tryEnqueueMany([null] as never, LOW)).toThrow('(got null)');
    // Nothing was queued or counted, and the capacity still holds.
    const m = queue.getMetrics();
    expect([queue.size, m.depth, total(m.received)]).toEqual([0, 0, 0]);
    expect(queue.tryEnqueueMany(records('c', 5), LOW)).toMatchObject({ accepted: 3, dropped: 2 });
    expect(queue.size).toBe(3);
  });

  it('takes a sealed record: the queue only writes fields it already has', () => {
    const { queue } = fakeQueue({ lingerMs: { high: 0 } });
    const sealed = Object.seal(records('s', 1)[0]!);
    expect(queue.tryEnqueueMany([sealed], HIGH)).toMatchObject({ accepted: 1 });
    expect(queue.tryDequeueBatch()).toEqual([expect.objectContaining({ id: 's0', priority: HIGH })]);
  });

  it('a record whose fields cannot be written mid-batch leaves size, depths and counters consistent', () => {
    const { queue, drops } = fakeQueue({ maxSize: 4, lingerMs: { low: 0, high: 0 } });
    const batch = [...records('a', 2), unwritable('bad'), ...records('c', 1)];
    expect(() => queue.tryEnqueueMany(batch, LOW)).toThrow(
      expect.objectContaining({ code: 'FIRESTREAM_INVALID_RECORD', context: expect.objectContaining({ index: 2, accepted: 2, rejected: 2 }) }),
    );
    expect([queue.size, queue.getQueueDepths().low]).toEqual([2, 2]);
    expect(sides(queue.getMetrics())).toEqual([4, 4]);
    expect(() => queue.tryEnqueue(unwritable('z'), LOW)).toThrow(expect.objectContaining({ code: 'FIRESTREAM_INVALID_RECORD', context: expect.objectContaining({ index: 0, rejected: 1 }) }));
    expect(queue.size).toBe(2);
    // Overflow: h0 displaces a0; the bad record takes no victim.
    queue.tryEnqueueMany(records('d', 2), LOW);
    expect(() => queue.tryEnqueueMany([...records('h', 1), unwritable('x')], HIGH)).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ index: 1, accepted: 1, rejected: 1, displaced: 1 }) }),
    );
    expect(drops.map((d) => d.record.id)).toEqual(['a0']);
    expect(queue.size).toBe(4);
    expect(() => queue.tryEnqueue(unwritable('y'), HIGH)).toThrow(expect.objectContaining({ code: 'FIRESTREAM_INVALID_RECORD' }));
    const m = queue.getMetrics();
    expect(sides(m)).toEqual([10, 10]);
    expect([total(m.rejected), m.depth]).toEqual([5, 4]);
    expect(ids(queue.tryDequeueBatch())).toEqual(['h0']);
  });

  it('a record that cannot be written settles its blocked call with INVALID_RECORD and loses no dequeued record', async () => {
    const { queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 2), LOW);
    const pending = queue.enqueueMany([...records('c', 1), unwritable('bad')], LOW).catch((e: unknown) => e);
    expect(ids(queue.tryDequeueBatch({ maxSize: 1 }))).toEqual(['a0']); // c0 enters
    expect(ids(queue.tryDequeueBatch({ maxSize: 1 }))).toEqual(['a1']); // the bad record fails: the batch is still returned
    expect(await pending).toMatchObject({ code: 'FIRESTREAM_INVALID_RECORD', context: { index: 1, accepted: 1, rejected: 1 } });
    const m = queue.getMetrics();
    expect(sides(m)).toEqual([4, 4]);
    expect([total(m.dequeued), m.depth, total(m.rejected), m.blockedEnqueues]).toEqual([2, 1, 1, 0]);
  });

  it('a blocked call whose records array is changed by the caller does not hang the process', async () => {
    const { queue } = fakeQueue({ maxSize: 3, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 2), LOW);
    const buffer = records('c', 3);
    const pending = queue.enqueueMany(buffer, LOW); // c0 enters; c1 and c2 wait
    buffer.length = 0; // the caller reuses its buffer without awaiting
    expect(ids(queue.tryDequeueBatch({ maxSize: 1 }))).toEqual(['a0']); // returns: c1 enters
    expect(ids(queue.tryDequeueBatch({ maxSize: 1 }))).toEqual(['a1']); // c2 enters
    expect(await pending).toMatchObject({ accepted: 3, rejected: 0 });
    expect(ids(queue.drain())).toEqual(['c0', 'c1', 'c2']);
  });

  it('a blocked call keeps the records it was given, even if the caller swaps them out', async () => {
    const { queue } = fakeQueue({ maxSize: 1, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const buffer = records('b', 1);
    const pending = queue.enqueueMany(buffer, NORMAL);
    buffer[0] = null as never;
    queue.tryDequeueBatch();
    await flush();
    expect((await state(pending)).status).toBe('fulfilled');
    expect(ids(queue.drain())).toEqual(['b0']);
  });
});
