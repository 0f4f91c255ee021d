import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { DEFAULT_TOPICS, StreamConfigSchema } from '../../src/config/schema/index.js';
import { ConfigError, ErrorCodes, FirestreamError } from '../../src/errors.js';
import { configErrorOf } from '../helpers/config-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firestream-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}


const noEnv = { env: {} };

describe('loadConfig files', () => {
  it('loads YAML (.yaml and .yml) and JSON files to the same result', async () => {
    const yaml = 'queue:\n  max_size: 2000\nkafka:\n  bootstrap_servers: "a:9092,b:9092"\n';
    const json = JSON.stringify({ queue: { maxSize: 2000 }, kafka: { bootstrapServers: ['a:9092', 'b:9092'] } });
    const fromYaml = await loadConfig(await file('c.yaml', yaml), noEnv);
    const fromYml = await loadConfig(await file('c.yml', yaml), noEnv);
    const fromJson = await loadConfig(await file('c.json', json), noEnv);
    expect(fromYaml.queue.maxSize).toBe(2000);
    expect(fromYaml.kafka.bootstrapServers).toEqual(['a:9092', 'b:9092']);
    expect(fromYml).toEqual(fromYaml);
    expect(fromJson).toEqual(fromYaml);
  });

  it('treats an empty file as all defaults', async () => {
    expect(await loadConfig(await file('empty.yaml', ''), noEnv)).toEqual(StreamConfigSchema.parse({}));
  });

  it.each([
    ['missing.yaml', null],
    ['broken.yaml', 'queue: [unclosed\n'],
    ['broken.json', '{"queue": '],
    ['config.toml', 'queue = 1'],
  ])('%s → CONFIG_UNREADABLE with the path', async (name, text) => {
    const path = text === null ? join(dir, name) : await file(name, text);
    const err = await loadConfig(path, noEnv).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FirestreamError);
    expect((err as FirestreamError).code).toBe(ErrorCodes.CONFIG_UNREADABLE);
    expect((err as FirestreamError).context.path).toBe(path);
    expect((err as FirestreamError).message).toContain(path);
  });

  it('reads the file named by FIRESTREAM_CONFIG when no argument is given', async () => {
    const path = await file('from-env.yaml', 'queue: { max_size: 42 }\n');
    expect((await loadConfig(undefined, { env: { FIRESTREAM_CONFIG: path } })).queue.maxSize).toBe(42);
    expect((await loadConfig(undefined, noEnv)).queue.maxSize).toBe(10_000);
  });

  it('names the file in validation errors', async () => {
    const path = await file('bad.yaml', 'queue:\n  max_size: -1\n');
    const err = await loadConfig(path, noEnv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`in ${path}`);
    expect((err as ConfigError).issues).toEqual([{ path: 'queue.maxSize', message: expect.stringContaining('>=1'), received: -1 }]);
  });
});

