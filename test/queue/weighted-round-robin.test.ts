import { describe, expect, it } from 'vitest';
import { WeightedRoundRobin } from '../../src/queue/weighted-round-robin.js';

const ALL = 0b1111;
const picks = (wrr: WeightedRoundRobin, mask: number, n: number): number[] => Array.from({ length: n }, () => wrr.pick(mask));

describe('WeightedRoundRobin', () => {
  it('gives each ready priority its weight in batches per round, most urgent first', () => {
    const wrr = new WeightedRoundRobin({ critical: 6, high: 3, normal: 2, low: 1 });
    const round = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3];
    expect(picks(wrr, ALL, 24)).toEqual([...round, ...round]);
  });

  it('lets LOW leave once per round under a HIGH flood', () => {
    const wrr = new WeightedRoundRobin({ critical: 6, high: 3, normal: 2, low: 1 });
    const seq = picks(wrr, 0b1010, 40);
    expect(seq.filter((p) => p === 3)).toHaveLength(10);
    expect(seq.slice(0, 8)).toEqual([1, 1, 1, 3, 1, 1, 1, 3]);
  });

  it('returns -1 when nothing is ready and keeps credit for priorities that were not ready', () => {
    const wrr = new WeightedRoundRobin({ critical: 2, high: 1, normal: 1, low: 1 });
    expect(wrr.pick(0)).toBe(-1);
    expect(picks(wrr, 0b0010, 1)).toEqual([1]); // HIGH spends its only credit
    expect(picks(wrr, 0b0011, 3)).toEqual([0, 0, 0]); // CRITICAL's 2 credits, then a new round
    expect(wrr.pick(0b0010)).toBe(1); // new round gave HIGH its credit back
  });
});
