import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  enricherFromConfig,
  kafkaJsProducerOptionsFromConfig,
  partitionKeyerOptionsFromConfig,
  topicResolverOptionsFromConfig,
} from '../../src/config/component-options.js';
import { loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { ErrorCodes } from '../../src/errors.js';
import { PartitionKeyer } from '../../src/routing/partition-keyer.js';
import { TopicResolver } from '../../src/routing/topic-resolver.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/stream_config.example.yaml', import.meta.url));

describe('kafkaJsProducerOptionsFromConfig', () => {
  it('takes brokers, acks, timeouts and one codec per configured topic from the config', () => {
    const config = resolveConfig({ kafka: { bootstrap_servers: 'k1:9092,k2:9092', acks: 'all', request_timeout_ms: 5000 } }, { env: {} });
    const options = kafkaJsProducerOptionsFromConfig(config);
    expect(options).toMatchObject({ brokers: ['k1:9092', 'k2:9092'], clientId: 'firestream', acks: -1, requestTimeoutMs: 5000, defaultCompression: 'none' });
    expect(options.topicCompression).toMatchObject({ 'wildfire-nasa-firms': 'zstd', 'wildfire-dlq': 'none', 'wildfire-critical-alerts': 'none' });
    expect(options.ssl).toBeUndefined();
    expect(options.sasl).toBeUndefined();
  });

  it('turns TLS on with certificate verification unless the file switches it off, and passes SASL through', () => {
    const config = resolveConfig(
      { kafka: { ssl: { enabled: true, ca: 'PEM' }, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } } },
      { env: {} },
    );
    const options = kafkaJsProducerOptionsFromConfig(config);
    expect(options.ssl).toEqual({ rejectUnauthorized: true, ca: 'PEM' });
    expect(options.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    const insecure = kafkaJsProducerOptionsFromConfig(resolveConfig({ kafka: { ssl: { enabled: true, reject_unauthorized: false } } }, { env: {} }));
    expect(insecure.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('refuses an IPv6 literal bootstrap server, which kafkajs cannot parse, unless brokers are given explicitly', () => {
    const config = resolveConfig({ kafka: { bootstrap_servers: ['[::1]:9092'] } }, { env: {} });
    expect(() => kafkaJsProducerOptionsFromConfig(config)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining('[::1]:9092') }));
    expect(kafkaJsProducerOptionsFromConfig(config, { brokers: ['localhost:9092'] }).brokers).toEqual(['localhost:9092']);
  });

  it('passes the 10 s default request timeout, which fits kafkajs retries in the producer deadline', () => {
    expect(kafkaJsProducerOptionsFromConfig(resolveConfig({}, { env: {} })).requestTimeoutMs).toBe(10_000);
  });

  it('lets explicit options win over the file', () => {
    const config = resolveConfig({}, { env: {} });
    expect(kafkaJsProducerOptionsFromConfig(config, { clientId: 'svc-7', brokers: ['x:1'] })).toMatchObject({ clientId: 'svc-7', brokers: ['x:1'] });
  });
});

describe('routing options from config', () => {
  it('builds a resolver that applies the example file mapping, content rule and default topic', async () => {
    const config = await loadConfig(EXAMPLE, { env: {} });
    const resolver = new TopicResolver(topicResolverOptionsFromConfig(config));
    expect(resolver.resolveTopic('firms_viirs_snpp')).toBe('wildfire-nasa-firms');
    expect(resolver.resolveTopic('some_feed', { properties: { event: 'Evacuation Order' } })).toBe('wildfire-critical-alerts');
    expect(resolver.resolveTopic('unknown_feed')).toBe('wildfire-default');
    expect(resolver.resolveTopic('landsat_imagery')).toBe('wildfire-satellite-imagery');
  });

  it("maps a source's own topic ahead of routing.customMappings", () => {
    const config = resolveConfig(
      {
        sources: [{ source_id: 'feed_a', type: 'http_polling', topic: 'from-source' }],
        routing: { custom_mappings: { feed_a: 'from-routing', feed_b: 'b-topic' } },
        topics: { 'from-source': { partitions: 1 }, 'from-routing': { partitions: 1 }, 'b-topic': { partitions: 1 } },
      },
      { env: {} },
    );
    const resolver = new TopicResolver(topicResolverOptionsFromConfig(config));
    expect(resolver.resolveTopic('feed_a')).toBe('from-source');
    expect(resolver.resolveTopic('feed_b')).toBe('b-topic');
  });

  it('compiles configured patterns with their flags, and [] disables the built-in patterns', () => {
    const config = resolveConfig({ routing: { patterns: [{ pattern: '^PURPLEAIR_', flags: 'i', topic: 'air-quality' }] }, topics: { 'air-quality': { partitions: 1 } } }, { env: {} });
    const resolver = new TopicResolver(topicResolverOptionsFromConfig(config));
    expect(resolver.resolveTopic('purpleair_123')).toBe('air-quality');
    expect(resolver.resolveTopic('firms_viirs_snpp')).toBe('wildfire-default');
  });

  it('builds a keyer with the configured strategy and precision', () => {
    const config = resolveConfig({ routing: { partition_key: { strategy: 'geohash', geohash_precision: 3 } } }, { env: {} });
    const keyer = new PartitionKeyer(partitionKeyerOptionsFromConfig(config));
    expect(keyer.keyFor({ latitude: 39.7596, longitude: -121.6219 }, 'firms')).toBe('9r1');
    expect(keyer.keyFor({}, 'firms')).toBe('firms');
  });

  it('composes the configured enrichers in order, and [] copies the record unchanged', () => {
    const none = enricherFromConfig(resolveConfig({ routing: { enrichers: [] } }, { env: {} }));
    const record = { latitude: 39.7596, longitude: -121.6219 };
    const context = { producerId: 'p', now: Date.UTC(2026, 7, 1), sourceId: 'firms' };
    const copy = none(record, context);
    expect(copy).toEqual(record);
    expect(copy).not.toBe(record);
    const relevance = enricherFromConfig(resolveConfig({ routing: { enrichers: ['california_relevance'] } }, { env: {} }));
    expect(relevance(record, context)).toEqual({ ...record, california_relevance: true });
  });
});
