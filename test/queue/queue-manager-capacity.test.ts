import { describe, expect, it } from 'vitest';
import { Priority } from '../../src/priority/priority.js';
import type { CapacityChangeEvent, FullEvent } from '../../src/queue/queue-types.js';
import { fakeQueue, ids, records, state } from './queue-helpers.js';

const { CRITICAL, HIGH, NORMAL, LOW } = Priority;

describe('QueueManager.setCapacity growing', () => {
  it('takes effect at once: room, utilization and metrics use the new capacity, and capacityChange is emitted', () => {
    const { queue } = fakeQueue({ maxSize: 4, overflowStrategy: 'reject' });
    const changes: CapacityChangeEvent[] = [];
    queue.on('capacityChange', (e) => changes.push(e));
    queue.tryEnqueueMany(records('a', 4), NORMAL);
    expect(queue.utilization).toBe(1);
    queue.setCapacity(8);
    expect(changes).toEqual([{ from: 4, to: 8 }]);
    expect([queue.capacity, queue.utilization]).toEqual([8, 0.5]);
    expect(queue.tryEnqueueMany(records('b', 5), NORMAL)).toMatchObject({ accepted: 4, rejected: 1 });
    expect(queue.getMetrics()).toMatchObject({ capacity: 8, depth: 8, utilization: 1 });
    queue.setCapacity(8);
    expect(changes).toHaveLength(1); // the same capacity is no change
  });

  it('admits blocked `block` enqueues into the new room, most urgent caller first', async () => {
    const { queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block' });
    queue.tryEnqueueMany(records('a', 2), LOW);
    const low = queue.enqueueMany(records('l', 2), LOW);
    const high = queue.enqueueMany(records('h', 2), HIGH);
    expect(queue.getMetrics().blockedEnqueues).toBe(2);
    queue.setCapacity(5); // room for 3: both HIGH records, then the first LOW one
    expect(await state(high)).toEqual({ status: 'fulfilled', value: { accepted: 2, dropped: 0, spilled: 0, rejected: 0, displaced: 0 } });
    expect((await state(low)).status).toBe('pending');
    expect(queue.getQueueDepths()).toEqual({ critical: 0, high: 2, normal: 0, low: 3 });
    queue.setCapacity(6);
    expect((await low).accepted).toBe(2);
    expect(queue.getMetrics()).toMatchObject({ depth: 6, blockedEnqueues: 0 });
  });

  it('lets the default batch grow with the capacity (at most dequeueBatchSize)', () => {
    const { queue } = fakeQueue({ maxSize: 5, dequeueBatchSize: 500 });
    queue.setCapacity(1_000);
    queue.tryEnqueueMany(records('c', 600), CRITICAL);
    expect(queue.tryDequeueBatch()).toHaveLength(500);
  });
});

describe('QueueManager.setCapacity shrinking', () => {
  it('keeps every queued record, reports utilization above 1, and emits full', () => {
    const { queue, drops } = fakeQueue({ maxSize: 10 });
    const full: FullEvent[] = [];
    queue.on('full', (e) => full.push(e));
    queue.tryEnqueueMany(records('l', 6), LOW);
    queue.setCapacity(4);
    expect([queue.size, queue.capacity, queue.utilization]).toEqual([6, 4, 1.5]);
    expect(queue.getMetrics()).toMatchObject({ depth: 6, capacity: 4, utilization: 1.5 });
    expect(drops).toEqual([]);
    expect(full).toEqual([{ capacity: 4, strategy: 'drop_lowest' }]);
  });

  it('with drop_lowest, overflows new records until the depth falls under the capacity, then fills free room again', () => {
    const { clock, queue, drops } = fakeQueue({ maxSize: 10, lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('l', 6), LOW);
    queue.setCapacity(4);
    // A more urgent record displaces a lower one, one for one: the depth does not grow.
    expect(queue.tryEnqueue(records('h', 1)[0]!, HIGH)).toMatchObject({ accepted: 1, displaced: 1 });
    expect(queue.size).toBe(6);
    // A record with nothing lower to displace is the one dropped.
    expect(queue.tryEnqueue(records('x', 1)[0]!, LOW)).toMatchObject({ accepted: 0, dropped: 1 });
    expect(drops.map((d) => [d.record.id, d.reason])).toEqual([
      ['l0', 'overflow_lowest'],
      ['x0', 'overflow_incoming'],
    ]);
    clock.advance(50); // HIGH's linger
    expect(ids(queue.tryDequeueBatch())).toEqual(['h0']);
    expect(ids(queue.tryDequeueBatch({ maxSize: 2 }))).toEqual(['l1', 'l2']);
    expect(queue.size).toBe(3);
    expect(queue.tryEnqueueMany(records('n', 2), NORMAL)).toMatchObject({ accepted: 2, displaced: 1 }); // n0 into free room, n1 displaces l3
    expect(queue.size).toBe(4);
  });

  it('with reject, refuses new records until the depth falls under the capacity', () => {
    const { queue } = fakeQueue({ maxSize: 5, overflowStrategy: 'reject', lingerMs: { normal: 0 } });
    queue.tryEnqueueMany(records('n', 5), NORMAL);
    queue.setCapacity(3);
    expect(queue.tryEnqueue(records('c', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 0, rejected: 1 });
    queue.tryDequeueBatch({ maxSize: 2 });
    expect(queue.tryEnqueue(records('d', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 0, rejected: 1 }); // depth 3, capacity 3
    queue.tryDequeueBatch({ maxSize: 1 });
    expect(queue.tryEnqueue(records('e', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 1 });
  });

  it('with block, keeps callers waiting until dequeues bring the depth under the new capacity', async () => {
    const { queue } = fakeQueue({ maxSize: 4, overflowStrategy: 'block', lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 4), LOW);
    queue.setCapacity(2);
    const pending = queue.enqueueMany(records('b', 1), LOW);
    queue.tryDequeueBatch({ maxSize: 2 }); // depth 2 = capacity: still no room
    expect((await state(pending)).status).toBe('pending');
    queue.tryDequeueBatch({ maxSize: 1 });
    expect((await pending).accepted).toBe(1);
    expect(queue.size).toBe(2);
  });

  it('caps the default batch at the smaller capacity, so a full lane leaves without waiting for linger', () => {
    const { queue } = fakeQueue({ maxSize: 100, dequeueBatchSize: 50 });
    queue.tryEnqueueMany(records('l', 30), LOW);
    expect(queue.tryDequeueBatch()).toEqual([]); // 30 < 50 and LOW lingers 5 s
    queue.setCapacity(20);
    expect(queue.tryDequeueBatch()).toHaveLength(20);
  });

  it('refuses a capacity that is not a whole number of 1 or more, naming it', () => {
    const { queue } = fakeQueue();
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      expect(() => queue.setCapacity(bad)).toThrow(expect.objectContaining({ code: 'FIRESTREAM_INVALID_OPTION', context: expect.objectContaining({ option: 'capacity' }) }));
    }
    expect(queue.capacity).toBe(10_000);
  });
});
