import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { InvalidOptionError } from '../../src/errors.js';
import { PartitionKeyer } from '../../src/routing/partition-keyer.js';

const paradise = { latitude: 39.7596, longitude: -121.6219 };

describe('PartitionKeyer', () => {
  it('uses the geo grid by default', () => {
    const keyer = new PartitionKeyer();
    expect(keyer.keyFor(paradise, 'firms_a')).toBe('geo_97_16');
    expect(keyer.getMetrics()).toMatchObject({ strategy: 'geo_grid', keys: 1, fallbacks: 0 });
  });

  it('supports geohash with a precision and the source-id strategy', () => {
    expect(new PartitionKeyer({ strategy: 'geohash' }).keyFor(paradise, 's')).toBe('9r1d0');
    expect(new PartitionKeyer({ strategy: 'geohash', geohashPrecision: 3 }).keyFor(paradise, 's')).toBe('9r1');
    expect(new PartitionKeyer({ strategy: 'source_id' }).keyFor(paradise, 'iot_7')).toBe('iot_7');
  });

  it('falls back to the source id for missing, non-finite and out-of-range positions, counted by reason', () => {
    const keyer = new PartitionKeyer({ strategy: 'geohash' });
    const records = [
      {},
      { latitude: 1 },
      { latitude: Number.NaN, longitude: 1 },
      { lat: 'abc', lon: 1 },
      { lat: 1, lon: Number.NEGATIVE_INFINITY },
      { lat: -90.5, lon: 0 },
      { lat: 0, lon: 181 },
      { lat: '57.64911', lon: 10.40744 },
    ];
    const keys = keyer.keysFor(records, 'iot_7');
    expect(keys.slice(0, 7)).toEqual(Array(7).fill('iot_7'));
    expect(keys[7]).toBe('u4pru');
    expect(keyer.getMetrics()).toEqual({
      strategy: 'geohash',
      keys: 8,
      fallbacks: 7,
      fallbacksByReason: { missing: 2, invalid: 3, out_of_range: 2, no_key: 0, key_error: 0 },
    });
  });

  it('applies a custom function and falls back when it has no key or throws, without throwing', () => {
    const warnings: object[] = [];
    const noop = (): void => undefined;
    const logger: Logger = { debug: noop, info: noop, warn: (o) => warnings.push(o), error: noop };
    const keyer = new PartitionKeyer({
      logger,
      strategy: (record) => {
        if (record.boom === true) throw new Error('boom');
        return typeof record.station === 'string' ? record.station : undefined;
      },
    });
    expect(keyer.keyFor({ station: 'KSAC' }, 's')).toBe('KSAC');
    expect(keyer.keyFor({ station: '' }, 's')).toBe('s');
    expect(keyer.keyFor({}, 's')).toBe('s');
    expect(keyer.keyFor({ boom: true }, 's')).toBe('s');
    expect(keyer.keyFor({ boom: true }, 's')).toBe('s');
    expect(keyer.getMetrics()).toMatchObject({ strategy: 'custom', keys: 5, fallbacks: 4, fallbacksByReason: { no_key: 2, key_error: 2 } });
    expect(warnings).toHaveLength(1);
  });

  it('a record whose getter or Proxy trap throws falls back as invalid instead of failing the whole keysFor batch', () => {
    const throwingGetter = { get lat(): number { throw new Error('getter'); }, lon: 1 };
    const throwingProxy = new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error('trap'); }, has: () => { throw new Error('trap'); } });
    for (const strategy of ['geo_grid', 'geohash'] as const) {
      const keyer = new PartitionKeyer({ strategy });
      const keys = keyer.keysFor([paradise, throwingGetter, throwingProxy, paradise], 'firms_a');
      expect(keys[1]).toBe('firms_a');
      expect(keys[2]).toBe('firms_a');
      expect(keys[0]).toBe(keys[3]);
      expect(keys[0]).not.toBe('firms_a');
      expect(keyer.getMetrics()).toMatchObject({ keys: 4, fallbacks: 2, fallbacksByReason: { invalid: 2 } });
    }
  });

  it('rejects an unknown strategy or bad precision', () => {
    expect(() => new PartitionKeyer({ strategy: 'h3' as never })).toThrow(InvalidOptionError);
    expect(() => new PartitionKeyer({ strategy: 'h3' as never })).toThrow(/"h3"/);
    expect(() => new PartitionKeyer({ geohashPrecision: 0 })).toThrow(/geohashPrecision/);
  });
});
