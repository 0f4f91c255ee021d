import { describe, expect, it } from 'vitest';
import { QueueSchema } from '../../src/config/schema/queue.js';
import { isFirestreamError } from '../../src/errors.js';
import { Priority } from '../../src/priority/priority.js';
import { QueueFullError } from '../../src/queue/queue-errors.js';
import { QueueManager } from '../../src/queue/queue-manager.js';
import type { FullEvent, PriorityCounts, QueueMetrics } from '../../src/queue/queue-types.js';
import { fakeQueue, ids, records } from './queue-helpers.js';

const { CRITICAL, HIGH, NORMAL, LOW } = Priority;

const withCode = (code: string, extra: Record<string, unknown> = {}) => expect.objectContaining({ code, ...extra });

describe('QueueManager enqueue', () => {
  it('accepts into free room, sets priority and enqueuedAt, and reports depths and utilization', () => {
    const { clock, queue } = fakeQueue({ maxSize: 10 });
    clock.advance(1_234);
    const [r] = records('a', 1, LOW);
    expect(queue.tryEnqueue(r!, HIGH)).toEqual({ accepted: 1, dropped: 0, spilled: 0, rejected: 0, displaced: 0 });
    expect(queue.tryEnqueueMany(records('b', 3), NORMAL).accepted).toBe(3);
    expect(r!.priority).toBe(HIGH);
    expect(r!.enqueuedAt).toBe(clock.now());
    expect(queue.getQueueDepths()).toEqual({ critical: 0, high: 1, normal: 3, low: 0 });
    expect([queue.size, queue.capacity, queue.utilization]).toEqual([4, 10, 0.4]);
  });

  it('uses the schema defaults: 10,000 records, drop_lowest, batches of 500', () => {
    const queue = new QueueManager();
    const defaults = QueueSchema.parse({});
    expect([queue.capacity, queue.strategy]).toEqual([defaults.maxSize, defaults.overflowStrategy]);
    expect(queue.capacity).toBe(10_000);
    queue.tryEnqueueMany(records('d', 600), CRITICAL);
    expect(queue.tryDequeueBatch()).toHaveLength(500);
  });

  it('accepts config.queue as it is (the parsed section)', () => {
    const section = QueueSchema.parse({ maxSize: 3, overflowStrategy: 'reject' });
    const queue = new QueueManager(section);
    expect([queue.capacity, queue.strategy]).toEqual([3, 'reject']);
  });

  describe('drop_lowest (default)', () => {
    it('drops the oldest record of the lowest non-empty priority below the incoming one', () => {
      const { queue, drops } = fakeQueue({ maxSize: 4 });
      queue.tryEnqueueMany(records('n', 2), NORMAL);
      queue.tryEnqueueMany(records('l', 2), LOW);
      const result = queue.tryEnqueueMany(records('h', 3), HIGH);
      expect(result).toEqual({ accepted: 3, dropped: 0, spilled: 0, rejected: 0, displaced: 3 });
      expect(drops.map((d) => [d.record.id, d.priority, d.reason])).toEqual([
        ['l0', LOW, 'overflow_lowest'],
        ['l1', LOW, 'overflow_lowest'],
        ['n0', NORMAL, 'overflow_lowest'],
      ]);
      expect(queue.getQueueDepths()).toEqual({ critical: 0, high: 3, normal: 1, low: 0 });
    });

    it('drops the incoming records when nothing lower is queued', () => {
      const { queue, drops } = fakeQueue({ maxSize: 2 });
      queue.tryEnqueueMany(records('h', 2), HIGH);
      expect(queue.tryEnqueueMany(records('n', 2), NORMAL)).toEqual({ accepted: 0, dropped: 2, spilled: 0, rejected: 0, displaced: 0 });
      expect(queue.tryEnqueue(records('x', 1)[0]!, HIGH).dropped).toBe(1);
      expect(drops.map((d) => [d.record.id, d.reason])).toEqual([
        ['n0', 'overflow_incoming'],
        ['n1', 'overflow_incoming'],
        ['x0', 'overflow_incoming'],
      ]);
      expect(queue.getMetrics().droppedByReason.overflow_incoming).toEqual({ critical: 0, high: 1, normal: 2, low: 0 });
    });

    it('never drops CRITICAL: a CRITICAL record meeting only CRITICAL records is refused, never silently', async () => {
      const { queue, drops } = fakeQueue({ maxSize: 2 });
      queue.tryEnqueueMany(records('c', 2), CRITICAL);
      expect(queue.tryEnqueue(records('x', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 0, rejected: 1, dropped: 0 });
      const err = await queue.enqueueMany(records('y', 2), CRITICAL).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueFullError);
      expect((err as QueueFullError).code).toBe('FIRESTREAM_QUEUE_FULL');
      expect((err as QueueFullError).context).toMatchObject({ priority: CRITICAL, capacity: 2, depth: 2, accepted: 0, rejected: 2, strategy: 'drop_lowest' });
      expect(drops).toEqual([]);
      expect(queue.getMetrics().rejected.critical).toBe(3);
    });
  });

  describe('drop_oldest', () => {
    it('drops the oldest non-CRITICAL record, whatever its priority', () => {
      const { clock, queue, drops } = fakeQueue({ maxSize: 3, overflowStrategy: 'drop_oldest', ageing: { enabled: false } });
      queue.tryEnqueueMany(records('c', 1), CRITICAL);
      clock.advance(1);
      queue.tryEnqueueMany(records('h', 1), HIGH);
      clock.advance(1);
      queue.tryEnqueueMany(records('l', 1), LOW);
      clock.advance(1);
      expect(queue.tryEnqueueMany(records('n', 2), NORMAL)).toMatchObject({ accepted: 2, displaced: 2 });
      expect(drops.map((d) => [d.record.id, d.reason])).toEqual([
        ['h0', 'overflow_oldest'],
        ['l0', 'overflow_oldest'],
      ]);
    });

    it('drops an incoming non-CRITICAL record when only CRITICAL records are queued', () => {
      const { queue, drops } = fakeQueue({ maxSize: 1, overflowStrategy: 'drop_oldest' });
      queue.tryEnqueueMany(records('c', 1), CRITICAL);
      expect(queue.tryEnqueueMany(records('l', 1), LOW).dropped).toBe(1);
      expect(queue.tryEnqueueMany(records('c', 1), CRITICAL).rejected).toBe(1);
      expect(drops.map((d) => d.reason)).toEqual(['overflow_incoming']);
    });
  });

  describe('reject', () => {
    it('queues what fits and refuses the rest: reported by tryEnqueue, thrown by enqueue', async () => {
      const { queue } = fakeQueue({ maxSize: 3, overflowStrategy: 'reject' });
      expect(queue.tryEnqueueMany(records('a', 2), LOW)).toMatchObject({ accepted: 2, rejected: 0 });
      const err = await queue.enqueueMany(records('b', 3), CRITICAL).catch((e: unknown) => e);
      expect(isFirestreamError(err, 'FIRESTREAM_QUEUE_FULL')).toBe(true);
      expect((err as QueueFullError).retryable).toBe(true);
      expect((err as QueueFullError).context).toMatchObject({ accepted: 1, rejected: 2 });
      expect((err as Error).message).toContain('2 CRITICAL record(s) refused, 1 queued');
      expect(queue.tryEnqueue(records('c', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 0, rejected: 1 });
      expect(queue.size).toBe(3);
    });
  });

  it('emits full once each time the queue fills', () => {
    const { queue } = fakeQueue({ maxSize: 2, lingerMs: { low: 0 } });
    const full: FullEvent[] = [];
    queue.on('full', (e) => full.push(e));
    queue.tryEnqueueMany(records('a', 3), LOW);
    queue.tryEnqueueMany(records('b', 1), HIGH);
    expect(full).toEqual([{ capacity: 2, strategy: 'drop_lowest' }]);
    queue.tryDequeueBatch({ maxSize: 1 });
    queue.tryEnqueueMany(records('c', 1), LOW);
    expect(full).toHaveLength(2);
  });

  it('refuses a bad priority or records argument with InvalidOptionError', async () => {
    const { queue } = fakeQueue();
    expect(() => queue.tryEnqueue(records('a', 1)[0]!, 4 as Priority)).toThrow(withCode('FIRESTREAM_INVALID_OPTION'));
    expect(() => queue.tryEnqueueMany('nope' as never, LOW)).toThrow(withCode('FIRESTREAM_INVALID_OPTION', { context: { option: 'records', value: 'nope' } }));
    await expect(queue.enqueue(records('a', 1)[0]!, -1 as Priority)).rejects.toMatchObject({ code: 'FIRESTREAM_INVALID_OPTION', context: { option: 'priority' } });
    expect(() => queue.tryDequeueBatch({ maxSize: 0 })).toThrow(withCode('FIRESTREAM_INVALID_OPTION'));
  });
});

describe('QueueManager accounting', () => {
  const total = (counts: PriorityCounts): number => counts.critical + counts.high + counts.normal + counts.low;
  /** Both sides of received = dequeued + drained + depth + dropped + spilled + rejected. */
  const sides = (m: QueueMetrics): [number, number] => [total(m.received), total(m.dequeued) + total(m.drained) + m.depth + total(m.dropped) + total(m.spilled) + total(m.rejected)];

  it('getMetrics() accounting identity holds after mixed operations', async () => {
    let failNext = false;
    const spillSink = {
      spill: (): void => {
        if (failNext) throw new Error('disk full');
      },
    };
    const { clock, queue, drops } = fakeQueue({ maxSize: 5, spillSink, lingerMs: { normal: 0 } });
    queue.tryEnqueueMany(records('l', 3), LOW);
    queue.tryEnqueueMany(records('n', 2), NORMAL);
    clock.advance(300_000); // the LOW records age into NORMAL
    expect(queue.tryEnqueueMany(records('h', 2), HIGH)).toMatchObject({ accepted: 2, displaced: 2 }); // accepted n0 and n1 (queued NORMAL) are displaced
    expect(queue.tryEnqueue(records('x', 1)[0]!, NORMAL)).toMatchObject({ dropped: 1 }); // nothing lower: the incoming record goes
    expect(queue.tryEnqueueMany(records('c', 1), CRITICAL)).toMatchObject({ displaced: 1 }); // a promoted LOW record goes
    expect(sides(queue.getMetrics())).toEqual([9, 9]);
    expect(queue.tryDequeueBatch({ maxSize: 1 })).toHaveLength(1); // c0
    queue.setCapacity(3);
    // Over the new capacity: each CRITICAL record displaces one lower record (l1, l2, h0, h1), the depth stays 4.
    expect(queue.tryEnqueueMany(records('d', 4), CRITICAL)).toMatchObject({ accepted: 4, displaced: 4 });
    expect(queue.size).toBe(4);
    failNext = true;
    // Only CRITICAL queued: handed to the sink, which throws: refused (the caller's), never dropped; result and metrics agree.
    expect(queue.tryEnqueueMany(records('e', 1), CRITICAL)).toEqual({ accepted: 0, dropped: 0, spilled: 0, rejected: 1, displaced: 0 });
    failNext = false;
    expect(queue.tryEnqueueMany(records('f', 1), CRITICAL)).toMatchObject({ spilled: 1 }); // spilled and kept
    expect(ids(queue.drain())).toEqual(['d0', 'd1', 'd2', 'd3']);
    const m = queue.getMetrics();
    expect(sides(m)).toEqual([15, 15]);
    expect([total(m.received), total(m.dequeued), total(m.drained), m.depth, total(m.dropped), total(m.spilled), total(m.rejected)]).toEqual([15, 1, 4, 0, 8, 1, 1]);
    // received counts by the priority offered; drops by the priority at the time (l0..l2 were promoted to NORMAL).
    expect(m.received).toEqual({ critical: 7, high: 2, normal: 3, low: 3 });
    expect(m.droppedByReason.overflow_lowest).toEqual({ critical: 0, high: 2, normal: 5, low: 0 });
    expect(m.droppedByReason.overflow_incoming).toEqual({ critical: 0, high: 0, normal: 1, low: 0 });
    expect(m.droppedByReason.spill_failed).toEqual({ critical: 0, high: 0, normal: 0, low: 0 });
    expect([m.rejected.critical, m.spilled.critical]).toEqual([1, 1]);
    expect(drops.map((d) => d.record.id)).toEqual(['n0', 'n1', 'x0', 'l0', 'l1', 'l2', 'h0', 'h1']);
  });

  it('getMetrics() accounting identity holds for blocked callers that time out, abort or meet close()', async () => {
    const { clock, queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block', blockTimeoutMs: 100, lingerMs: { low: 0 } });
    queue.tryEnqueueMany(records('a', 1), LOW);
    const timedOut = queue.enqueueMany(records('t', 3), LOW).catch((e: unknown) => e);
    const controller = new AbortController();
    const aborted = queue.enqueueMany(records('x', 2), HIGH, { signal: controller.signal, timeoutMs: Number.POSITIVE_INFINITY }).catch((e: unknown) => e);
    controller.abort();
    clock.advance(100);
    expect(await timedOut).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', context: { accepted: 1, rejected: 2 } });
    expect(await aborted).toMatchObject({ code: 'FIRESTREAM_ABORTED', context: { accepted: 0, rejected: 2 } });
    expect(ids(queue.tryDequeueBatch())).toEqual(['a0', 't0']);
    const closed = queue.enqueueMany(records('y', 3), LOW).catch((e: unknown) => e); // y0, y1 fit; y2 waits
    queue.close();
    expect(await closed).toMatchObject({ code: 'FIRESTREAM_QUEUE_CLOSED', context: { accepted: 2, rejected: 1 } });
    const m = queue.getMetrics();
    expect(sides(m)).toEqual([9, 9]);
    expect([total(m.rejected), total(m.dequeued), m.depth]).toEqual([5, 2, 2]);
  });
});

describe('QueueManager close and drain', () => {
  it('refuses enqueues after close with QUEUE_CLOSED and counts nothing', async () => {
    const { queue } = fakeQueue();
    queue.close();
    queue.close();
    expect(queue.closed).toBe(true);
    expect(() => queue.tryEnqueue(records('a', 1)[0]!, LOW)).toThrow(withCode('FIRESTREAM_QUEUE_CLOSED'));
    await expect(queue.enqueueMany(records('b', 2), LOW)).rejects.toMatchObject({ code: 'FIRESTREAM_QUEUE_CLOSED' });
    expect(queue.getMetrics().received).toEqual({ critical: 0, high: 0, normal: 0, low: 0 });
  });

  it('drains every record, most urgent first and oldest first, counted as drained', () => {
    const { clock, queue } = fakeQueue();
    queue.tryEnqueueMany(records('l', 2), LOW);
    clock.advance(1);
    queue.tryEnqueueMany(records('c', 1), CRITICAL);
    queue.tryEnqueueMany(records('n', 2), NORMAL);
    expect(ids(queue.drain())).toEqual(['c0', 'n0', 'n1', 'l0', 'l1']);
    expect(queue.size).toBe(0);
    expect(queue.getMetrics().drained).toEqual({ critical: 1, high: 0, normal: 2, low: 2 });
  });
});

describe('QueueManager options', () => {
  it('names the bad option and value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ maxSize: 0 }, 'maxSize'],
      [{ overflowStrategy: 'drop_newest' }, 'overflowStrategy'],
      [{ lingerMs: { high: -1 } }, 'lingerMs.high'],
      [{ weights: { low: 0 } }, 'weights.low'],
      [{ maxsize: 5 }, 'maxsize'],
      [{ ageing: { lowToNormalMs: 700_000 } }, 'ageing.lowToNormalMs'],
      [{ blockTimeoutMs: 0 }, 'blockTimeoutMs'],
      [{ blockTimeoutMs: 2 ** 31 }, 'blockTimeoutMs'],
      [{ overflowStrategy: 'spill' }, 'spillSink'],
      [{ spillSink: {} }, 'spillSink'],
    ];
    for (const [options, option] of cases) {
      expect(() => new QueueManager(options as never), option).toThrow(withCode('FIRESTREAM_INVALID_OPTION', { message: expect.stringContaining(`"${option}"`) }));
    }
    expect(() => new QueueManager({ maxsize: 5 } as never)).toThrow('did you mean "maxSize"');
  });

  it('caps the default batch at the capacity', () => {
    const { queue } = fakeQueue({ maxSize: 5, dequeueBatchSize: 500 });
    queue.tryEnqueueMany(records('c', 5), CRITICAL);
    expect(queue.tryDequeueBatch()).toHaveLength(5);
  });
});
