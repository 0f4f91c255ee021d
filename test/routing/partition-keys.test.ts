import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { geoGridCell, geoGridKey, geohashKey, sourceIdKey } from '../../src/routing/partition-keys.js';

describe('geoGridKey', () => {
  it('keys the DESIGN example lat 39.7596, lon −121.6219 as geo_97_16', () => {
    expect(geoGridKey({ latitude: 39.7596, longitude: -121.6219 })).toBe('geo_97_16');
    expect(geoGridKey({ lat: '39.7596', lon: '-121.6219' })).toBe('geo_97_16');
  });

  it('uses a true modulo for negative latitudes (never a negative cell)', () => {
    // floor(−338.688) = −339; −339 mod 100 = 61
    expect(geoGridCell(-33.8688, 151.2093)).toBe('geo_61_12');
    expect(geoGridCell(-0.05, 0)).toBe('geo_99_0');
    expect(geoGridCell(-0, -0)).toBe('geo_0_0');
  });

  it('uses abs(longitude): east and west share a cell', () => {
    expect(geoGridCell(10, -121.6219)).toBe(geoGridCell(10, 121.6219));
  });

  it('handles boundary values', () => {
    expect(geoGridCell(90, 180)).toBe('geo_0_0');
    expect(geoGridCell(-90, -180)).toBe('geo_0_0');
    expect(geoGridCell(9.99, 9.99)).toBe('geo_99_99');
    expect(geoGridCell(10, 10)).toBe('geo_0_0');
  });

  it('puts every one-decimal value exactly on its own cell (no floating drift)', () => {
    for (let i = -900; i <= 900; i++) {
      const cell = ((i % 100) + 100) % 100;
      expect(geoGridCell(i / 10, 0)).toBe(`geo_${cell}_0`);
    }
    for (let i = 0; i <= 1800; i++) expect(geoGridCell(0, -i / 10)).toBe(`geo_0_${i % 100}`);
  });

  it('cells are always in 0..99 for valid coordinates', () => {
    fc.assert(
      fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), (lat, lon) => {
        const m = /^geo_(\d+)_(\d+)$/.exec(geoGridCell(lat, lon));
        expect(m).not.toBeNull();
        expect(Number(m![1])).toBeLessThan(100);
        expect(Number(m![2])).toBeLessThan(100);
      }),
    );
  });

  it('returns undefined for records without a usable position', () => {
    expect(geoGridKey({})).toBeUndefined();
    expect(geoGridKey({ lat: Number.NaN, lon: 1 })).toBeUndefined();
    expect(geoGridKey({ lat: 91, lon: 1 })).toBeUndefined();
  });
});

describe('geohashKey', () => {
  it('encodes a known point', () => {
    expect(geohashKey({ latitude: 57.64911, longitude: 10.40744 }, 11)).toBe('u4pruydqqvj');
    expect(geohashKey({ latitude: 57.64911, longitude: 10.40744 })).toBe('u4pru');
    expect(geohashKey({ lat: '39.7596', lng: '-121.6219' }, 5)).toBe('9r1d0');
  });

  it('returns undefined without a position and rejects a bad precision', () => {
    expect(geohashKey({ lat: 1 })).toBeUndefined();
    expect(() => geohashKey({ lat: 1, lon: 1 }, 0)).toThrow(InvalidOptionError);
    expect(() => geohashKey({ lat: 1, lon: 1 }, 13)).toThrow(/precision/);
  });
});

describe('sourceIdKey', () => {
  it('is the source id', () => {
    expect(sourceIdKey('firms_viirs_snpp')).toBe('firms_viirs_snpp');
  });
});
