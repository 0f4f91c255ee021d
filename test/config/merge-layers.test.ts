import { describe, expect, it } from 'vitest';
import { mergeLayers } from '../../src/config/merge-layers.js';

describe('mergeLayers', () => {
  it('merges objects deeply, replaces lists and scalars, and keeps the base for undefined', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over = { a: { c: [3] }, d: undefined, e: null };
    expect(mergeLayers(base, over)).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: null });
  });

  it('merges a map of topics by name and a list of sources by id, appending new entries', () => {
    const base = { topics: [{ name: 't1', partitions: 1, compression: 'zstd' }, { name: 't2', partitions: 2 }], sources: [{ sourceId: 's1', type: 'a' }] };
    const over = { topics: { t2: { name: 't2', partitions: 5 }, t3: { name: 't3', partitions: 3 } }, sources: [{ sourceId: 's1', enabled: false }, { sourceId: 's2', type: 'b' }] };
    expect(mergeLayers(base, over)).toEqual({
      topics: [{ name: 't1', partitions: 1, compression: 'zstd' }, { name: 't2', partitions: 5 }, { name: 't3', partitions: 3 }],
      sources: [{ sourceId: 's1', type: 'a', enabled: false }, { sourceId: 's2', type: 'b' }],
    });
  });

  it('preset topics regression: a list of topics replaces the topics below it', () => {
    const base = { topics: [{ name: 't1', partitions: 1 }, { name: 't2', partitions: 2 }] };
    expect(mergeLayers(base, { topics: [{ name: 't2', partitions: 5 }] })).toEqual({ topics: [{ name: 't2', partitions: 5 }] });
  });

  it('replaces lists with the same name below the top level', () => {
    expect(mergeLayers({ routing: { topics: [1] } }, { routing: { topics: [2] } })).toEqual({ routing: { topics: [2] } });
  });

  it('never modifies its arguments', () => {
    const base = Object.freeze({ a: Object.freeze({ b: 1 }), topics: Object.freeze([Object.freeze({ name: 't', partitions: 1 })]) });
    const over = Object.freeze({ a: Object.freeze({ c: 2 }), topics: Object.freeze({ t: Object.freeze({ name: 't', partitions: 2 }) }) });
    expect(mergeLayers(base, over)).toEqual({ a: { b: 1, c: 2 }, topics: [{ name: 't', partitions: 2 }] });
    expect(base).toEqual({ a: { b: 1 }, topics: [{ name: 't', partitions: 1 }] });
  });
});
