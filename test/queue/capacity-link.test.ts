import { describe, expect, it } from 'vitest';
import { Priority } from '../../src/priority/priority.js';
import { BackpressureManager } from '../../src/queue/backpressure-manager.js';
import { linkQueueCapacity } from '../../src/queue/capacity-link.js';
import type { CapacityChangeEvent } from '../../src/queue/queue-types.js';
import { fakeQueue, records } from './queue-helpers.js';

const { CRITICAL, HIGH, LOW } = Priority;

describe('fire-season capacity: BackpressureManager profileChange → QueueManager.setCapacity', () => {
  it('wired by hand, the queue follows the profile and the next check sees the resized fill', () => {
    const { clock, queue } = fakeQueue({ lingerMs: { low: 3_600_000 } });
    const backpressure = new BackpressureManager({ clock, fill: () => queue.utilization, random: () => 0, checkIntervalMs: 0 });
    backpressure.on('profileChange', (event) => queue.setCapacity(event.effectiveCapacity));

    queue.tryEnqueueMany(records('l', 9_500), LOW);
    expect(backpressure.check()).toBe('CRITICAL'); // 95 % of 10,000

    backpressure.adjustForPeakSeason(true);
    expect([queue.capacity, queue.utilization]).toEqual([20_000, 0.475]);
    expect(queue.getMetrics()).toMatchObject({ capacity: 20_000, depth: 9_500, utilization: 0.475 });
    expect(backpressure.check()).toBe('WARNING'); // under the fire-season warning (0.8): recovery starts
    for (let i = 0; i < 9; i++) backpressure.check();
    expect(backpressure.state).toBe('NORMAL');
    expect(queue.tryEnqueueMany(records('m', 8_000), LOW)).toMatchObject({ accepted: 8_000, dropped: 0 }); // room a 10,000 queue did not have

    backpressure.adjustForPeakSeason(false);
    expect([queue.capacity, queue.size, queue.utilization]).toEqual([10_000, 17_500, 1.75]); // nothing dropped by the shrink
    expect(backpressure.check()).toBe('LOAD_SHEDDING');
    expect(backpressure.admit(LOW)).toMatchObject({ admitted: false, state: 'LOAD_SHEDDING' });
    expect(backpressure.admit(CRITICAL).admitted).toBe(true);
    expect(queue.tryEnqueue(records('c', 1)[0]!, CRITICAL)).toMatchObject({ accepted: 1, displaced: 1 }); // one for one: the depth does not grow
    expect(queue.size).toBe(17_500);
  });

  it('linkQueueCapacity applies the current profile at once, follows changes, and stops when unsubscribed', () => {
    const { queue } = fakeQueue({ maxSize: 1_000 });
    const changes: CapacityChangeEvent[] = [];
    queue.on('capacityChange', (e) => changes.push(e));
    const backpressure = new BackpressureManager({ capacity: 1_000, fireSeason: { enabled: true, capacity: 3_000 } });
    const unlink = linkQueueCapacity(backpressure, queue);
    expect(queue.capacity).toBe(3_000); // started in fire season
    backpressure.adjustForPeakSeason(false);
    expect(queue.capacity).toBe(1_000);
    unlink();
    backpressure.adjustForPeakSeason(true);
    expect(queue.capacity).toBe(1_000);
    expect(changes).toEqual([
      { from: 1_000, to: 3_000 },
      { from: 3_000, to: 1_000 },
    ]);
  });

  it('lets records of a blocked caller in when the season opens', async () => {
    const { queue } = fakeQueue({ maxSize: 2, overflowStrategy: 'block' });
    const backpressure = new BackpressureManager({ capacity: 2 });
    linkQueueCapacity(backpressure, queue);
    queue.tryEnqueueMany(records('a', 2), HIGH);
    const pending = queue.enqueueMany(records('b', 2), HIGH);
    backpressure.adjustForPeakSeason(true); // fire-season capacity: twice the normal one
    expect(await pending).toMatchObject({ accepted: 2, rejected: 0 });
    expect([queue.size, queue.capacity]).toEqual([4, 4]);
  });
});
