import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { CriticalRateLimiter } from '../../src/priority/critical-rate-limiter.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

describe('CriticalRateLimiter', () => {
  it('grants per batch from both buckets and says which limit refused the rest', () => {
    const limiter = new CriticalRateLimiter({ perSourcePerMinute: 10, totalPerMinute: 15, maxTrackedSources: 10, clock: new FakeClock() });
    expect(limiter.take('a', 12)).toEqual({ granted: 10, demotedPerSource: 2, demotedGlobal: 0 });
    expect(limiter.take('b', 8)).toEqual({ granted: 5, demotedPerSource: 0, demotedGlobal: 3 });
    expect(limiter.take('b', 0)).toEqual({ granted: 0, demotedPerSource: 0, demotedGlobal: 0 });
  });

  it('forgets the least recently used source first when it tracks too many', () => {
    const clock = new FakeClock();
    const limiter = new CriticalRateLimiter({ perSourcePerMinute: 5, totalPerMinute: 1_000, maxTrackedSources: 2, clock });
    limiter.take('a', 5);
    limiter.take('b', 5);
    limiter.take('a', 1); // a is now the most recently used
    limiter.take('c', 5); // evicts b
    expect(limiter.trackedSources).toBe(2);
    expect(limiter.evictedSources).toBe(1);
    expect(limiter.take('a', 5).granted).toBe(0); // a kept its empty bucket
    expect(limiter.take('b', 5).granted).toBe(5); // b starts afresh (evicts c)
    expect(limiter.evictedSources).toBe(2);
  });

  it('refuses bad limits naming the option', () => {
    expect(() => new CriticalRateLimiter({ perSourcePerMinute: 1, totalPerMinute: Number.NaN, maxTrackedSources: 1 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining('"criticalRateLimit.totalPerMinute"') }),
    );
  });
});
