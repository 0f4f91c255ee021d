import { describe, expect, it } from 'vitest';
import { findTooDeep, MAX_CONFIG_DEPTH } from '../../src/config/limits.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { n: value };
  return value;
}

describe('findTooDeep', () => {
  it('finds the first list or object nested deeper than the limit, without recursion', () => {
    expect(findTooDeep(nested(MAX_CONFIG_DEPTH))).toBeUndefined();
    expect(findTooDeep(nested(MAX_CONFIG_DEPTH + 1))).toHaveLength(MAX_CONFIG_DEPTH);
    expect(findTooDeep(nested(200_000))).toHaveLength(MAX_CONFIG_DEPTH);
    expect(findTooDeep([[[1]]], 2)).toEqual([0, 0]);
  });

  it('treats a cycle as too deep and looks only through plain objects and lists', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(findTooDeep(cyclic)).toBeDefined();
    expect(findTooDeep({ buffer: Buffer.alloc(10), when: new Date(0) }, 1)).toBeUndefined();
  });
});

describe('deep configuration (regression: nesting overflowed the stack)', () => {
  it('reports an issue for options nested too deeply, and for a cyclic object', () => {
    for (const options of [nested(100_000), (() => { const c: Record<string, unknown> = {}; c.c = c; return c; })()]) {
      let err: unknown;
      try {
        resolveConfig({ sources: [{ source_id: 'a', type: 'x', options }] }, { env: {} });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toEqual([{ path: expect.stringMatching(/^sources\[0\]\.options/), message: expect.stringContaining(`more than ${MAX_CONFIG_DEPTH} levels deep`) }]);
    }
  });
});
