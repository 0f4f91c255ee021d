import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { createWildfireContextEnricher, wildfireContextEnricher } from '../../src/routing/wildfire-context-enricher.js';

const at = (month: number, day = 15): number => Date.UTC(2025, month - 1, day, 12);
const ctx = (sourceId: string, now: number) => ({ producerId: 'p', sourceId, now });

describe('wildfireContextEnricher', () => {
  it('derives category and fire_detected from the source', () => {
    expect(wildfireContextEnricher({}, ctx('firms_modis', at(8))).wildfire_context).toEqual({
      data_category: 'fire_detection',
      fire_detected: true,
      fire_season: true,
    });
    expect(wildfireContextEnricher({}, ctx('noaa_stations', at(8))).wildfire_context).toMatchObject({ data_category: 'weather', fire_detected: false });
    expect(wildfireContextEnricher({}, ctx('mystery', at(8))).wildfire_context).toMatchObject({ data_category: 'other' });
  });

  it('fire season is June to October by the context clock (UTC), edges included', () => {
    const season = (now: number): unknown => (wildfireContextEnricher({}, ctx('firms_a', now)).wildfire_context as { fire_season: boolean }).fire_season;
    expect(season(at(5, 31))).toBe(false);
    expect(season(Date.UTC(2025, 5, 1, 0, 0, 0))).toBe(true);
    expect(season(Date.UTC(2025, 9, 31, 23, 59, 59))).toBe(true);
    expect(season(Date.UTC(2025, 10, 1, 0, 0, 0))).toBe(false);
    expect(season(at(1))).toBe(false);
  });

  it('is deterministic: same inputs, same output, across interleaved sources and times', () => {
    const a1 = wildfireContextEnricher({ x: 1 }, ctx('firms_a', at(7)));
    wildfireContextEnricher({ x: 1 }, ctx('iot_b', at(2)));
    expect(wildfireContextEnricher({ x: 1 }, ctx('firms_a', at(7)))).toEqual(a1);
  });

  it('accepts custom months and categorizer, and rejects bad months', () => {
    const southern = createWildfireContextEnricher({ fireSeasonMonths: [12, 1, 2], categorize: () => 'iot_sensor' });
    expect(southern({}, ctx('x', at(1))).wildfire_context).toEqual({ data_category: 'iot_sensor', fire_detected: false, fire_season: true });
    expect(() => createWildfireContextEnricher({ fireSeasonMonths: [0] })).toThrow(InvalidOptionError);
    expect(() => createWildfireContextEnricher({ fireSeasonMonths: [6, 13] })).toThrow(/fireSeasonMonths\[1\]/);
  });
});
