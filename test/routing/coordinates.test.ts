import { describe, expect, it } from 'vitest';
import { coordinatesOf, readCoordinates } from '../../src/routing/coordinates.js';

describe('readCoordinates', () => {
  it('reads latitude/longitude, lat/lon and lat/lng, numbers or numeric strings', () => {
    expect(readCoordinates({ latitude: 39.7596, longitude: -121.6219 })).toEqual({ latitude: 39.7596, longitude: -121.6219 });
    expect(readCoordinates({ lat: '39.7596', lon: ' -121.6219 ' })).toEqual({ latitude: 39.7596, longitude: -121.6219 });
    expect(readCoordinates({ lat: 1, lng: 2 })).toEqual({ latitude: 1, longitude: 2 });
  });

  it('prefers latitude/longitude and skips null fields', () => {
    expect(readCoordinates({ latitude: 10, lat: 20, longitude: null, lon: 30 })).toEqual({ latitude: 10, longitude: 30 });
  });

  it.each([
    [{}, 'missing'],
    [{ latitude: 1 }, 'missing'],
    [{ latitude: null, longitude: 1 }, 'missing'],
    [{ latitude: Number.NaN, longitude: 1 }, 'invalid'],
    [{ latitude: 1, longitude: Number.POSITIVE_INFINITY }, 'invalid'],
    [{ latitude: '', longitude: 1 }, 'invalid'],
    [{ latitude: 'north', longitude: 1 }, 'invalid'],
    [{ latitude: true, longitude: 1 }, 'invalid'],
    [{ latitude: 90.0001, longitude: 1 }, 'out_of_range'],
    [{ latitude: 0, longitude: -180.5 }, 'out_of_range'],
  ])('%j → %s', (record, problem) => {
    expect(readCoordinates(record)).toBe(problem);
    expect(coordinatesOf(record)).toBeUndefined();
  });

  it('non-decimal numeric strings ("0x10", "0b1", "0o7") are invalid, not read as 16, 1 and 7', () => {
    for (const text of ['0x10', '0X1f', '0b1', '0o7', '0B1', '1_000', '1e', 'e5', '.', '-', '+', '--1', '1.2.3', 'Infinity', '-Infinity', 'NaN', '1,5', '12abc']) {
      expect(readCoordinates({ lat: text, lon: 1 })).toBe('invalid');
      expect(readCoordinates({ lat: 1, lon: text })).toBe('invalid');
    }
  });

  it('decimal strings with sign, fraction and exponent are read', () => {
    const cases: [string, number][] = [
      ['39', 39], ['+39.5', 39.5], ['-81.6219', -81.6219], ['39.', 39], ['.5', 0.5], ['-.5', -0.5],
      ['3.97e1', 39.7], ['397E-1', 39.7], ['1e+1', 10], [' 12.5\t', 12.5], ['007', 7], ['-0', -0],
    ];
    for (const [text, value] of cases) {
      expect(readCoordinates({ lat: text, lon: 0 })).toEqual({ latitude: value, longitude: 0 });
      expect(readCoordinates({ lat: 0, lon: text })).toEqual({ latitude: 0, longitude: value });
    }
  });

  it('accepts the exact range edges', () => {
    expect(readCoordinates({ lat: -90, lon: 180 })).toEqual({ latitude: -90, longitude: 180 });
    expect(readCoordinates({ lat: 90, lon: -180 })).toEqual({ latitude: 90, longitude: -180 });
  });

  it('does not throw on a non-object record', () => {
    expect(readCoordinates(null as never)).toBe('missing');
  });
});
