import { describe, expect, it } from 'vitest';
import { setBounded, touch } from '../../src/priority/bounded-map.js';

describe('setBounded', () => {
  it('evicts the oldest entry when full, keeps updates of existing keys in place, and stores nothing with max 0', () => {
    const map = new Map<string, number>();
    setBounded(map, 'a', 1, 2);
    setBounded(map, 'b', 2, 2);
    setBounded(map, 'a', 3, 2);
    expect([...map]).toEqual([['a', 3], ['b', 2]]);
    setBounded(map, 'c', 4, 2);
    expect([...map]).toEqual([['b', 2], ['c', 4]]);
    touch(map, 'b', 2);
    setBounded(map, 'd', 5, 2);
    expect([...map]).toEqual([['b', 2], ['d', 5]]);
    expect(setBounded(map, 'e', 6, 0)).toBe(false);
    expect(map.has('e')).toBe(false);
  });
});
