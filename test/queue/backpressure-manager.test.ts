import { describe, expect, it } from 'vitest';
import { ErrorCodes, InvalidOptionError } from '../../src/errors.js';
import { Priority } from '../../src/priority/priority.js';
import type { BackpressureProfileChangeEvent, BackpressureStateChangeEvent } from '../../src/queue/backpressure-types.js';
import { BackpressureManager } from '../../src/queue/backpressure-manager.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { cyclingRandom, seededRandom } from '../helpers/seeded-random.js';

/** Every check counts: the state machine alone, without the check interval. */
const EVERY_CHECK = { checkIntervalMs: 0 } as const;

function transitions(manager: BackpressureManager): BackpressureStateChangeEvent[] {
  const events: BackpressureStateChangeEvent[] = [];
  manager.on('stateChange', (e) => events.push(e));
  return events;
}

describe('BackpressureManager states', () => {
  it('rises at once through the default thresholds 70 %, 90 %, 100 % and announces each transition', () => {
    const clock = new FakeClock();
    const manager = new BackpressureManager({ clock });
    const events = transitions(manager);
    expect(manager.check(0.69)).toBe('NORMAL');
    expect(manager.check(0.7)).toBe('WARNING');
    clock.advance(1_000);
    expect(manager.check(0.9)).toBe('CRITICAL');
    expect(manager.check(1)).toBe('LOAD_SHEDDING');
    expect(manager.check(1.3)).toBe('LOAD_SHEDDING');
    expect(events).toEqual([
      { from: 'NORMAL', to: 'WARNING', fill: 0.7, at: Date.UTC(2026, 0, 1) },
      { from: 'WARNING', to: 'CRITICAL', fill: 0.9, at: Date.UTC(2026, 0, 1) + 1_000 },
      { from: 'CRITICAL', to: 'LOAD_SHEDDING', fill: 1, at: Date.UTC(2026, 0, 1) + 1_000 },
    ]);
    expect(manager.getMetrics()).toMatchObject({ transitions: 3, checks: 5, fill: 1.3 });
  });

  it('jumps straight to the state the fill calls for', () => {
    const manager = new BackpressureManager(EVERY_CHECK);
    expect(manager.check(0.95)).toBe('CRITICAL');
    expect(manager.check(0.2)).toBe('WARNING');
    expect(manager.check(1)).toBe('LOAD_SHEDDING');
  });

  it('falls between elevated states at once, but returns to NORMAL only after 10 consecutive checks under 70 %', () => {
    const manager = new BackpressureManager(EVERY_CHECK);
    const events = transitions(manager);
    manager.check(1);
    expect(manager.check(0.95)).toBe('CRITICAL');
    expect(manager.check(0.75)).toBe('WARNING');
    for (let i = 1; i <= 9; i++) {
      expect(manager.check(0.3)).toBe('WARNING');
      expect(manager.getMetrics().recoveryChecks).toBe(i);
    }
    expect(manager.check(0.3)).toBe('NORMAL');
    expect(events.map((e) => e.to)).toEqual(['LOAD_SHEDDING', 'CRITICAL', 'WARNING', 'NORMAL']);
  });

  it('drops an overloaded state to WARNING under 70 % and restarts the recovery run on any check at or above it', () => {
    const manager = new BackpressureManager({ ...EVERY_CHECK, recoveryChecks: 3 });
    manager.check(1);
    expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.check(0.7)).toBe('WARNING');
    expect(manager.getMetrics().recoveryChecks).toBe(0);
    expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.check(0.1)).toBe('NORMAL');
  });

  it('reads the fill provider when no fill is given, and refuses a check with neither', () => {
    let fill = 0.8;
    const manager = new BackpressureManager({ fill: () => fill });
    expect(manager.check()).toBe('WARNING');
    fill = 0.1;
    expect(manager.admit(Priority.LOW).state).toBe('WARNING');
    expect(manager.check(0.95)).toBe('CRITICAL');
    expect(() => new BackpressureManager().check()).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining('"fill"') }));
    expect(() => manager.check(Number.NaN)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
    expect(() => manager.check(-0.1)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });

  it('keeps NORMAL and admits everything when disabled', () => {
    const manager = new BackpressureManager({ enabled: false, random: () => 0.99 });
    expect(manager.check(1)).toBe('NORMAL');
    expect(manager.admit(Priority.LOW, 1)).toEqual({ admitted: true, state: 'NORMAL', retryAfterMs: 0 });
    expect(manager.getMetrics()).toMatchObject({ enabled: false, checks: 2, transitions: 0 });
  });
});

