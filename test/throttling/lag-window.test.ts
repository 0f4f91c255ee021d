import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LagWindow } from '../../src/throttling/lag-window.js';

describe('LagWindow', () => {
  it('matches a plain list of the last samples inside the window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 20_000 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (steps, maxSamples) => {
          const windowMs = 10_000;
          const window = new LagWindow(windowMs, maxSamples);
          const model: [number, number][] = [];
          let now = 0;
          for (const [dt, lag] of steps) {
            now += dt;
            window.add(now, lag);
            model.push([now, lag]);
          }
          const kept = model.filter(([t]) => t > now - windowMs).slice(-maxSamples);
          const stats = window.stats(now);
          expect(stats.samples).toBe(kept.length);
          if (kept.length === 0) return;
          const lags = kept.map(([, l]) => l);
          expect(stats.averageLag).toBeCloseTo(lags.reduce((a, b) => a + b, 0) / lags.length, 6);
          expect(stats.maxLag).toBe(Math.max(...lags));
          expect(stats.minLag).toBe(Math.min(...lags));
          expect(stats.latestLag).toBe(lags[lags.length - 1]);
          expect(stats.spanMs).toBe((kept[kept.length - 1] as [number, number])[0] - (kept[0] as [number, number])[0]);
        },
      ),
    );
  });

  it('reports the trend as the least-squares slope in records per second', () => {
    const window = new LagWindow(60_000, 100);
    [1_000, 1_500, 2_000, 2_500].forEach((lag, i) => window.add(i * 1_000, lag));
    expect(window.stats(3_000).trendPerSecond).toBeCloseTo(500);
    window.clear();
    expect(window.stats(3_000)).toMatchObject({ samples: 0, averageLag: 0, trendPerSecond: 0 });
  });
});