describe('keys', () => {
  it('loads snake_case and camelCase to the same result', () => {
    const snake = resolveConfig(
      {
        kafka: { client_id: 'x', request_timeout_ms: 5000, ssl: { enabled: true, reject_unauthorized: true } },
        backpressure: { fire_season: { enabled: true, queue_max_size: 30_000 }, retry_after_ms: { load_shedding: 90_000 } },
        routing: { custom_mappings: { my_source: 'my-topic' }, partition_key: { strategy: 'geohash', geohash_precision: 6 } },
        sources: [{ source_id: 'iot_a', type: 'mqtt', ingestion: { polling_interval_seconds: 10, batch_size: 20 }, rate_limit_per_minute: 5 }],
        topics: { 'my-topic': { partitions: 1, retention_ms: 1_000 } },
      },
      noEnv,
    );
    const camel = resolveConfig(
      {
        kafka: { clientId: 'x', requestTimeoutMs: 5000, ssl: { enabled: true, rejectUnauthorized: true } },
        backpressure: { fireSeason: { enabled: true, queueMaxSize: 30_000 }, retryAfterMs: { loadShedding: 90_000 } },
        routing: { customMappings: { my_source: 'my-topic' }, partitionKey: { strategy: 'geohash', geohashPrecision: 6 } },
        sources: [{ sourceId: 'iot_a', type: 'mqtt', ingestion: { pollingIntervalSeconds: 10, batchSize: 20 }, rateLimitPerMinute: 5 }],
        topics: { 'my-topic': { partitions: 1, retentionMs: 1_000 } },
      },
      noEnv,
    );
    expect(snake).toEqual(camel);
    expect(snake.backpressure.fireSeason.queueMaxSize).toBe(30_000);
  });

  it('keeps data keys as written: source ids, topic names, options at any depth, metric labels', () => {
    const config = resolveConfig(
      {
        routing: { custom_mappings: { noaa_station_ca: 'wildfire-weather-data' } },
        topics: { my_topic_name: { partitions: 2 } },
        sources: { iot_field_unit: { type: 'mqtt', options: { client_id: 'c', nested_map: { deep_key: 1 } } } },
        metrics: { labels: { deploy_env: 'prod' } },
      },
      noEnv,
    );
    expect(config.routing.customMappings).toEqual({ noaa_station_ca: 'wildfire-weather-data' });
    expect(config.topics.find((t) => t.name === 'my_topic_name')?.partitions).toBe(2);
    expect(config.sources[0]?.sourceId).toBe('iot_field_unit');
    expect(config.sources[0]?.options).toEqual({ client_id: 'c', nested_map: { deep_key: 1 } });
    expect(config.metrics.labels).toEqual({ deploy_env: 'prod' });
  });

  it('reports a setting written twice in both spellings', () => {
    const err = configErrorOf(() => resolveConfig({ queue: { max_size: 1_000, maxSize: 2_000 } }, noEnv));
    expect(err.issues).toEqual([{ path: 'queue.maxSize', message: 'is given twice, as "max_size" and "maxSize"; keep one', received: 2_000 }]);
  });
});