describe('BackpressureManager admission', () => {
  it('admits everything in NORMAL and CRITICAL records in every state', () => {
    const manager = new BackpressureManager({ random: () => 0.999 });
    expect(manager.admit(Priority.LOW, 0.5)).toEqual({ admitted: true, state: 'NORMAL', retryAfterMs: 0 });
    for (const fill of [0.75, 0.95, 1, 2]) expect(manager.admit(Priority.CRITICAL, fill)).toMatchObject({ admitted: true, retryAfterMs: 0 });
  });

  it('refuses non-critical records in LOAD_SHEDDING with the configured retry-after hints', () => {
    const manager = new BackpressureManager({ random: () => 0, retryAfterMs: { loadShedding: 90_000 } });
    expect(manager.admit(Priority.HIGH, 1)).toEqual({ admitted: false, state: 'LOAD_SHEDDING', retryAfterMs: 90_000 });
    const refusing = new BackpressureManager({ random: () => 0.99 });
    expect(refusing.admit(Priority.NORMAL, 0.8)).toEqual({ admitted: false, state: 'WARNING', retryAfterMs: 30_000 });
    expect(refusing.admit(Priority.NORMAL, 0.95)).toEqual({ admitted: false, state: 'CRITICAL', retryAfterMs: 60_000 });
  });

  it('admits exactly the configured share for an evenly spread random source', () => {
    const manager = new BackpressureManager({ random: cyclingRandom([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]) });
    manager.check(0.8);
    let admitted = 0;
    for (let i = 0; i < 1_000; i++) if (manager.admit(Priority.LOW).admitted) admitted++;
    expect(admitted).toBe(500);
    manager.check(0.92);
    expect(manager.admitBatch(Priority.HIGH, 1_000)).toEqual({ admitted: 100, refused: 900, state: 'CRITICAL', retryAfterMs: 60_000 });
  });

  it('admits about 50 % in WARNING and 10 % in CRITICAL with a seeded random source', () => {
    const manager = new BackpressureManager({ random: seededRandom(42) });
    const warning = manager.admitBatch(Priority.NORMAL, 20_000, 0.8);
    expect(Math.abs(warning.admitted / 20_000 - 0.5)).toBeLessThan(0.02);
    const critical = manager.admitBatch(Priority.NORMAL, 20_000, 0.95);
    expect(Math.abs(critical.admitted / 20_000 - 0.1)).toBeLessThan(0.01);
  });

  it('runs one check per batch and admits a CRITICAL batch whole', () => {
    const manager = new BackpressureManager({ fill: () => 1 });
    expect(manager.admitBatch(Priority.CRITICAL, 250)).toEqual({ admitted: 250, refused: 0, state: 'LOAD_SHEDDING', retryAfterMs: 0 });
    expect(manager.admitBatch(Priority.LOW, 10)).toEqual({ admitted: 0, refused: 10, state: 'LOAD_SHEDDING', retryAfterMs: 60_000 });
    expect(manager.getMetrics().checks).toBe(2);
  });

  it('uses the current state without a check when neither a fill nor a provider is there', () => {
    const manager = new BackpressureManager({ random: () => 0.99 });
    manager.check(1);
    expect(manager.admit(Priority.LOW)).toMatchObject({ admitted: false, state: 'LOAD_SHEDDING' });
    expect(manager.getMetrics().checks).toBe(1);
  });

  it('refuses a bad priority or count', () => {
    const manager = new BackpressureManager();
    expect(() => manager.admit(7 as Priority, 0)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining('"priority"') }));
    expect(() => manager.admitBatch(Priority.LOW, -1)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining('"count"') }));
  });
});

