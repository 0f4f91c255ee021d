import { describe, expect, it } from 'vitest';
import { ALL_PRIORITIES, PRIORITY_LATENCY_TARGET_MS, Priority, parsePriority, priorityName } from '../../src/priority/priority.js';

describe('Priority', () => {
  it('orders CRITICAL < HIGH < NORMAL < LOW so values index arrays', () => {
    expect(ALL_PRIORITIES).toEqual([0, 1, 2, 3]);
    expect(ALL_PRIORITIES.map(priorityName)).toEqual(['CRITICAL', 'HIGH', 'NORMAL', 'LOW']);
  });

  it('has the DESIGN latency targets', () => {
    expect(PRIORITY_LATENCY_TARGET_MS).toEqual([100, 1000, 10000, 60000]);
  });

  it('parses names case-insensitively and values, rejects others', () => {
    expect(parsePriority('critical')).toBe(Priority.CRITICAL);
    expect(parsePriority('LOW')).toBe(Priority.LOW);
    expect(parsePriority(2)).toBe(Priority.NORMAL);
    expect(parsePriority(4)).toBeUndefined();
    expect(parsePriority(1.5)).toBeUndefined();
    expect(parsePriority('urgent')).toBeUndefined();
    expect(parsePriority(null)).toBeUndefined();
  });
});