describe('environment and precedence', () => {
  it('reads KAFKA_BOOTSTRAP_SERVERS and FIRESTREAM_<PATH> with JSON values', () => {
    const config = resolveConfig(
      {},
      {
        env: {
          KAFKA_BOOTSTRAP_SERVERS: 'k1:9092, k2:9092',
          FIRESTREAM_QUEUE__MAX_SIZE: '20000',
          FIRESTREAM_BACKPRESSURE__FIRE_SEASON__ENABLED: 'true',
          FIRESTREAM_KAFKA__CLIENT_ID: 'ingest-7',
          FIRESTREAM_ROUTING__ENRICHERS: '["ingestion_metadata"]',
          FIRESTREAM_METRICS__LABELS: '{"deploy_env":"prod"}',
          FIRESTREAM_QUEUE_OVERFLOW_STRATEGY: 'reject',
          UNRELATED: 'x',
        },
      },
    );
    expect(config.kafka.bootstrapServers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.queue.maxSize).toBe(20_000);
    expect(config.backpressure.fireSeason.enabled).toBe(true);
    expect(config.kafka.clientId).toBe('ingest-7');
    expect(config.routing.enrichers).toEqual(['ingestion_metadata']);
    expect(config.metrics.labels).toEqual({ deploy_env: 'prod' });
    expect(config.queue.overflowStrategy).toBe('reject');
  });

  it('lets FIRESTREAM_KAFKA__BOOTSTRAP_SERVERS win over KAFKA_BOOTSTRAP_SERVERS', () => {
    const env = { KAFKA_BOOTSTRAP_SERVERS: 'a:1', FIRESTREAM_KAFKA__BOOTSTRAP_SERVERS: '["b:2"]' };
    expect(resolveConfig({}, { env }).kafka.bootstrapServers).toEqual(['b:2']);
  });

  it('sets a field of one source by id from the environment, merging with the file', () => {
    const config = resolveConfig(
      { sources: { firms_viirs: { type: 'nasa_firms', ingestion: { polling_interval_seconds: 300 } }, noaa_ca: { type: 'noaa_weather' } } },
      { env: { FIRESTREAM_SOURCES__FIRMS_VIIRS__ENABLED: 'false', FIRESTREAM_SOURCES__FIRMS_VIIRS__OPTIONS__MAP_KEY: 'abc' } },
    );
    expect(config.sources.map((s) => [s.sourceId, s.enabled, s.ingestion.pollingIntervalSeconds])).toEqual([
      ['firms_viirs', false, 300],
      ['noaa_ca', true, undefined],
    ]);
    expect(config.sources[0]?.options).toEqual({ map_key: 'abc' });
  });

  it('applies defaults < file < env < overrides to a file, deep-merged', async () => {
    const path = await file('layers.yaml', 'queue: { max_size: 1000, dequeue_batch_size: 100 }\nthrottling: { target_consumer_lag: 2000 }\nkafka: { client_id: file }\n');
    const config = await loadConfig(path, {
      env: { FIRESTREAM_QUEUE__MAX_SIZE: '2000', FIRESTREAM_KAFKA__CLIENT_ID: 'env' },
      overrides: { kafka: { clientId: 'override' } },
    });
    expect(config.queue.maxSize).toBe(2_000); // env over file
    expect(config.queue.dequeueBatchSize).toBe(100); // file over default, kept by the deep merge
    expect(config.queue.overflowStrategy).toBe('drop_lowest'); // default
    expect(config.throttling.targetConsumerLag).toBe(2_000);
    expect(config.throttling.criticalConsumerLag).toBe(5_000);
    expect(config.kafka.clientId).toBe('override'); // overrides over env
  });

  it('precedence regression: an object given in code wins over the environment, overrides win over both', async () => {
    const env = { FIRESTREAM_QUEUE__MAX_SIZE: '20000', FIRESTREAM_KAFKA__CLIENT_ID: 'env', FIRESTREAM_QUEUE__DEQUEUE_BATCH_SIZE: '7' };
    const object = { queue: { max_size: 5 }, kafka: { client_id: 'object' } };
    for (const config of [resolveConfig(object, { env }), await loadConfig(object, { env })]) {
      expect(config.queue.maxSize).toBe(5); // object over env
      expect(config.queue.dequeueBatchSize).toBe(7); // env over default where the object is silent
      expect(config.kafka.clientId).toBe('object');
    }
    expect(resolveConfig(object, { env, overrides: { queue: { max_size: 9 } } }).queue.maxSize).toBe(9);
  });

  it('does not name a variable for a value the object set again', () => {
    const err = configErrorOf(() => resolveConfig({ queue: { max_size: 'lots' } }, { env: { FIRESTREAM_QUEUE__MAX_SIZE: '20' } }));
    expect(err.issues).toEqual([{ path: 'queue.maxSize', message: 'invalid input: expected number, received string', received: 'lots' }]);
  });

  it('merges topics written as a map by name into the preset, across layers', () => {
    const config = resolveConfig(
      { topics: { 'wildfire-iot-sensors': { partitions: 32 }, extra: { partitions: 1 } } },
      { env: {}, overrides: { topics: { 'wildfire-iot-sensors': { retention_ms: 1_000 } } } },
    );
    const iot = config.topics.find((t) => t.name === 'wildfire-iot-sensors');
    expect(iot).toEqual({ name: 'wildfire-iot-sensors', partitions: 32, replicationFactor: 1, compression: 'zstd', retentionMs: 1_000 });
    expect(config.topics.map((t) => t.name)).toEqual([...DEFAULT_TOPICS.map((t) => t.name), 'extra']);
  });

  it('preset topics regression: a topics list replaces the preset, so preset topics can be removed', async () => {
    const yaml = [
      'topics:',
      '  - { name: events, partitions: 3 }',
      '  - { name: events-dlq, partitions: 1 }',
      'dlq: { topic: events-dlq }',
      'images: { enabled: false }',
      'routing: { default_topic: events, critical_topic: events, patterns: [] }',
      '',
    ].join('\n');
    const config = await loadConfig(await file('own-topics.yaml', yaml), noEnv);
    expect(config.topics.map((t) => t.name)).toEqual(['events', 'events-dlq']);
    expect(StreamConfigSchema.parse({ topics: config.topics, dlq: config.dlq, images: config.images, routing: config.routing }).topics).toEqual(config.topics);
  });

  it('undeclared topics regression: every topic the configuration names must be declared in topics', () => {
    const err = configErrorOf(() =>
      resolveConfig(
        {
          topics: [{ name: 'events', partitions: 3 }],
          dlq: { topic: 'my-dlq' },
          images: { topic: 'imgs' },
          sources: [{ source_id: 'a', type: 'x', topic: 'zzz' }],
          routing: {
            default_topic: 'nowhere',
            critical_topic: 'alerts-x',
            custom_mappings: { b: 'mapped' },
            content_rules: [{ field: 'kind', equals: 'x', topic: 'by-content' }],
          },
        },
        noEnv,
      ),
    );
    expect(err.issues.map((i) => [i.path, i.received])).toEqual([
      ['dlq.topic', 'my-dlq'],
      ['images.topic', 'imgs'],
      ['sources["a"].topic', 'zzz'],
      ['routing.defaultTopic', 'nowhere'],
      ['routing.criticalTopic', 'alerts-x'],
      ['routing.customMappings.b', 'mapped'],
      ['routing.contentRules[0].topic', 'by-content'],
      ['routing.patterns', undefined],
    ]);
    expect(err.issues[0]?.message).toContain('not declared in topics: declare it (for example { name: "my-dlq", partitions: 3 })');
    expect(err.issues[7]?.message).toContain('"wildfire-nasa-firms"');
    // The same rule holds for StreamConfigSchema.parse, which loadConfig uses.
    expect(StreamConfigSchema.safeParse({ topics: [{ name: 'events', partitions: 3 }], routing: { patterns: [] } }).success).toBe(false);
    // Off switches remove the need: no DLQ, no images.
    const minimal = { topics: [{ name: 'events', partitions: 3 }], dlq: { enabled: false }, images: { enabled: false }, routing: { defaultTopic: 'events', criticalTopic: 'events', patterns: [] } };
    expect(StreamConfigSchema.safeParse(minimal).success).toBe(true);
  });

  it('reports malformed FIRESTREAM_ variable names and names the variable behind a bad value', () => {
    const err = configErrorOf(() => resolveConfig({}, { env: { FIRESTREAM_QUEUE____MAX: '1', FIRESTREAM_QUEUE__MAX_SIZE: 'lots' } }));
    expect(err.issues.map((i) => i.path)).toEqual(['FIRESTREAM_QUEUE____MAX', 'queue.maxSize']);
    expect(err.issues[1]?.message).toContain('FIRESTREAM_QUEUE__MAX_SIZE');
    expect(err.issues[1]?.received).toBe('lots');
  });
});

