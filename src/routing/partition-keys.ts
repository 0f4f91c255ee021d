import ngeohash from 'ngeohash';
import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import { coordinatesOf } from './coordinates.js';

/** Default geohash precision (5 characters ≈ 4.9 km × 4.9 km cells). */
export const DEFAULT_GEOHASH_PRECISION = 5;

/** Non-negative remainder: `mod(-339, 100)` is 61, where `%` would give −39. */
function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

/**
 * The geo-grid key of a position: `geo_{floor(lat×10) mod 100}_{floor(abs(lon)×10) mod 100}`.
 *
 * `mod` is a true (floored) modulo, so keys are never negative: latitude −33.8688 gives
 * floor(−338.688) = −339 → 61. Longitude uses its absolute value, so east and west share cells.
 * Values with one decimal (39.7, −121.6) land exactly on their cell: `x × 10` is exact for them
 * in double precision over the whole coordinate range.
 *
 * @example `geoGridCell(39.7596, -121.6219)` is `'geo_97_16'`.
 */
export function geoGridCell(latitude: number, longitude: number): string {
  const latCell = mod(Math.floor(latitude * 10), 100);
  const lonCell = mod(Math.floor(Math.abs(longitude) * 10), 100);
  return `geo_${latCell}_${lonCell}`;
}

/**
 * The geo-grid key of a record (see {@link geoGridCell}), or `undefined` when the record has no
 * usable position (see `readCoordinates`).
 */
export function geoGridKey(record: RecordPayload): string | undefined {
  const coords = coordinatesOf(record);
  return coords === undefined ? undefined : geoGridCell(coords.latitude, coords.longitude);
}

/** Throws {@link InvalidOptionError} unless `precision` is an integer from 1 to 12. */
export function assertGeohashPrecision(precision: unknown, option = 'precision'): number {
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1 || precision > 12) {
    throw new InvalidOptionError(option, precision, 'must be an integer from 1 to 12');
  }
  return precision;
}

/**
 * The geohash of a record's position with `precision` characters (default 5), or `undefined` when
 * the record has no usable position.
 *
 * @throws {@link InvalidOptionError} when `precision` is not an integer from 1 to 12.
 */
export function geohashKey(record: RecordPayload, precision: number = DEFAULT_GEOHASH_PRECISION): string | undefined {
  assertGeohashPrecision(precision);
  const coords = coordinatesOf(record);
  return coords === undefined ? undefined : ngeohash.encode(coords.latitude, coords.longitude, precision);
}

/** The source-id key: the source id itself, so all of a source's records share a partition. */
export function sourceIdKey(sourceId: string): string {
  return sourceId;
}
