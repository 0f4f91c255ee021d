import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/core/latency-histogram.js';

/** Exact percentile by the same rank rule (nearest rank). */
function exact(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percent / 100) * sorted.length)) - 1] as number;
}

describe('LatencyHistogram', () => {
  it('reports percentiles at most 3.125 % above the exact value, never below', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.002, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.constantFrom(50, 95, 99, 99.9), (values, percent) => {
        const h = new LatencyHistogram();
        for (const v of values) h.record(v);
        const truth = exact(values, percent);
        const reported = h.valueAtPercentile(percent);
        expect(reported).toBeGreaterThanOrEqual(truth);
        expect(reported).toBeLessThanOrEqual(truth * 1.03125);
      }),
    );
  });

  it('keeps exact count, min, max and mean; percentiles of 1..1000 ms', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1_000; ms++) h.record(ms);
    const s = h.snapshot();
    expect(s).toMatchObject({ count: 1_000, min: 1, max: 1_000, mean: 500.5 });
    expect(s.p50).toBeGreaterThanOrEqual(500);
    expect(s.p50).toBeLessThanOrEqual(500 * 1.03125);
    expect(s.p99).toBeGreaterThanOrEqual(990);
    expect(s.p999).toBe(1_000); // clamped to the exact maximum
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('counts zero, negative and NaN values as 0 and huge values in the last bucket', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(0);
    expect(h.snapshot()).toMatchObject({ count: 3, min: 0, max: 0, p99: 0 });
    h.record(1e15);
    expect(h.valueAtPercentile(100)).toBe(1e15);
  });

  it('is all zeros when empty, merges and resets', () => {
    const a = new LatencyHistogram();
    expect(a.snapshot()).toEqual({ count: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0, p999: 0 });
    const b = new LatencyHistogram();
    a.record(10);
    b.record(20);
    b.record(30);
    a.merge(b);
    expect(a.snapshot()).toMatchObject({ count: 3, min: 10, max: 30, mean: 20 });
    a.reset();
    expect(a.count).toBe(0);
    expect(a.valueAtPercentile(50)).toBe(0);
  });
});
