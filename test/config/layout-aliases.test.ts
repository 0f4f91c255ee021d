import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { adaptLayout } from '../../src/config/layout-aliases.js';
import { loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import type { ConfigIssue } from '../../src/errors.js';

const SEED_002 = fileURLToPath(new URL('../fixtures/config/seed-002.yaml', import.meta.url));
const SEED_003 = fileURLToPath(new URL('../fixtures/config/seed-003.yaml', import.meta.url));

describe('the seed 002 layout', () => {
  it('loads, each older key landing in its canonical place', async () => {
    const config = await loadConfig(SEED_002, { env: {} });
    expect(config.kafka.bootstrapServers).toEqual(['localhost:9092']);
    expect(config.kafka.defaultCompression).toBe('gzip');
    expect(config.queue.dequeueBatchSize).toBe(500);
    expect(config.producer.retry.maxRetries).toBe(3);
    expect(config.producer.retry.multiplier).toBe(2);
    expect(config.throttling).toMatchObject({ enabled: true, minSendRate: 1, maxSendRate: 1_000, targetConsumerLag: 1_000, criticalConsumerLag: 5_000 });
    expect(config.queue.maxSize).toBe(10_000);
    expect(config.queue.overflowStrategy).toBe('drop_oldest');
    expect(config.dlq.enabled).toBe(true);
    expect(config.metrics.enabled).toBe(true);
    // The file's topic entry is merged into the preset entry of the same name.
    expect(config.topics.find((t) => t.name === 'wildfire-weather-data')).toEqual({
      name: 'wildfire-weather-data',
      partitions: 8,
      replicationFactor: 1,
      compression: 'zstd',
      retentionMs: 259_200_000,
    });
    expect(config.topics).toHaveLength(8);
    expect(config.sources).toEqual([
      {
        sourceId: 'noaa_stations_california',
        type: 'noaa_weather',
        enabled: true,
        topic: 'wildfire-weather-data',
        ingestion: { mode: 'continuous', pollingIntervalSeconds: 30, batchSize: 100 },
        rateLimitPerMinute: 120,
        timeoutSeconds: 30,
        cacheTtlSeconds: 60,
        options: { state: 'CA', data_types: ['temperature', 'humidity'] },
      },
    ]);
  });

  it('accepts the other seed 003 spellings: topic compression_type, schedule_interval_seconds, linger_ms, acks: all, ssl: true (numeric priorities: see below)', () => {
    const config = resolveConfig(
      {
        topics: { 'wildfire-nasa-firms': { partitions: 4, replication_factor: 1, retention_ms: 604_800_000, compression_type: 'zstd' } },
        sources: { era5_historical: { source_type: 'era5', ingestion: { mode: 'batch', batch_size: 1000, schedule_interval_seconds: 3600 } } },
        kafka: { linger_ms: 100, acks: 'all', ssl: true },
      },
      { env: {} },
    );
    expect(config.topics.find((t) => t.name === 'wildfire-nasa-firms')).toMatchObject({ partitions: 4, retentionMs: 604_800_000, compression: 'zstd' });
    expect(config.sources[0]?.ingestion).toEqual({ mode: 'batch', batchSize: 1_000, pollingIntervalSeconds: 3_600 });
    expect(config.kafka.lingerMs).toBe(100);
    expect(config.kafka.acks).toBe(-1);
    expect(config.kafka.ssl.enabled).toBe(true);
  });
});

describe('the seed 003 file (regression: its numeric priority was quietly left out of the test)', () => {
  it('is refused with one targeted error naming the four levels, because the 1-10 scale has no defined mapping', async () => {
    const err = await loadConfig(SEED_003, { env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'sources["nasa_firms_viirs"].priority', received: 10 });
    expect(issues[0]?.message).toContain('"CRITICAL", "HIGH", "NORMAL", "LOW"');
    expect(issues[0]?.message).toContain('1-10 scale');
  });

  it('loads once the priority is written as a level, every other setting in its canonical place', async () => {
    const text = (await readFile(SEED_003, 'utf8')).replace('priority: 10 ', 'priority: HIGH ');
    expect(text).toContain('priority: HIGH ');
    const config = resolveConfig(parseYaml(text), { env: {} });
    expect(config.kafka).toMatchObject({ bootstrapServers: ['wildfire-kafka:9092'], defaultCompression: 'zstd', lingerMs: 100 });
    expect(config.queue).toMatchObject({ dequeueBatchSize: 500, maxSize: 10_000, overflowStrategy: 'drop_oldest' });
    expect(config.producer.retry).toMatchObject({ maxRetries: 3, multiplier: 2 });
    expect(config.throttling).toMatchObject({ enabled: true, minSendRate: 1, maxSendRate: 1_000, targetConsumerLag: 1_000, criticalConsumerLag: 5_000, adjustmentFactor: 1.5 });
    expect(config.dlq.enabled).toBe(true);
    expect(config.sources).toEqual([
      {
        sourceId: 'nasa_firms_viirs',
        type: 'nasa_firms',
        enabled: true,
        topic: 'wildfire-nasa-firms',
        ingestion: { mode: 'continuous', pollingIntervalSeconds: 30, batchSize: 100 },
        rateLimitPerMinute: 120,
        timeoutSeconds: 30,
        cacheTtlSeconds: 60,
        priority: 'HIGH',
        options: {},
      },
    ]);
    // topics written as a map merge into the preset
    expect(config.topics).toHaveLength(8);
    expect(config.topics.find((t) => t.name === 'wildfire-nasa-firms')).toEqual({
      name: 'wildfire-nasa-firms',
      partitions: 4,
      replicationFactor: 1,
      compression: 'zstd',
      retentionMs: 604_800_000,
    });
  });
});

describe('adaptLayout', () => {
  it('reports a map entry whose own id differs from its key', () => {
    const issues: ConfigIssue[] = [];
    adaptLayout({ sources: { a: { sourceId: 'b', type: 'x' } } }, issues);
    expect(issues).toEqual([{ path: 'sources.a.sourceId', message: 'differs from its map key "a"; drop it or make them equal', received: 'b' }]);
  });

  it('turns an empty map entry into an entry with only its key, keeping topics a map (merged by name) and sources a list', () => {
    const issues: ConfigIssue[] = [];
    expect(adaptLayout({ topics: { t: null }, sources: { s: null } }, issues)).toEqual({ topics: { t: { name: 't' } }, sources: [{ sourceId: 's' }] });
    expect(adaptLayout({ topics: [{ name: 'u', compressionType: 'zstd' }] }, issues)).toEqual({ topics: [{ name: 'u', compression: 'zstd' }] });
    expect(issues).toEqual([]);
  });

  it('reports both spellings of a per-source setting', () => {
    const issues: ConfigIssue[] = [];
    adaptLayout({ sources: { a: { sourceType: 'x', type: 'y' } } }, issues);
    expect(issues.map((i) => i.path)).toEqual(['sources.a.sourceType']);
  });
});