describe('BackpressureManager fire season', () => {
  it('moves the thresholds to 80 % / 95 %, doubles the capacity and announces the change', () => {
    const manager = new BackpressureManager({ ...EVERY_CHECK, capacity: 10_000 });
    const profiles: BackpressureProfileChangeEvent[] = [];
    manager.on('profileChange', (e) => profiles.push(e));
    manager.adjustForPeakSeason(true);
    manager.adjustForPeakSeason(true);
    expect(manager.thresholds).toEqual({ warning: 0.8, critical: 0.95, loadShedding: 1 });
    expect(manager.effectiveCapacity).toBe(20_000);
    expect(manager.capacityMultiplier).toBe(2);
    expect(manager.check(0.79)).toBe('NORMAL');
    expect(manager.check(0.94)).toBe('WARNING');
    expect(manager.check(0.95)).toBe('CRITICAL');
    manager.adjustForPeakSeason(false);
    expect(manager.check(0.75)).toBe('WARNING');
    expect(manager.effectiveCapacity).toBe(10_000);
    expect(profiles.map((p) => [p.peakSeason, p.effectiveCapacity, p.capacityMultiplier])).toEqual([
      [true, 20_000, 2],
      [false, 10_000, 1],
    ]);
    expect(() => manager.adjustForPeakSeason('yes' as unknown as boolean)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });

  it('can start in fire season with its own thresholds and capacity', () => {
    const manager = new BackpressureManager({ capacity: 5_000, fireSeason: { enabled: true, warningThreshold: 0.85, criticalThreshold: 0.97, capacity: 12_500 } });
    expect(manager.peakSeason).toBe(true);
    expect(manager.thresholds).toEqual({ warning: 0.85, critical: 0.97, loadShedding: 1 });
    expect(manager.capacityMultiplier).toBe(2.5);
  });
});

describe('BackpressureManager metrics', () => {
  it('counts admissions and refusals by priority and state, and time in each state', () => {
    const clock = new FakeClock();
    const manager = new BackpressureManager({ clock, random: cyclingRandom([0.2, 0.8]) });
    manager.admitBatch(Priority.LOW, 4, 0.5);
    clock.advance(2_000);
    manager.admitBatch(Priority.LOW, 4, 0.8);
    manager.admit(Priority.CRITICAL);
    clock.advance(500);
    manager.admitBatch(Priority.HIGH, 3, 1);
    clock.advance(250);
    const metrics = manager.getMetrics();
    expect(metrics.admitted).toEqual({ CRITICAL: 1, HIGH: 0, NORMAL: 0, LOW: 6 });
    expect(metrics.refused).toEqual({ CRITICAL: 0, HIGH: 3, NORMAL: 0, LOW: 2 });
    expect(metrics.admittedByState).toEqual({ NORMAL: 4, WARNING: 3, CRITICAL: 0, LOAD_SHEDDING: 0 });
    expect(metrics.refusedByState).toEqual({ NORMAL: 0, WARNING: 2, CRITICAL: 0, LOAD_SHEDDING: 3 });
    expect(metrics.timeInStateMs).toEqual({ NORMAL: 2_000, WARNING: 500, CRITICAL: 0, LOAD_SHEDDING: 250 });
    expect(metrics).toMatchObject({ state: 'LOAD_SHEDDING', peakSeason: false, effectiveCapacity: 10_000, capacityMultiplier: 1, transitions: 2 });
  });
});

describe('BackpressureManager options', () => {
  it('refuses bad thresholds, shares and sizes, naming the option', () => {
    const cases: [ConstructorParameters<typeof BackpressureManager>[0], string][] = [
      [{ warningThreshold: 0.9, criticalThreshold: 0.9 }, 'warningThreshold'],
      [{ criticalThreshold: 1 }, 'criticalThreshold'],
      [{ warningThreshold: 1.5 }, 'warningThreshold'],
      [{ fireSeason: { warningThreshold: 0.96 } }, 'fireSeason.warningThreshold'],
      [{ warningAdmitRatio: 0.05 }, 'warningAdmitRatio'],
      [{ warningAdmitRatio: 0.3, criticalAdmitRatio: 0.4 }, 'criticalAdmitRatio'],
      [{ criticalAdmitRatio: -0.1 }, 'criticalAdmitRatio'],
      [{ recoveryChecks: 0 }, 'recoveryChecks'],
      [{ retryAfterMs: { warning: 1.5 } }, 'retryAfterMs.warning'],
      [{ capacity: 0 }, 'capacity'],
      [{ fireSeason: { capacity: -1 } }, 'fireSeason.capacity'],
      [{ capacity: 5_000, fireSeason: { capacity: 4_999 } }, 'fireSeason.capacity'],
      [{ checkIntervalMs: -1 }, 'checkIntervalMs'],
      [{ checkIntervalMs: 0.5 }, 'checkIntervalMs'],
      [{ fireSeason: { enabled: 1 as unknown as boolean } }, 'fireSeason.enabled'],
      [{ random: 0.5 as unknown as () => number }, 'random'],
    ];
    for (const [options, option] of cases) {
      expect(() => new BackpressureManager(options)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining(`"${option}"`) }));
    }
  });
});

