import { describe, expect, it } from 'vitest';
import { classifyWildfireSource, DEFAULT_TOPIC_PATTERNS, WILDFIRE_SOURCE_RULES, WildfireTopics } from '../../src/routing/wildfire-sources.js';
import { isValidTopicName } from '../../src/routing/topic-names.js';

describe('wildfire preset', () => {
  it('every preset topic is a legal Kafka topic name', () => {
    expect(Object.values(WildfireTopics).every((t) => isValidTopicName(t))).toBe(true);
  });

  it('topic patterns and categories come from the same table', () => {
    expect(DEFAULT_TOPIC_PATTERNS.map((p) => p.topic)).toEqual(WILDFIRE_SOURCE_RULES.map((r) => r.topic));
    expect(Object.isFrozen(DEFAULT_TOPIC_PATTERNS)).toBe(true);
  });

  it.each([
    ['firms_viirs_snpp', 'fire_detection'],
    ['noaa_stations_california', 'weather'],
    ['noaa_isd_bulk', 'weather_bulk'],
    ['iot_smoke_1', 'iot_sensor'],
    ['landsat_9', 'satellite_imagery'],
    ['evacuation_alert_butte', 'critical_alert'],
    ['unknown', 'other'],
  ])('classifies %s as %s', (sourceId, category) => {
    expect(classifyWildfireSource(sourceId)).toBe(category);
  });
});
