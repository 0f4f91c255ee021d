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
    scheduler: clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    },
    ...options,
  });
  return { clock, waits, manager };
}

/** Lets background lag reads that have answered finish (promise callbacks run). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

  it('lowers the level as the lag falls in the critical zone (regression: falling critical lag raised it to 5)', () => {
    const { manager } = setup();
    // The reviewer's sequence: consumers catching up from 12,000 must not climb L0 → L5.
    expect([12_000, 11_000, 9_000, 7_500, 6_000, 5_200].map((lag) => manager.evaluate(lag).level)).toEqual([0, 0, 0, 0, 0, 0]);
    // Rising or holding critical lag climbs; falling lag steps back down, one level per check.
    expect([6_000, 8_000, 10_000, 10_000, 9_000, 7_000, 7_000, 6_500, 5_500, 5_400].map((lag) => manager.evaluate(lag).level)).toEqual([1, 2, 3, 4, 3, 2, 3, 2, 1, 0]);
    expect(manager.evaluate(5_300)).toMatchObject({ action: 'throttle_critical', level: 0, delayMs: 1_000 });
  });

  it('never leaves 0..maxBackoffLevel and only resets after recoveryChecks consecutive low checks (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 80 }), fc.integer({ min: 0, max: 6 }), (lags, max) => {
        const { manager } = setup({ maxBackoffLevel: max, recoveryChecks: 4 });
        let low = 0;
        let previous: number | undefined;
        for (const lag of lags) {
          const before = manager.level;
          const d = manager.evaluate(lag);
          // Over critical after a check over target: up while the lag rises or holds, down while it falls.
          if (lag > 5_000 && previous !== undefined && previous > 1_000) expect(d.level).toBe(lag >= previous ? Math.min(before + 1, max) : Math.max(before - 1, 0));
          previous = lag;
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
    invalid(() => new ThrottlingManager({ maxSamples: 2_000_000_000 }), 'maxSamples');
    invalid(() => new ThrottlingManager({ lagReadTimeoutMs: 0 }), 'lagReadTimeoutMs');
    invalid(() => new ThrottlingManager({ lagReadTimeoutMs: 2 ** 31 }), 'lagReadTimeoutMs');
    invalid(() => new ThrottlingManager({ scheduler: {} as FakeClock }), 'scheduler');
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

  it('reads the lag source in the background at most once per checkIntervalMs; calls decide on the last lag read', async () => {
    let reads = 0;
    const lagSource: LagSource = { getLag: async () => (++reads === 1 ? 3_000 : 100) };
    const { manager, clock, waits } = setup({ lagSource, checkIntervalMs: 5_000 });
    // No lag known yet: the call allows and does not wait for the read it started.
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: false, decision: { action: 'allow', lag: 0 } });
    await settle();
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: true, decision: { action: 'throttle_moderate', lag: 3_000 } });
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: false, decision: { action: 'throttle_moderate' } });
    expect(reads).toBe(1);
    clock.advance(3_000);
    expect((await manager.checkAndThrottle()).decision.action).toBe('throttle_moderate');
    expect(reads).toBe(2);
    await settle();
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: true, decision: { action: 'allow', lag: 100 } });
    expect(waits).toEqual([1_000, 1_000, 1_000]);
    expect(manager.getMetrics()).toMatchObject({ checks: 2, lagReads: 2, throttledCalls: 3, totalDelayMs: 3_000 });
  });

  it('keeps the last decision when the lag source fails, emits lagError, and retries at the next interval', async () => {
    let fail = false;
    const lagSource: LagSource = { getLag: async () => (fail ? Promise.reject(lagUnavailable('broker down')) : 6_000) };
    // minSendRate 1,000/s caps each wait at 1 ms, so the waits do not move the clock into the next interval.
    const { manager, clock } = setup({ lagSource, checkIntervalMs: 1_000, minSendRate: 1_000 });
    const errors: unknown[] = [];
    manager.on('lagError', (e) => errors.push(e));
    expect(await manager.refreshLag()).toMatchObject({ action: 'throttle_critical', lag: 6_000 });
    fail = true;
    clock.advance(1_000);
    await manager.checkAndThrottle();
    await settle();
    const outcome = await manager.checkAndThrottle();
    expect(outcome.checked).toBe(false);
    expect(outcome.decision).toMatchObject({ action: 'throttle_critical', lag: 6_000 });
    expect(isFirestreamError(outcome.lagError, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect(errors).toHaveLength(1);
    expect(manager.getMetrics()).toMatchObject({ lagReads: 2, lagErrors: 1, checks: 1 });
    fail = false;
    clock.advance(1_000);
    await manager.checkAndThrottle();
    await settle();
    expect(await manager.checkAndThrottle()).toMatchObject({ checked: true, decision: { lag: 6_000 } });
    expect((await manager.checkAndThrottle()).lagError).toBeUndefined();
  });

  it('allows while the first lag read fails, and treats a non-number lag as unavailable', async () => {
    const { manager } = setup({ lagSource: { getLag: async () => Number.NaN } });
    expect((await manager.checkAndThrottle()).decision.action).toBe('allow');
    await settle();
    const outcome = await manager.checkAndThrottle();
    expect(outcome.decision.action).toBe('allow');
    expect(isFirestreamError(outcome.lagError, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    await expect(manager.refreshLag()).rejects.toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE, retryable: false });
    await expect(setup().manager.checkAndThrottle()).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(setup().manager.refreshLag()).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });

  it('decides on every consumerLag given and moves the level at most once per checkIntervalMs (regression: a lag within the interval was dropped)', async () => {
    const { manager, clock } = setup({ checkIntervalMs: 1_000, sleep: async () => undefined });
    await manager.checkAndThrottle({ consumerLag: 0 });
    clock.advance(500);
    const spike = await manager.checkAndThrottle({ consumerLag: 50_000 });
    expect(spike).toMatchObject({ checked: true, decision: { action: 'throttle_critical', level: 0, lag: 50_000 }, throttleDelayMs: 1_000 });
    expect(manager.getMetrics().window).toMatchObject({ samples: 2, maxLag: 50_000 });
    // Batch-rate calls every 250 ms (from 750 ms): each is decided on, the level moves once per
    // second: at 1 s (first check over target: keeps 0), then +1 at 2 s and 3 s.
    const levels: number[] = [];
    for (let i = 0; i < 12; i++) {
      clock.advance(250);
      levels.push((await manager.checkAndThrottle({ consumerLag: 9_000 })).decision.level);
    }
    expect(levels).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
    expect(manager.getMetrics()).toMatchObject({ checks: 14, decisions: { allow: 1, throttle_critical: 13 } });
    // Low lags count towards recovery once per interval too: recoveryChecks (10) low checks take 10 s, not 10 calls.
    for (let i = 0; i < 36; i++) {
      clock.advance(250);
      await manager.checkAndThrottle({ consumerLag: 10 });
    }
    expect(manager.getMetrics()).toMatchObject({ level: 2, lowLagStreak: 9, resets: 0 });
    clock.advance(1_000);
    await manager.checkAndThrottle({ consumerLag: 10 });
    expect(manager.getMetrics()).toMatchObject({ level: 0, resets: 1 });
  });

  it('reads nothing while disabled, and allows (regression: a disabled manager read its source every interval)', async () => {
    let reads = 0;
    const { manager, clock } = setup({ enabled: false, lagSource: { getLag: async () => (reads++, 9_000) } });
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      expect((await manager.checkAndThrottle()).decision).toMatchObject({ action: 'allow', level: 0 });
      await settle();
    }
    expect(reads).toBe(0);
    expect(manager.getMetrics()).toMatchObject({ lagReads: 0, checks: 0 });
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
