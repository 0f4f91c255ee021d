/**
 * Background lag reads of the ThrottlingManager (src/throttling/lag-reader.ts), through the
 * manager: the send path never waits for a read, one read at a time, each bounded by
 * `lagReadTimeoutMs` even when the source ignores its signal.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import type { LagReadOptions, LagSource } from '../../src/throttling/lag-source.js';
import { abortableSleep } from '../../src/throttling/sleep.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Resolves with 'settled' if `promise` settles within `ms` real milliseconds, else 'pending'. */
async function within(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  const result = await Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), late]);
  clearTimeout(timer);
  return result;
}

/** A source that answers `first` once, then never answers and ignores its signal; records the signals it got. */
function hangingSource(first?: number) {
  const signals: AbortSignal[] = [];
  const source: LagSource = {
    getLag: ({ signal }: LagReadOptions = {}) => {
      if (signal) signals.push(signal);
      return signals.length === 1 && first !== undefined ? Promise.resolve(first) : new Promise<number>(() => undefined);
    },
  };
  return { source, signals };
}

describe('ThrottlingManager background lag reads', () => {
  it('rejects with ABORTED at once while a read hangs and ignores its signal (regression: pending > 2 s after abort)', async () => {
    const { source } = hangingSource(9_000);
    const clock = new FakeClock();
    const manager = new ThrottlingManager({ lagSource: source, clock, scheduler: clock, sleep: abortableSleep });
    await manager.refreshLag();
    clock.advance(1_000);
    const controller = new AbortController();
    const call = manager.checkAndThrottle({ signal: controller.signal });
    const outcome = call.catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    expect(await within(outcome, 500)).toBe('settled');
    expect(isFirestreamError(await outcome, ErrorCodes.ABORTED)).toBe(true);
    expect(manager.getMetrics()).toMatchObject({ lagReads: 2, level: 0, lastDecision: { action: 'throttle_critical', lag: 9_000 } });
  });

  it('never waits on the send path for a read that does not answer', async () => {
    const { source } = hangingSource();
    const clock = new FakeClock();
    const manager = new ThrottlingManager({ lagSource: source, clock, scheduler: clock, sleep: abortableSleep });
    expect(await within(manager.checkAndThrottle({ records: 500 }), 100)).toBe('settled');
    expect(await within(manager.checkAndThrottle({ records: 500 }), 100)).toBe('settled');
  });

  it('keeps one read in flight until its deadline, aborts its signal then, and reads again at the next interval', async () => {
    const { source, signals } = hangingSource();
    const clock = new FakeClock();
    const manager = new ThrottlingManager({ lagSource: source, clock, scheduler: clock, sleep: async () => undefined, lagReadTimeoutMs: 2_500 });
    const errors: unknown[] = [];
    manager.on('lagError', (e) => errors.push(e));
    for (let t = 0; t < 2_500; t += 500) {
      await manager.checkAndThrottle();
      clock.advance(500);
    }
    // 2.5 s: the deadline passed; the read counts as failed and its signal is aborted.
    await settle();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(errors).toHaveLength(1);
    expect(isFirestreamError(errors[0], ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect((errors[0] as Error).message).toContain('did not answer within 2500 ms');
    const outcome = await manager.checkAndThrottle();
    expect(isFirestreamError(outcome.lagError, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect(signals).toHaveLength(2);
    expect(manager.getMetrics()).toMatchObject({ lagReads: 2, lagErrors: 1 });
  });

  it('drops a slow answer that comes after the deadline, without blocking any call (real timers)', async () => {
    const source: LagSource = { getLag: () => new Promise<number>((resolve) => setTimeout(() => resolve(9_000), 150)) };
    const manager = new ThrottlingManager({ lagSource: source, lagReadTimeoutMs: 40, checkIntervalMs: 10_000 });
    const started = performance.now();
    const outcome = await manager.checkAndThrottle({ records: 500 });
    expect(performance.now() - started).toBeLessThan(40);
    expect(outcome.decision.action).toBe('allow');
    await expect(manager.refreshLag()).rejects.toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE, context: { timeoutMs: 40 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(manager.getMetrics()).toMatchObject({ lagReads: 1, lagErrors: 1, checks: 0, window: { samples: 0 } });
  });

  it('refreshLag joins the read in flight, and stops waiting when its signal aborts', async () => {
    let reads = 0;
    let answer: (lag: number) => void = () => undefined;
    const source: LagSource = { getLag: () => new Promise<number>((resolve) => ((reads += 1), (answer = resolve))) };
    const clock = new FakeClock();
    const manager = new ThrottlingManager({ lagSource: source, clock, scheduler: clock, sleep: async () => undefined });
    const controller = new AbortController();
    const first = manager.refreshLag({ signal: controller.signal });
    const second = manager.refreshLag();
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
    answer(3_000);
    expect(await second).toMatchObject({ action: 'throttle_moderate', lag: 3_000 });
    expect(reads).toBe(1);
    await expect(manager.refreshLag({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
  });
});
