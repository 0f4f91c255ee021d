import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { StreamConfigSchema } from '../../src/config/schema/index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/stream_config.example.yaml', import.meta.url));

describe('examples/stream_config.example.yaml', () => {
  it('loads and validates, with the wildfire sources', async () => {
    const config = await loadConfig(EXAMPLE, { env: {} });
    expect(config.sources.map((s) => [s.sourceId, s.ingestion.mode ?? null, s.ingestion.pollingIntervalSeconds ?? null, s.priority ?? null])).toEqual([
      ['firms_viirs_snpp', null, 300, null],
      ['noaa_weather_california', null, 600, null],
      ['noaa_bulk_archive', 'batch', 86_400, 'LOW'],
      ['iot_sensors_mqtt', 'continuous', null, null],
      ['evacuation_alert_calfire', null, 15, 'CRITICAL'],
      ['landsat_imagery', null, 3_600, null],
    ]);
  });

  it('writes the defaults wherever it does not say otherwise', async () => {
    const config = await loadConfig(EXAMPLE, { env: {} });
    const defaults = StreamConfigSchema.parse({});
    const { sources, routing, metrics, topics, ...rest } = config;
    const { sources: _s, routing: defaultRouting, metrics: defaultMetrics, topics: defaultTopics, ...defaultRest } = defaults;
    expect(rest).toEqual(defaultRest);
    expect({ ...routing, contentRules: [] }).toEqual(defaultRouting);
    expect({ ...metrics, labels: {} }).toEqual(defaultMetrics);
    expect(topics.map((t) => ({ ...t, retentionMs: undefined }))).toEqual(defaultTopics.map((t) => ({ ...t, retentionMs: undefined })));
    expect(sources).toHaveLength(6);
  });
});