describe('BackpressureManager check interval (regression: admissions one by one skipped the hysteresis)', () => {
  it('keeps CRITICAL through ten admissions in 0 ms after the fill fell, and returns to NORMAL only on the 10th paced check under 70 %, 10 s after the rise', () => {
    let fill = 0.95;
    const clock = new FakeClock();
    const manager = new BackpressureManager({ fill: () => fill, clock, random: () => 0 });
    const events = transitions(manager);
    expect(manager.check()).toBe('CRITICAL');
    fill = 0.1;
    expect(Array.from({ length: 10 }, () => manager.admit(Priority.LOW).state)).toEqual(Array(10).fill('CRITICAL'));
    expect(manager.getMetrics()).toMatchObject({ checks: 11, deferredChecks: 10, recoveryChecks: 0 });
    clock.advance(999);
    expect(manager.admitBatch(Priority.LOW, 5).state).toBe('CRITICAL');
    clock.advance(1);
    expect(manager.check()).toBe('WARNING'); // the first counted check under 70 %
    for (let second = 1; second <= 9; second++) {
      for (let i = 0; i < 100; i++) manager.admit(Priority.LOW);
      expect(manager.state).toBe('WARNING');
      clock.advance(1_000);
      expect(manager.check()).toBe(second === 9 ? 'NORMAL' : 'WARNING');
    }
    expect(events.map((e) => [e.to, e.at - Date.UTC(2026, 0, 1)])).toEqual([
      ['CRITICAL', 0],
      ['WARNING', 1_000],
      ['NORMAL', 10_000],
    ]);
    expect(manager.getMetrics()).toMatchObject({ checks: 922, deferredChecks: 911 }); // 10 + 1 + 9 × 100 admissions deferred
  });

  it('raises the state at once on any check, and restarts the recovery run on a fill at or above warning between paced checks', () => {
    const clock = new FakeClock();
    const manager = new BackpressureManager({ clock, recoveryChecks: 3, checkIntervalMs: 500 });
    expect(manager.check(0.1)).toBe('NORMAL');
    expect(manager.check(0.75)).toBe('WARNING');
    expect(manager.check(1)).toBe('LOAD_SHEDDING');
    expect(manager.check(0.1)).toBe('LOAD_SHEDDING'); // a fall waits for a counted check
    clock.advance(500);
    expect(manager.check(0.1)).toBe('WARNING');
    clock.advance(500);
    expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.getMetrics().recoveryChecks).toBe(2);
    clock.advance(100);
    expect(manager.check(0.72)).toBe('WARNING');
    expect(manager.getMetrics().recoveryChecks).toBe(0);
    clock.advance(400);
    expect(manager.check(0.1)).toBe('WARNING');
    clock.advance(500);
    expect(manager.check(0.1)).toBe('WARNING');
    clock.advance(500);
    expect(manager.check(0.1)).toBe('NORMAL');
  });

  it('lets every check take effect with checkIntervalMs 0', () => {
    const manager = new BackpressureManager({ checkIntervalMs: 0, recoveryChecks: 2, clock: new FakeClock() });
    manager.check(0.95);
    expect([manager.check(0.1), manager.check(0.1)]).toEqual(['WARNING', 'NORMAL']);
    expect(manager.getMetrics()).toMatchObject({ checks: 3, deferredChecks: 0 });
  });
});

describe('BackpressureManager option errors (regressions)', () => {
  it("refuses enabled: 'false' instead of shedding load while reporting it as off", () => {
    expect(() => new BackpressureManager({ enabled: 'false' as unknown as boolean })).toThrow(InvalidOptionError);
    expect(() => new BackpressureManager({ enabled: 'false' as unknown as boolean })).toThrow('Option "enabled" must be true or false (got "false").');
  });

  it('names the threshold the caller set when it conflicts with a default, and says which default is in the way', () => {
    expect(() => new BackpressureManager({ loadSheddingThreshold: 0.9, criticalThreshold: 0.85 })).toThrow(
      'Option "loadSheddingThreshold" must be more than fireSeason.criticalThreshold, which is 0.95 by default: set fireSeason.criticalThreshold below 0.9 as well, or raise this value (got 0.9).',
    );
    expect(() => new BackpressureManager({ criticalThreshold: 0.6 })).toThrow(expect.objectContaining({ context: { option: 'criticalThreshold', value: 0.6 } }));
    // Both set: the lower one is named, as before.
    expect(() => new BackpressureManager({ loadSheddingThreshold: 0.9, criticalThreshold: 0.85, fireSeason: { criticalThreshold: 0.95 } })).toThrow(
      'Option "fireSeason.criticalThreshold" must be less than loadSheddingThreshold (0.9) (got 0.95).',
    );
    expect(new BackpressureManager({ loadSheddingThreshold: 0.9, criticalThreshold: 0.85, fireSeason: { criticalThreshold: 0.88 } }).thresholds).toEqual({ warning: 0.7, critical: 0.85, loadShedding: 0.9 });
  });
});
