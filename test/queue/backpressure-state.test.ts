import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PRIORITIES, Priority } from '../../src/priority/priority.js';
import type { BackpressureStateChangeEvent } from '../../src/queue/backpressure-types.js';
import { BackpressureManager } from '../../src/queue/backpressure-manager.js';
import { BACKPRESSURE_STATES, BackpressureState, severity, stateForFill, stepBackpressure } from '../../src/queue/backpressure-state.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { seededRandom } from '../helpers/seeded-random.js';

const THRESHOLDS = { warning: 0.7, critical: 0.9, loadShedding: 1 };
const fills = fc.array(fc.oneof(fc.double({ min: 0, max: 1.2, noNaN: true }), fc.constantFrom(0, 0.7, 0.9, 1)), { maxLength: 200 });

describe('stepBackpressure', () => {
  it('maps fill to states at the thresholds', () => {
    expect([0, 0.69, 0.7, 0.89, 0.9, 0.99, 1, 5].map((f) => stateForFill(f, THRESHOLDS))).toEqual([
      'NORMAL',
      'NORMAL',
      'WARNING',
      'WARNING',
      'CRITICAL',
      'CRITICAL',
      'LOAD_SHEDDING',
      'LOAD_SHEDDING',
    ]);
  });

  it('returns to NORMAL on the first check under warning when recoveryChecks is 1', () => {
    expect(stepBackpressure(BackpressureState.CRITICAL, 0, 0.1, THRESHOLDS, 1)).toEqual({ state: 'NORMAL', recovery: 0 });
  });

  it('ranks states by their index in BACKPRESSURE_STATES', () => {
    expect(BACKPRESSURE_STATES.map(severity)).toEqual([0, 1, 2, 3]);
  });
});

describe('BackpressureManager state machine (property)', () => {
  it('never protects less than the fill calls for, and matches it exactly at or above warning', () => {
    fc.assert(
      fc.property(fills, (sequence) => {
        const manager = new BackpressureManager({ checkIntervalMs: 0 });
        for (const fill of sequence) {
          const state = manager.check(fill);
          const target = stateForFill(fill, THRESHOLDS);
          if (severity(state) < severity(target)) return false;
          if (target !== 'NORMAL' && state !== target) return false;
          if (target === 'NORMAL' && state !== 'NORMAL' && state !== 'WARNING') return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('returns to NORMAL only after recoveryChecks consecutive checks under warning (never skips hysteresis)', () => {
    fc.assert(
      fc.property(fills, fc.integer({ min: 1, max: 12 }), (sequence, recoveryChecks) => {
        const manager = new BackpressureManager({ recoveryChecks, checkIntervalMs: 0 });
        let previous = manager.state;
        let run = 0;
        for (const fill of sequence) {
          run = fill < THRESHOLDS.warning ? run + 1 : 0;
          const state = manager.check(fill);
          // From an elevated state, NORMAL comes exactly on the recoveryChecks-th consecutive check under warning.
          if (previous !== 'NORMAL' && (state === 'NORMAL') !== (run === recoveryChecks)) return false;
          if (state === 'NORMAL') run = 0;
          previous = state;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('announces every transition exactly once, as a chain from the previous state', () => {
    fc.assert(
      fc.property(fills, (sequence) => {
        const manager = new BackpressureManager({ recoveryChecks: 3, checkIntervalMs: 0 });
        const events: BackpressureStateChangeEvent[] = [];
        manager.on('stateChange', (e) => events.push(e));
        const states = [manager.state, ...sequence.map((fill) => manager.check(fill))];
        const changes = states.slice(1).filter((s, i) => s !== states[i]);
        let from: BackpressureState = 'NORMAL';
        for (const event of events) {
          if (event.from !== from || event.to === event.from) return false;
          from = event.to;
        }
        return events.length === changes.length && events.length === manager.getMetrics().transitions && from === manager.state;
      }),
      { numRuns: 200 },
    );
  });

  it('with a check interval, never protects less than the fill calls for, and returns to NORMAL no sooner than recoveryChecks × checkIntervalMs after the last rise and (recoveryChecks − 1) × checkIntervalMs after the last fill at or above warning', () => {
    const step = fc.record({ fill: fc.oneof(fc.double({ min: 0, max: 1.2, noNaN: true }), fc.constantFrom(0.1, 0.7, 0.9, 1)), waitMs: fc.integer({ min: 0, max: 1_500 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1_000 }), (steps, recoveryChecks, checkIntervalMs) => {
        const clock = new FakeClock();
        const manager = new BackpressureManager({ clock, recoveryChecks, checkIntervalMs });
        let lastHighAt = Number.NEGATIVE_INFINITY;
        let lastRiseAt = Number.NEGATIVE_INFINITY;
        let readingsSinceHigh = 0;
        for (const { fill, waitMs } of steps) {
          clock.advance(waitMs);
          const before = manager.state;
          const state = manager.check(fill);
          if (fill >= THRESHOLDS.warning) {
            lastHighAt = clock.monotonic();
            readingsSinceHigh = 0;
          } else readingsSinceHigh++;
          if (severity(state) < severity(stateForFill(fill, THRESHOLDS))) return false;
          if (severity(state) > severity(before)) lastRiseAt = clock.monotonic();
          if (before !== 'NORMAL' && state === 'NORMAL') {
            const now = clock.monotonic();
            if (readingsSinceHigh < recoveryChecks || now - lastHighAt < (recoveryChecks - 1) * checkIntervalMs || now - lastRiseAt < recoveryChecks * checkIntervalMs) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('always admits CRITICAL records', () => {
    fc.assert(
      fc.property(fills, fc.integer(), (sequence, seed) => {
        const manager = new BackpressureManager({ random: seededRandom(seed) });
        return sequence.every((fill) => manager.admit(Priority.CRITICAL, fill).admitted && manager.admitBatch(Priority.CRITICAL, 3, fill).admitted === 3);
      }),
      { numRuns: 200 },
    );
  });

  it('admits non-critical records with the state share, within five standard deviations', () => {
    const n = 4_000;
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...ALL_PRIORITIES.filter((p) => p !== Priority.CRITICAL)),
        (seed, a, b, priority) => {
          const [criticalAdmitRatio, warningAdmitRatio] = a <= b ? [a, b] : [b, a];
          const manager = new BackpressureManager({ random: seededRandom(seed), warningAdmitRatio, criticalAdmitRatio });
          const within = (admitted: number, p: number) => Math.abs(admitted / n - p) <= 5 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
          return (
            within(manager.admitBatch(priority, n, 0.8).admitted, warningAdmitRatio) &&
            within(manager.admitBatch(priority, n, 0.95).admitted, criticalAdmitRatio) &&
            manager.admitBatch(priority, n, 1).admitted === 0
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
