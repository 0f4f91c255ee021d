/**
 * Replays the exponential-backoff timeline of seed 003, Slide 32 ("Dynamic Throttling &
 * Auto-Recovery": lag 500 → 10,500 → 420, one check every 15 s) with a fake clock and the
 * default settings, and asserts the action, level and delay of every check.
 *
 * Where the slide disagrees with DESIGN.md, DESIGN wins. Interpretations:
 * 1. Decisions use the newest sample (`decisionLag: 'latest'`, the default). The slide's Q&A talks
 *    of a 60 s average, but its own table reacts to each reading: with a 60 s mean, 15 s (mean of
 *    500 and 1,200 = 850) would allow, not throttle. The window is still kept and asserted below.
 * 2. Moderate zone (target < lag ≤ critical) = 1 s (DESIGN). The slide shows 1.5 s ("Backoff L1")
 *    at 30 s (lag 3,500) and 3.4 s ("Backoff L3") at 105 s (lag 4,200); both lags are under the
 *    critical 5,000, so both get 1 s here.
 * 3. Levels follow the slide: the first check over target keeps the level (15 s: level 0); while
 *    the previous check was over target, a check over critical raises it by one, and a moderate
 *    check raises it when the lag rose and lowers it when the lag fell. That gives the slide's
 *    L2 … L5 at 45 … 90 s (delay 1 s × 1.5^level: 2.25, 3.375, 5.0625 → 5.063, 7.59375 → 7.594 s;
 *    DESIGN's "max ≈ 7.6 s" rather than the slide's rounded 7.7 s). Falling lag lowers the level
 *    by one per check: 4 at 105 s (the slide says 3, with no rule that gives 5 → 3 → 0), 3 at
 *    120 s.
 * 4. Low-lag checks (lag ≤ target) allow at once but keep the level ("we're not resetting backoff
 *    yet"); the 10th consecutive one resets it to 0. The slide labels 285 s "Low #10", but at its
 *    own 15 s cadence the 10th low check after #1 at 135 s is at 270 s (its "8 more cycles"
 *    between #2 and #10 are 7); DESIGN's count of 10 checks decides, so the reset comes at 270 s
 *    and 285 s is a plain allow at level 0.
 * The slide's "send rate" column is illustrative (it does not follow from the delays) and is not
 * asserted.
 */
import { describe, expect, it } from 'vitest';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';
import type { ThrottleAction } from '../../src/throttling/backoff-state.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

type Row = [seconds: number, lag: number, action: ThrottleAction, level: number, delayMs: number];

const TIMELINE: Row[] = [
  [0, 500, 'allow', 0, 0],
  [15, 1_200, 'throttle_moderate', 0, 1_000],
  [30, 3_500, 'throttle_moderate', 1, 1_000],
  [45, 5_200, 'throttle_critical', 2, 2_250],
  [60, 7_800, 'throttle_critical', 3, 3_375],
  [75, 9_100, 'throttle_critical', 4, 5_063],
  [90, 10_500, 'throttle_critical', 5, 7_594],
  // consumers catch up
  [105, 4_200, 'throttle_moderate', 4, 1_000],
  [120, 2_100, 'throttle_moderate', 3, 1_000],
  [135, 800, 'allow', 3, 0], // low #1
  [150, 650, 'allow', 3, 0], // low #2
  [165, 600, 'allow', 3, 0],
  [180, 580, 'allow', 3, 0],
  [195, 560, 'allow', 3, 0],
  [210, 540, 'allow', 3, 0],
  [225, 520, 'allow', 3, 0],
  [240, 500, 'allow', 3, 0],
  [255, 470, 'allow', 3, 0], // low #9
  [270, 440, 'allow', 0, 0], // low #10: reset
  [285, 420, 'allow', 0, 0],
];

describe('ThrottlingManager replays seed 003, Slide 32', () => {
  it('takes the action, level and delay of every step of the timeline', () => {
    const clock = new FakeClock();
    const manager = new ThrottlingManager({ clock });
    const resets: { at: number; previousLevel: number }[] = [];
    const levels: [number, number][] = [];
    manager.on('reset', (e) => resets.push({ at: clock.monotonic() / 1_000, previousLevel: e.previousLevel }));
    manager.on('levelChange', (e) => levels.push([e.from, e.to]));

    const seen: Row[] = [];
    for (const [seconds, lag] of TIMELINE) {
      clock.advance(seconds * 1_000 - clock.monotonic());
      const d = manager.evaluate(lag);
      seen.push([seconds, lag, d.action, d.level, d.delayMs]);
      if (seconds === 90) {
        // The 60 s window holds the samples of 45, 60, 75 and 90 s (30 s is exactly 60 s old).
        const { window } = manager.getMetrics();
        expect(window).toMatchObject({ samples: 4, maxLag: 10_500, minLag: 5_200, latestLag: 10_500, averageLag: 8_150, spanMs: 45_000 });
        expect(window.trendPerSecond).toBeGreaterThan(0);
      }
    }

    expect(seen).toEqual(TIMELINE);
    expect(resets).toEqual([{ at: 270, previousLevel: 3 }]);
    expect(levels).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 4], [4, 3], [3, 0]]);
    const metrics = manager.getMetrics();
    expect(metrics.decisions).toEqual({ allow: 12, throttle_moderate: 4, throttle_critical: 4 });
    expect(metrics.window.trendPerSecond).toBeLessThan(0);
  });

  it('waits the decided delays when the same lags go through checkAndThrottle', async () => {
    const clock = new FakeClock();
    const waits: number[] = [];
    const manager = new ThrottlingManager({ clock, sleep: async (ms) => void waits.push(ms) });
    const throttled: string[] = [];
    manager.on('throttle', (e) => throttled.push(`${e.action}@${e.level}:${e.delayMs}:${e.sourceId}`));
    for (const [seconds, lag] of TIMELINE) {
      clock.advance(seconds * 1_000 - clock.monotonic());
      await manager.checkAndThrottle({ consumerLag: lag, sourceId: 'firms_viirs' });
    }
    expect(waits).toEqual(TIMELINE.filter((r) => r[4] > 0).map((r) => r[4]));
    expect(throttled.slice(0, 3)).toEqual(['throttle_moderate@0:1000:firms_viirs', 'throttle_moderate@1:1000:firms_viirs', 'throttle_critical@2:2250:firms_viirs']);
    const metrics = manager.getMetrics();
    expect(metrics.totalDelayMs).toBe(waits.reduce((a, b) => a + b, 0));
    expect(metrics.throttledBySource).toEqual({ firms_viirs: 8 });
  });
});
