import type { RecordPayload } from '../core/record.js';

/** A checked position: finite, latitude in [−90, 90], longitude in [−180, 180]. */
export interface Coordinates {
  /** Degrees north (negative south). */
  readonly latitude: number;
  /** Degrees east (negative west). */
  readonly longitude: number;
}

/**
 * Why a record has no usable position:
 * `missing` — no latitude or no longitude field (or `null`);
 * `invalid` — a field is not a number or a decimal string (`"0x10"`, `"1e"`, `""` are not), is
 * NaN/±Infinity, or cannot be read (a getter or Proxy trap throws);
 * `out_of_range` — latitude outside [−90, 90] or longitude outside [−180, 180].
 */
export type CoordinateProblem = 'missing' | 'invalid' | 'out_of_range';

/** Every {@link CoordinateProblem}, in a fixed order. */
export const COORDINATE_PROBLEMS: readonly CoordinateProblem[] = Object.freeze(['missing', 'invalid', 'out_of_range']);

/**
 * Reads a record's position from `latitude`/`longitude`, or `lat`/`lon`, or `lat`/`lng`
 * (numbers, or strings holding a decimal number such as `"-121.6219"` or `"3.97e1"`, surrounding
 * whitespace allowed). Returns the coordinates, or the reason there are none. Never throws.
 */
export function readCoordinates(record: RecordPayload): Coordinates | CoordinateProblem {
  if (record === null || typeof record !== 'object') return 'missing';
  let rawLat: unknown;
  let rawLon: unknown;
  try {
    rawLat = pick(record, 'latitude', 'lat');
    rawLon = pick(record, 'longitude', 'lon', 'lng');
  } catch {
    // A getter or Proxy trap that throws: the record has no readable position.
    return 'invalid';
  }
  if (rawLat === undefined || rawLon === undefined) return 'missing';
  const latitude = toNumber(rawLat);
  const longitude = toNumber(rawLon);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return 'invalid';
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) return 'out_of_range';
  return { latitude, longitude };
}

/** Returns the record's coordinates, or `undefined` when it has no usable position. */
export function coordinatesOf(record: RecordPayload): Coordinates | undefined {
  const result = readCoordinates(record);
  return typeof result === 'string' ? undefined : result;
}

function pick(record: RecordPayload, ...names: string[]): unknown {
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(record, name)) continue;
    const value = record[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

// Decimal text only: optional sign, digits with an optional fraction, optional exponent. Number()
// alone would also take "0x10", "0b1", "0o7" (16, 1, 7), "" and "  " (0), and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (DECIMAL.test(text)) return Number(text);
  }
  return Number.NaN;
}