describe('validation errors', () => {
  it('throws one ConfigError listing every problem with its path and received value', () => {
    const err = configErrorOf(() =>
      resolveConfig(
        {
          kafka: { acks: 2, bootstrap_servers: ['no-port'] },
          queue: { max_size: 'big', overflow_strategy: 'explode', maxsize: 1 },
          backpressure: { warning_admit_ratio: 1.5 },
          sources: [{ source_id: 'iot_a' }],
          routing: { patterns: [{ pattern: '[a-', topic: 'wildfire-default' }] },
        },
        noEnv,
      ),
    );
    expect(err.code).toBe(ErrorCodes.CONFIG_INVALID);
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.received]));
    expect(byPath).toEqual({
      'kafka.bootstrapServers[0]': 'no-port',
      'kafka.acks': 2,
      'queue.maxSize': 'big',
      'queue.overflowStrategy': 'explode',
      'queue.maxsize': 1,
      'backpressure.warningAdmitRatio': 1.5,
      'routing.patterns[0].pattern': '[a-',
      'sources["iot_a"].type': undefined,
    });
    expect(err.message).toContain('(8 problems)');
    expect(err.message).toContain('queue.maxSize: invalid input: expected number, received string (got "big")');
    expect(err.message).toContain('queue.maxsize: is not a known setting; did you mean "maxSize"? (got 1)');
    expect(err.message).toContain('kafka.acks: invalid option: expected one of -1|0|1 (got 2)');
  });

  it('rejects a root that is not an object', () => {
    const err = configErrorOf(() => resolveConfig(['a'], noEnv));
    expect(err.issues).toEqual([{ path: '', message: 'the configuration must be an object of settings', received: ['a'] }]);
  });

  it('reports an older key written next to its canonical key', () => {
    const err = configErrorOf(() => resolveConfig({ queue_max_size: 5_000, queue: { max_size: 6_000 } }, noEnv));
    expect(err.issues.map((i) => i.path)).toEqual(['queueMaxSize']);
  });

  it('never echoes a secret in an error', () => {
    const err = configErrorOf(() => resolveConfig({ kafka: { sasl: { mechanism: 'plain', username: 'u', password: 12345678 } } }, noEnv));
    expect(err.issues).toEqual([{ path: 'kafka.sasl.password', message: expect.any(String), received: '[REDACTED]' }]);
    expect(err.message).not.toContain('12345678');
  });
});

