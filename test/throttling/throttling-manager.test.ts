import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import type { LagSource } from '../../src/throttling/lag-source.js';
import { lagUnavailable } from '../../src/throttling/lag-source.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';
import type { ThrottlingManagerOptions } from '../../src/throttling/throttling-options.js';

/** A manager on a fake clock whose sleep advances that clock and records each wait. */
function setup(options: ThrottlingManagerOptions = {}) {
  const clock = new FakeClock();
  const waits: number[] = [];
  const manager = new ThrottlingManager({
    clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    },
    ...options,
  });
  return { clock, waits, manager };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('ThrottlingManager.evaluate', () => {
  it('allows at and under target, throttles moderately up to critical, critically above', () => {
    const { manager } = setup();
    expect(manager.evaluate(1_000)).toEqual({ action: 'allow', delayMs: 0, level: 0, lag: 1_000 });
    expect(manager.evaluate(1_001)).toMatchObject({ action: 'throttle_moderate', delayMs: 1_000 });
    expect(manager.evaluate(5_000)).toMatchObject({ action: 'throttle_moderate', delayMs: 1_000 });
    expect(manager.evaluate(5_001)).toMatchObject({ action: 'throttle_critical' });
  });

  it('climbs one level per critical check up to maxBackoffLevel, with delay base × factor^level', () => {
    const { manager } = setup({ baseDelayMs: 200, adjustmentFactor: 2, maxBackoffLevel: 3 });
    const delays = Array.from({ length: 6 }, () => manager.evaluate(9_000)).map((d) => [d.level, d.delayMs]);
    expect(delays).toEqual([[0, 200], [1, 400], [2, 800], [3, 1_600], [3, 1_600], [3, 1_600]]);
  });

  it('restarts the recovery count when lag spikes during recovery, and resets only after recoveryChecks in a row', () => {
    const { manager } = setup({ recoveryChecks: 3 });
    for (let i = 0; i < 4; i++) manager.evaluate(8_000);
    expect(manager.level).toBe(3);
    manager.evaluate(500);
    manager.evaluate(500);
    expect(manager.getMetrics().lowLagStreak).toBe(2);
    expect(manager.evaluate(8_000)).toMatchObject({ action: 'throttle_critical', level: 3, delayMs: 3_375 });
    expect(manager.evaluate(8_000).level).toBe(4);
    expect([500, 500].map((lag) => manager.evaluate(lag).level)).toEqual([4, 4]);
    expect(manager.evaluate(500).level).toBe(0);
    expect(manager.getMetrics()).toMatchObject({ resets: 1, level: 0, lowLagStreak: 3 });
    // More low checks change nothing and do not reset again.
    manager.evaluate(500);
    expect(manager.getMetrics().resets).toBe(1);
  });

  it('keeps the level while a moderate lag holds steady', () => {
    const { manager } = setup();
    manager.evaluate(6_000);
    manager.evaluate(6_000);
    expect([3_000, 3_000, 3_000].map((lag) => manager.evaluate(lag).level)).toEqual([0, 0, 0]);
    manager.evaluate(6_000);
    manager.evaluate(6_000);
    expect(manager.evaluate(3_000).level).toBe(1);
    expect(manager.evaluate(3_000).level).toBe(1);
    expect(manager.evaluate(3_500).level).toBe(2);
  });

  it('never leaves 0..maxBackoffLevel and only resets after recoveryChecks consecutive low checks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 80 }), fc.integer({ min: 0, max: 6 }), (lags, max) => {
        const { manager } = setup({ maxBackoffLevel: max, recoveryChecks: 4 });
        let low = 0;
        for (const lag of lags) {
          const before = manager.level;
          const d = manager.evaluate(lag);
          low = lag <= 1_000 ? low + 1 : 0;
          expect(d.level).toBeGreaterThanOrEqual(0);
          expect(d.level).toBeLessThanOrEqual(max);
          expect(Math.abs(d.level - before) <= 1 || (d.level === 0 && low === 4)).toBe(true);
          if (lag <= 1_000 && low !== 4) expect(d.level).toBe(before);
          if (d.action === 'throttle_critical') expect(d.delayMs).toBe(Math.round(1_000 * 1.5 ** d.level));
        }
      }),
    );
  });

  it('decides on the window average with decisionLag "average": a short spike passes, a sustained one throttles', () => {
    const { manager, clock } = setup({ decisionLag: 'average' });
    const at = (lag: number) => {
      clock.advance(10_000);
      return manager.evaluate(lag);
    };
    for (let i = 0; i < 5; i++) at(500);
    expect(at(3_000)).toMatchObject({ action: 'allow', lag: 5_500 / 6 });
    // 70 s: the sample of 10 s left the 60 s window; mean of 500 × 4 and 3,000 × 2.
    expect(at(3_000)).toMatchObject({ action: 'throttle_moderate', lag: 8_000 / 6 });
  });

  it('evicts samples older than windowMs and keeps at most maxSamples', () => {
    const { manager, clock } = setup({ windowMs: 30_000, maxSamples: 3 });
    for (const lag of [100, 200, 300, 400]) {
      clock.advance(1_000);
      manager.evaluate(lag);
    }
    expect(manager.getMetrics().window).toMatchObject({ samples: 3, minLag: 200, maxLag: 400, averageLag: 300, trendPerSecond: 100 });
    clock.advance(29_500);
    expect(manager.getMetrics().window).toMatchObject({ samples: 1, latestLag: 400, trendPerSecond: 0 });
    clock.advance(1_000);
    expect(manager.getMetrics().window.samples).toBe(0);
  });

  it('allows everything at level 0 when disabled', () => {
    const { manager } = setup({ enabled: false });
    expect([9_000, 9_000, 9_000].map((lag) => manager.evaluate(lag))).toEqual(Array(3).fill({ action: 'allow', delayMs: 0, level: 0, lag: 9_000 }));
  });

  it('refuses bad options and lags with a typed error naming the option', () => {
    const invalid = (fn: () => unknown, option: string) => {
      try {
        fn();
        expect.unreachable();
      } catch (err) {
        expect(isFirestreamError(err, ErrorCodes.INVALID_OPTION)).toBe(true);
        expect((err as { context: { option: string } }).context.option).toBe(option);
      }
    };
    invalid(() => new ThrottlingManager({ targetConsumerLag: 0 }), 'targetConsumerLag');
    invalid(() => new ThrottlingManager({ targetConsumerLag: 6_000 }), 'targetConsumerLag');
    invalid(() => new ThrottlingManager({ minSendRate: 50, maxSendRate: 10 }), 'minSendRate');
    invalid(() => new ThrottlingManager({ decisionLag: 'max' as 'latest' }), 'decisionLag');
    invalid(() => new ThrottlingManager({ checkIntervalMs: -1 }), 'checkIntervalMs');
    invalid(() => new ThrottlingManager({ lagSource: {} as LagSource }), 'lagSource');
    invalid(() => setup().manager.evaluate(Number.NaN), 'lag');
    invalid(() => setup().manager.evaluate(-1), 'lag');
  });
});

