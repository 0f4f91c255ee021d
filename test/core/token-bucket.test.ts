import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/core/token-bucket.js';
import { isFirestreamError } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refuses until time passes', () => {
    const clock = new FakeClock();
    const bucket = TokenBucket.perMinute(100, clock);
    let granted = 0;
    for (let i = 0; i < 150; i++) if (bucket.tryTake()) granted++;
    expect(granted).toBe(100);
    clock.advance(600); // 100/min = 1 token per 600 ms
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('refills pro rata and never beyond capacity', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 10, refillAmount: 10, intervalMs: 1_000, clock });
    expect(bucket.takeUpTo(10)).toBe(10);
    clock.advance(250);
    expect(bucket.available).toBeCloseTo(2.5);
    expect(bucket.takeUpTo(5)).toBe(2);
    clock.advance(60_000);
    expect(bucket.available).toBe(10);
  });

  it('says how long until tokens are available', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillAmount: 1, intervalMs: 1_000, clock });
    expect(bucket.msUntilAvailable(2)).toBe(0);
    bucket.takeUpTo(2);
    expect(bucket.msUntilAvailable(1)).toBe(1_000);
    clock.advance(400);
    expect(bucket.msUntilAvailable(1)).toBe(600);
    expect(bucket.msUntilAvailable(3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses bad options with a typed error naming the option', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      let caught: unknown;
      try {
        new TokenBucket({ capacity: bad as number, refillAmount: 1, intervalMs: 1 });
      } catch (err) {
        caught = err;
      }
      expect(isFirestreamError(caught, 'FIRESTREAM_INVALID_OPTION')).toBe(true);
      expect((caught as Error).message).toContain('capacity');
    }
  });
});
