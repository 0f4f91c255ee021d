import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageOffsetTracker } from '../../src/imagery/image-offsets.js';

describe('ImageOffsetTracker', () => {
  it('commits past every handled message while no image is open, and only what moved', () => {
    const tracker = new ImageOffsetTracker();
    expect(tracker.due()).toEqual([]);
    tracker.handled('t', 0, '4');
    tracker.handled('t', 1, '9');
    const points = tracker.due();
    expect(points).toEqual([
      { topic: 't', partition: 0, offset: '5' },
      { topic: 't', partition: 1, offset: '10' },
    ]);
    expect(tracker.due()).toEqual(points); // offered again until confirmed
    tracker.confirm(points);
    expect(tracker.due()).toEqual([]);
  });

  it('holds a partition at the first message of its oldest open image until that image closes', () => {
    const tracker = new ImageOffsetTracker();
    tracker.open('a', 't', 0, '10');
    tracker.handled('t', 0, '10');
    tracker.open('b', 't', 0, '11');
    tracker.open('a', 't', 0, '12'); // a later message of an open image keeps its first offset
    tracker.handled('t', 0, '12');
    const held = tracker.due();
    expect(held).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
    tracker.confirm(held);
    expect(tracker.openImages).toBe(2);
    tracker.close('b');
    expect(tracker.due()).toEqual([]);
    tracker.close('a');
    expect(tracker.due()).toEqual([{ topic: 't', partition: 0, offset: '13' }]);
    expect(tracker.openImages).toBe(0);
  });

  it('holds an image handed over until its ticket is released, whatever later messages of its key do', () => {
    const tracker = new ImageOffsetTracker();
    tracker.open('a', 't', 0, '3');
    tracker.handled('t', 0, '3');
    const ticket = tracker.hold('a', 't', 0, '4');
    tracker.handled('t', 0, '4');
    tracker.open('a', 't', 0, '5'); // a redelivered copy of a, refused
    tracker.close('a');
    tracker.handled('t', 0, '5');
    expect(tracker.due()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    tracker.release(ticket);
    expect(tracker.due()).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
    expect(tracker.openImages).toBe(0);
  });

  it('forgets partitions a rebalance took away, with their images', () => {
    const tracker = new ImageOffsetTracker();
    tracker.open('a', 't', 0, '1');
    tracker.open('b', 't', 1, '1');
    tracker.retain(new Map([['t', [1]]]));
    expect(tracker.openImages).toBe(1);
    tracker.handled('t', 1, '5');
    expect(tracker.due()).toEqual([{ topic: 't', partition: 1, offset: '1' }]);
    tracker.handled('t', 0, '7'); // a partition assigned again starts afresh
    expect(tracker.due()).toContainEqual({ topic: 't', partition: 0, offset: '8' });
  });

  it('never commits past the first message of an open image, and never moves back (property)', () => {
    const step = fc.oneof(fc.record({ op: fc.constant('read' as const), image: fc.integer({ min: 0, max: 5 }), partition: fc.integer({ min: 0, max: 2 }) }), fc.record({ op: fc.constant('close' as const), image: fc.integer({ min: 0, max: 5 }) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const tracker = new ImageOffsetTracker();
        const next = [0, 0, 0];
        const firstOffset = new Map<number, { partition: number; offset: number }>();
        const committed = new Map<number, number>();
        for (const s of steps) {
          if (s.op === 'close') {
            tracker.close(`i${s.image}`);
            firstOffset.delete(s.image);
          } else {
            const owner = firstOwner(firstOffset, s.image, s.partition);
            const offset = next[owner]!;
            next[owner] = offset + 1;
            if (!firstOffset.has(s.image)) firstOffset.set(s.image, { partition: owner, offset });
            tracker.open(`i${s.image}`, 't', owner, String(offset));
            tracker.handled('t', owner, String(offset));
          }
          const due = tracker.due();
          tracker.confirm(due);
          for (const point of due) {
            const offset = Number(point.offset);
            expect(offset).toBeGreaterThan(committed.get(point.partition) ?? -1);
            committed.set(point.partition, offset);
          }
          for (const { partition, offset } of firstOffset.values()) expect(committed.get(partition) ?? 0).toBeLessThanOrEqual(offset);
        }
      }),
    );
  });
});

/** An image's messages stay on the partition of its first message (as with one key). */
function firstOwner(open: ReadonlyMap<number, { partition: number }>, image: number, partition: number): number {
  return open.get(image)?.partition ?? partition;
}
