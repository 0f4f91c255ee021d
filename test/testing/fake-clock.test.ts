import { describe, expect, it } from 'vitest';
import { systemScheduler } from '../../src/core/scheduler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

describe('FakeClock timers', () => {
  it('fires due timers inside advance(), in due order, at their own due time', () => {
    const clock = new FakeClock(1_000);
    const fired: [string, number, number][] = [];
    clock.setTimer(() => fired.push(['b', clock.monotonic(), clock.now()]), 30);
    clock.setTimer(() => fired.push(['a', clock.monotonic(), clock.now()]), 10);
    clock.setTimer(() => fired.push(['c', clock.monotonic(), clock.now()]), 30);
    clock.advance(29);
    expect(fired).toEqual([['a', 10, 1_010]]);
    clock.advance(100);
    expect(fired.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    expect(fired[1]?.[1]).toBe(30);
    expect(clock.monotonic()).toBe(129);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers set by a timer within the same advance, and cancels', () => {
    const clock = new FakeClock();
    const at: number[] = [];
    clock.setTimer(() => {
      at.push(clock.monotonic());
      clock.setTimer(() => at.push(clock.monotonic()), 5);
    }, 5);
    const cancel = clock.setTimer(() => at.push(-1), 7);
    cancel();
    cancel();
    clock.advance(20);
    expect(at).toEqual([5, 10]);
  });

  it('moves both clocks back for a negative advance without firing timers', () => {
    const clock = new FakeClock(5_000);
    let fired = false;
    clock.setTimer(() => (fired = true), 1);
    clock.advance(-100);
    expect([clock.now(), clock.monotonic(), fired]).toEqual([4_900, -100, false]);
  });
});

describe('systemScheduler', () => {
  it('fires after the delay and can be cancelled', async () => {
    let cancelledFired = false;
    systemScheduler.setTimer(() => (cancelledFired = true), 1)();
    await new Promise<void>((resolve) => systemScheduler.setTimer(resolve, 2));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cancelledFired).toBe(false);
  });
});
