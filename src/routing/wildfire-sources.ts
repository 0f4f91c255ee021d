/**
 * The built-in wildfire preset: which source ids go to which topic, and which data category they
 * carry. One table feeds both {@link DEFAULT_TOPIC_PATTERNS} (topic routing) and the
 * `wildfire_context` enricher (data category), so the two never disagree.
 *
 * @module
 */

/** The wildfire topics of the built-in preset. */
export const WildfireTopics = {
  /** Satellite fire detections (NASA FIRMS). */
  NASA_FIRMS: 'wildfire-nasa-firms',
  /** Weather observations and forecasts (NOAA, weather stations). */
  WEATHER_DATA: 'wildfire-weather-data',
  /** Bulk and archived weather data. */
  WEATHER_BULK: 'wildfire-weather-bulk',
  /** IoT sensor readings. */
  IOT_SENSORS: 'wildfire-iot-sensors',
  /** Satellite imagery (Landsat, Sentinel, …). */
  SATELLITE_IMAGERY: 'wildfire-satellite-imagery',
  /** Life-safety alerts from allow-listed critical sources. */
  CRITICAL_ALERTS: 'wildfire-critical-alerts',
  /** Where records go when no rule matches. */
  DEFAULT: 'wildfire-default',
} as const;

/** The topic records go to when nothing else matches: `wildfire-default`. */
export const DEFAULT_TOPIC = WildfireTopics.DEFAULT;

/** The kind of data a wildfire source delivers (see {@link classifyWildfireSource}). */
export type WildfireDataCategory =
  | 'critical_alert'
  | 'fire_detection'
  | 'weather_bulk'
  | 'weather'
  | 'iot_sensor'
  | 'satellite_imagery'
  | 'other';

/** One row of the wildfire preset. */
export interface WildfireSourceRule {
  /** Tested against the source id (case-insensitive, not anchored unless the pattern says so). */
  readonly pattern: RegExp;
  /** Topic the matching sources go to. */
  readonly topic: string;
  /** Data category of the matching sources. */
  readonly category: WildfireDataCategory;
}

/**
 * The wildfire preset, first match wins. Prefix rules come before substring rules so that a
 * source id's own prefix decides (`noaa_satellite_obs` is weather data, `iot_satellite_link` is
 * an IoT sensor).
 */
export const WILDFIRE_SOURCE_RULES: readonly WildfireSourceRule[] = Object.freeze(([
  { pattern: /^(evacuation_alert_|emergency_broadcast_|life_safety_)/i, topic: WildfireTopics.CRITICAL_ALERTS, category: 'critical_alert' },
  { pattern: /^(firms_|nasa_firms)/i, topic: WildfireTopics.NASA_FIRMS, category: 'fire_detection' },
  { pattern: /^(noaa|weather)_.*(bulk|archive)/i, topic: WildfireTopics.WEATHER_BULK, category: 'weather_bulk' },
  { pattern: /^(noaa|weather)_/i, topic: WildfireTopics.WEATHER_DATA, category: 'weather' },
  { pattern: /^iot_/i, topic: WildfireTopics.IOT_SENSORS, category: 'iot_sensor' },
  { pattern: /^(landsat|sentinel)_|satellite|imagery/i, topic: WildfireTopics.SATELLITE_IMAGERY, category: 'satellite_imagery' },
  { pattern: /sensor/i, topic: WildfireTopics.IOT_SENSORS, category: 'iot_sensor' },
] satisfies WildfireSourceRule[]).map((rule) => Object.freeze(rule)));

/**
 * The built-in source-id patterns of {@link TopicResolver}, used when `patterns` is not given.
 *
 * | source id | topic |
 * |---|---|
 * | `evacuation_alert_*`, `emergency_broadcast_*`, `life_safety_*` | `wildfire-critical-alerts` |
 * | `firms_*`, `nasa_firms*` | `wildfire-nasa-firms` |
 * | `noaa_*`, `weather_*` containing `bulk` or `archive` | `wildfire-weather-bulk` |
 * | `noaa_*`, `weather_*` | `wildfire-weather-data` |
 * | `iot_*`, then any `*sensor*` after the satellite rule | `wildfire-iot-sensors` |
 * | `landsat_*`, `sentinel_*`, `*satellite*`, `*imagery*` | `wildfire-satellite-imagery` |
 */
export const DEFAULT_TOPIC_PATTERNS: readonly { readonly pattern: RegExp; readonly topic: string }[] = Object.freeze(
  WILDFIRE_SOURCE_RULES.map(({ pattern, topic }) => Object.freeze({ pattern, topic })),
);

/** Returns the data category of a wildfire source id (`'other'` when no preset rule matches). */
export function classifyWildfireSource(sourceId: string): WildfireDataCategory {
  for (const rule of WILDFIRE_SOURCE_RULES) {
    if (rule.pattern.test(sourceId)) return rule.category;
  }
  return 'other';
}
