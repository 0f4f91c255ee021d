import type { RecordPayload } from '../core/record.js';
import { coordinatesOf } from './coordinates.js';
import type { EnrichmentContext } from './enrichers.js';
import { copyRecord } from './record-copy.js';

/** California's bounding box in degrees (inclusive on every side). */
export const CALIFORNIA_BOUNDS = Object.freeze({
  /** Southern edge. */
  minLatitude: 32.5,
  /** Northern edge. */
  maxLatitude: 42.0,
  /** Western edge. */
  minLongitude: -124.5,
  /** Eastern edge. */
  maxLongitude: -114.1,
});

/** Returns true when the position lies in {@link CALIFORNIA_BOUNDS}, edges included. */
export function isInCalifornia(latitude: number, longitude: number): boolean {
  const b = CALIFORNIA_BOUNDS;
  return latitude >= b.minLatitude && latitude <= b.maxLatitude && longitude >= b.minLongitude && longitude <= b.maxLongitude;
}

/**
 * Adds `california_relevance: boolean`: true when the record's position lies in
 * {@link CALIFORNIA_BOUNDS}; false when it lies outside or the record has no usable position.
 */
export function californiaRelevanceEnricher(record: RecordPayload, _context: EnrichmentContext): RecordPayload {
  const coords = coordinatesOf(record);
  const california_relevance = coords !== undefined && isInCalifornia(coords.latitude, coords.longitude);
  const out = copyRecord(record);
  out.california_relevance = california_relevance;
  return out;
}