describe('ThrottlingManager.checkAndThrottle', () => {
  it('waits the decided delay and emits a throttle event with the source id', async () => {
    const { manager, waits } = setup();
    const events: unknown[] = [];
    manager.on('throttle', (e) => events.push(e));
    const outcome = await manager.checkAndThrottle({ consumerLag: 7_000, sourceId: 'iot_sensor_1', records: 10 });
    expect(outcome).toEqual({ decision: { action: 'throttle_critical', delayMs: 1_000, level: 0, lag: 7_000 }, checked: true, throttleDelayMs: 1_000, rateLimitDelayMs: 0 });
    expect(waits).toEqual([1_000]);
    expect(events).toEqual([{ action: 'throttle_critical', level: 0, delayMs: 1_000, lag: 7_000, sourceId: 'iot_sensor_1' }]);
    expect(await manager.checkAndThrottle({ consumerLag: 10 })).toMatchObject({ decision: { action: 'allow' }, throttleDelayMs: 0 });
    expect(waits).toEqual([1_000]);
  });

  it('reads the lag source at most once per checkIntervalMs and reuses the decision in between', async () => {
    let reads = 0;
    const lagSource: LagSource = { getLag: async () => (++reads === 1 ? 3_000 : 100) };
    const { manager, clock, waits } = setup({ lagSource, checkIntervalMs: 5_000 });
    expect((await manager.checkAndThrottle()).checked).toBe(true);
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: false, decision: { action: 'throttle_moderate' } });
    expect(reads).toBe(1);
    clock.advance(3_000);
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: true, decision: { action: 'allow', lag: 100 } });
    expect(reads).toBe(2);
    expect(waits).toEqual([1_000, 1_000]);
    expect(manager.getMetrics()).toMatchObject({ checks: 2, throttledCalls: 2, totalDelayMs: 2_000 });
  });

  it('keeps the last decision when the lag source fails, emits lagError, and retries at the next check', async () => {
    let fail = false;
    const lagSource: LagSource = { getLag: async () => (fail ? Promise.reject(lagUnavailable('broker down')) : 6_000) };
    const { manager, clock } = setup({ lagSource, checkIntervalMs: 1_000 });
    const errors: unknown[] = [];
    manager.on('lagError', (e) => errors.push(e));
    await manager.checkAndThrottle();
    fail = true;
    clock.advance(1_000);
    const outcome = await manager.checkAndThrottle();
    expect(outcome.checked).toBe(false);
    expect(outcome.decision).toMatchObject({ action: 'throttle_critical', lag: 6_000 });
    expect(isFirestreamError(outcome.lagError, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect(errors).toHaveLength(1);
    expect(manager.getMetrics()).toMatchObject({ lagErrors: 1, checks: 1 });
  });

  it('allows when the first lag read fails, and treats a non-number lag as unavailable', async () => {
    const { manager } = setup({ lagSource: { getLag: async () => Number.NaN } });
    const outcome = await manager.checkAndThrottle();
    expect(outcome.decision.action).toBe('allow');
    expect(isFirestreamError(outcome.lagError, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    await expect(setup().manager.checkAndThrottle()).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });

  it('caps the lag delay so at least minSendRate records per second flow', async () => {
    const { manager, waits } = setup({ minSendRate: 200, checkIntervalMs: 0 });
    for (let i = 0; i < 5; i++) manager.evaluate(9_000);
    const outcome = await manager.checkAndThrottle({ consumerLag: 9_000, records: 500, sourceId: 's' });
    expect(outcome.decision.delayMs).toBe(7_594);
    expect(outcome.throttleDelayMs).toBe(2_500);
    expect(waits).toEqual([2_500]);
  });

  it('paces batches under maxSendRate with a token bucket', async () => {
    const { manager, waits, clock } = setup({ maxSendRate: 100 });
    const start = clock.monotonic();
    const rateWaits: number[] = [];
    for (let i = 0; i < 5; i++) rateWaits.push((await manager.checkAndThrottle({ consumerLag: 0, records: 60 })).rateLimitDelayMs);
    // A burst of one second's worth (100 records), then 100 per second: 300 records wait 2 s in all.
    expect(rateWaits).toEqual([0, 200, 600, 600, 600]);
    expect(clock.monotonic() - start).toBe(2_000);
    expect(manager.getMetrics()).toMatchObject({ rateLimitedCalls: 4, totalDelayMs: 2_000, throttledCalls: 0 });
    // A batch larger than the burst waits for it in bucket-sized steps.
    expect(await manager.checkAndThrottle({ consumerLag: 0, records: 250 })).toMatchObject({ rateLimitDelayMs: 2_500 });
    expect(waits.slice(-3)).toEqual([1_000, 1_000, 500]);
  });

  it('rejects with ABORTED when the signal aborts, before or during the real wait', async () => {
    const controller = new AbortController();
    const manager = new ThrottlingManager({ clock: new FakeClock() });
    const pending = manager.checkAndThrottle({ consumerLag: 9_000, signal: controller.signal });
    controller.abort(new Error('shutdown'));
    const during = await rejection(pending);
    expect(isFirestreamError(during, ErrorCodes.ABORTED)).toBe(true);
    expect((during as Error).cause).toEqual(new Error('shutdown'));
    const before = await rejection(manager.checkAndThrottle({ consumerLag: 0, signal: controller.signal }));
    expect(isFirestreamError(before, ErrorCodes.ABORTED)).toBe(true);
    expect(manager.getMetrics().totalDelayMs).toBe(0);
  });

  it('counts throttled calls per source id up to maxTrackedSources', async () => {
    const { manager } = setup({ maxTrackedSources: 2, checkIntervalMs: 0 });
    for (const sourceId of ['a', 'b', 'a', 'c', undefined]) await manager.checkAndThrottle({ consumerLag: 2_000, sourceId });
    await manager.checkAndThrottle({ consumerLag: 0, sourceId: 'd' });
    const metrics = manager.getMetrics();
    expect(metrics.throttledBySource).toEqual({ a: 2, b: 1 });
    expect(metrics.throttledOtherSources).toBe(2);
    expect(metrics.throttledCalls).toBe(5);
    expect(Object.isFrozen(metrics)).toBe(true);
  });
});
