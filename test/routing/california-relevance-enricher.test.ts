import { describe, expect, it } from 'vitest';
import { CALIFORNIA_BOUNDS, californiaRelevanceEnricher, isInCalifornia } from '../../src/routing/california-relevance-enricher.js';

const ctx = { producerId: 'p', now: 0, sourceId: 's' };
const relevant = (record: Record<string, unknown>): unknown => californiaRelevanceEnricher(record, ctx).california_relevance;

describe('californiaRelevanceEnricher', () => {
  it('includes every edge and corner of the box', () => {
    const { minLatitude: s, maxLatitude: n, minLongitude: w, maxLongitude: e } = CALIFORNIA_BOUNDS;
    for (const [lat, lon] of [[s, w], [s, e], [n, w], [n, e], [32.5, -120], [42.0, -120], [37, -124.5], [37, -114.1]]) {
      expect(isInCalifornia(lat!, lon!)).toBe(true);
    }
  });

  it('excludes points just outside each edge', () => {
    for (const [lat, lon] of [[32.4999, -120], [42.0001, -120], [37, -124.5001], [37, -114.0999]]) {
      expect(isInCalifornia(lat!, lon!)).toBe(false);
    }
  });

  it('flags records by position, false when there is none', () => {
    expect(relevant({ latitude: 39.7596, longitude: -121.6219 })).toBe(true);
    expect(relevant({ lat: '34.05', lon: '-118.24' })).toBe(true);
    expect(relevant({ lat: 45.5, lon: -122.7 })).toBe(false);
    expect(relevant({})).toBe(false);
    expect(relevant({ lat: Number.NaN, lon: -120 })).toBe(false);
  });
});