describe('result', () => {
  it('is deeply frozen', () => {
    const config = resolveConfig({ sources: [{ source_id: 'a', type: 'x', options: { nested: { list: [1] } } }] }, noEnv);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.queue.lingerMs)).toBe(true);
    expect(Object.isFrozen(config.topics[0])).toBe(true);
    expect(Object.isFrozen(config.sources[0]?.options.nested)).toBe(true);
    expect(() => {
      (config.queue as { maxSize: number }).maxSize = 1;
    }).toThrow(TypeError);
  });

  it('does not modify or freeze the caller objects', () => {
    const input = { queue_max_size: 7, sources: { a: { source_type: 'x', custom_params: { k: { v: 1 } } } }, topics: { t: { partitions: 1 } } };
    const overrides = { kafka: { client_id: 'o' } };
    const env = { FIRESTREAM_QUEUE__DEQUEUE_BATCH_SIZE: '5' };
    const snapshot = structuredClone({ input, overrides, env });
    const config = resolveConfig(input, { env, overrides });
    expect({ input, overrides, env }).toEqual(snapshot);
    expect(Object.isFrozen(input.sources.a.custom_params.k)).toBe(false);
    expect(config.sources[0]?.options).toEqual({ k: { v: 1 } });
    expect(config.sources[0]?.options.k).not.toBe(input.sources.a.custom_params.k);
  });

  it('is a fixed point: validating a loaded configuration again gives the same configuration', () => {
    const once = resolveConfig({ sources: [{ source_id: 'iot_a', type: 'mqtt' }], routing: { patterns: [] } }, noEnv);
    expect(resolveConfig(once, noEnv)).toEqual(once);
  });
});

describe('misspelt secrets', () => {
  it('does not echo the value of an unknown key in a credentials section or with a secret-looking name', () => {
    const err = configErrorOf(() =>
      resolveConfig({ kafka: { sasl: { mechanism: 'plain', username: 'u', password: 'p', pasword: 'hunter2' } }, queue: { api_token: 'tok123' } }, { env: {} }),
    );
    expect(err.issues.map((i) => [i.path, i.received])).toEqual([
      ['kafka.sasl.pasword', '[REDACTED]'],
      ['queue.apiToken', '[REDACTED]'],
    ]);
    expect(err.message).not.toMatch(/hunter2|tok123/);
  });
});

describe('cross-field problems', () => {
  it('report the default in effect when the offending value was left out', () => {
    const err = configErrorOf(() => resolveConfig({ throttling: { critical_consumer_lag: 500 } }, { env: {} }));
    expect(err.issues).toEqual([{ path: 'throttling.targetConsumerLag', message: 'must be less than throttling.criticalConsumerLag (500)', received: 1_000 }]);
  });
});
