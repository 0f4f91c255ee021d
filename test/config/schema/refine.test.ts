import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unwrapSchema } from '../../../src/config/config-issues.js';
import { resolveConfig } from '../../../src/config/load-config.js';
import { StreamConfigSchema } from '../../../src/config/schema/index.js';
import { ConfigError } from '../../../src/errors.js';

/** Values of the wrong type for almost every setting. */
const ODD_VALUES: readonly unknown[] = [null, {}, [], 1, 'x', true];

/** Plausible values, so that cross-checks also meet a mix of valid and invalid settings. */
const PLAUSIBLE_LEAVES: readonly unknown[] = [0, -1, 3, 1_000, 'wildfire-default', 'CRITICAL', 'iot_a', 'batch', 'spill', false];

/** Older-layout and snake_case keys the loader adapts before validation. */
const LOADER_KEYS: readonly string[] = ['queue_max_size', 'enableDlq', 'enable_metrics', 'source_type', 'custom_params', 'compression_type', 'bootstrap_servers'];

const odd = fc.constantFrom(...ODD_VALUES);

/** A configuration-shaped value that follows the schema down `depth` levels, with odd values anywhere. */
function shaped(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  const inner = unwrapSchema(schema);
  if (depth === 0) return fc.oneof(odd, fc.constantFrom(...PLAUSIBLE_LEAVES));
  if (inner instanceof z.ZodObject) {
    const fields = Object.fromEntries(Object.entries(inner.shape as Record<string, z.ZodType>).map(([key, child]) => [key, shaped(child, depth - 1)]));
    const loaderFields = Object.fromEntries(LOADER_KEYS.map((key) => [key, fc.oneof(odd, fc.constantFrom(...PLAUSIBLE_LEAVES))]));
    return fc.oneof(
      { weight: 1, arbitrary: odd },
      { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.record(loaderFields, { requiredKeys: [] })).map(([a, b]) => ({ ...a, ...b })) },
    );
  }
  if (inner instanceof z.ZodArray) {
    const element = shaped(inner.element as z.ZodType, depth - 1);
    return fc.oneof(odd, fc.array(element, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'wildfire-default'), element, { maxKeys: 2 }));
  }
  if (inner instanceof z.ZodRecord) return fc.oneof(odd, fc.dictionary(fc.constantFrom('a', 'b'), shaped(inner.valueType as z.ZodType, depth - 1), { maxKeys: 2 }));
  return fc.oneof(odd, fc.constantFrom(...PLAUSIBLE_LEAVES));
}

function expectOnlyConfigErrors(input: unknown): void {
  const parsed = StreamConfigSchema.safeParse(input); // must not throw
  expect(typeof parsed.success).toBe('boolean');
  try {
    resolveConfig(input, { env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
  }
}

describe('checks that run while other settings are invalid (regression: they crashed on wrongly-typed sections)', () => {
  it('routing: null (an empty `routing:` section in YAML) gives a ConfigError, not a TypeError', () => {
    expect(StreamConfigSchema.safeParse({ routing: null }).success).toBe(false);
    expect(() => resolveConfig({ routing: null }, { env: {} })).toThrow(ConfigError);
  });

  it.each([{ sources: {} }, { topics: {} }, { sources: 'x' }, { topics: 1 }])('the schema gives success: false for %j instead of throwing', (input) => {
    expect(StreamConfigSchema.safeParse(input).success).toBe(false);
  });

  it('every top-level section and every setting of each section, set to an odd value, gives a ConfigError or a config, never a crash', () => {
    const sections = Object.entries(StreamConfigSchema.shape as Record<string, z.ZodType>);
    for (const [section, schema] of sections) {
      for (const value of ODD_VALUES) expectOnlyConfigErrors({ [section]: value });
      const inner = unwrapSchema(schema);
      const keys = inner instanceof z.ZodObject ? Object.keys(inner.shape) : inner instanceof z.ZodArray ? ['0'] : [];
      for (const key of keys) {
        for (const value of ODD_VALUES) expectOnlyConfigErrors({ [section]: key === '0' ? [value] : { [key]: value } });
      }
    }
  });

  it('configuration-shaped input with odd values anywhere never makes the schema or the loader throw anything but a ConfigError', () => {
    fc.assert(
      fc.property(shaped(StreamConfigSchema, 4), (input) => {
        expectOnlyConfigErrors(input);
      }),
      { numRuns: 600 },
    );
  }, 30_000); // 600 whole-config runs: about 2 s alone, far more on a loaded 2-core machine
});
