import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, MAX_TIMER_SECONDS } from '../../src/config/schema/common.js';
import { DEFAULT_TOPICS, StreamConfigSchema } from '../../src/config/schema/index.js';
import { KafkaSchema } from '../../src/config/schema/kafka.js';
import type { StreamConfigInput } from '../../src/config/schema/index.js';

const defaults = StreamConfigSchema.parse({});

function issuesOf(input: StreamConfigInput): { path: string; message: string }[] {
  const result = StreamConfigSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('StreamConfigSchema defaults match the DESIGN table', () => {
  it('priorities: latency targets, rules, allow-list, critical rate limit', () => {
    expect(defaults.priority.latencyTargetsMs).toEqual({ critical: 100, high: 1_000, normal: 10_000, low: 60_000 });
    expect(defaults.priority.rules).toEqual([
      { match: '*alert*', priority: 'CRITICAL' },
      { match: '*emergency*', priority: 'CRITICAL' },
      { match: 'life_safety_*', priority: 'CRITICAL' },
      { match: 'firms_*', priority: 'HIGH' },
      { match: 'landsat_*', priority: 'HIGH' },
      { match: 'iot_*', priority: 'NORMAL' },
      { match: 'noaa_*', priority: 'NORMAL' },
    ]);
    expect(defaults.priority.defaultPriority).toBe('LOW');
    expect(defaults.priority.criticalAllowList).toEqual(['evacuation_alert_*', 'emergency_broadcast_*', 'life_safety_*']);
    expect(defaults.priority.criticalRateLimit.perSourcePerMinute).toBe(100);
    expect(defaults.priority.criticalRateLimit.totalPerMinute).toBe(500);
  });

  it('queue: capacity, overflow, batch, linger, weights, ageing', () => {
    expect(defaults.queue.maxSize).toBe(10_000);
    expect(defaults.queue.overflowStrategy).toBe('drop_lowest');
    expect(defaults.queue.dequeueBatchSize).toBe(500);
    expect(defaults.queue.lingerMs).toEqual({ critical: 0, high: 50, normal: 500, low: 5_000 });
    expect(defaults.queue.weights).toEqual({ critical: 6, high: 3, normal: 2, low: 1 });
    expect(defaults.queue.ageing).toEqual({ enabled: true, lowToNormalMs: 300_000, normalToHighMs: 600_000 });
  });

  it('backpressure: thresholds, admission, hysteresis, retry-after, fire season', () => {
    const bp = defaults.backpressure;
    expect(bp.warningThreshold).toBe(0.7);
    expect(bp.warningAdmitRatio).toBe(0.5);
    expect(bp.criticalThreshold).toBe(0.9);
    expect(bp.criticalAdmitRatio).toBe(0.1);
    expect(bp.loadSheddingThreshold).toBe(1);
    expect(bp.recoveryChecks).toBe(10);
    expect(bp.checkIntervalMs).toBe(1_000);
    expect(bp.retryAfterMs.warning).toBe(30_000);
    expect(bp.retryAfterMs.critical).toBe(60_000);
    expect(bp.fireSeason.enabled).toBe(false);
    expect(bp.fireSeason.warningThreshold).toBe(0.8);
    expect(bp.fireSeason.criticalThreshold).toBe(0.95);
    expect(bp.fireSeason.queueMaxSize).toBeUndefined(); // twice queue.maxSize (20,000) in the manager
  });

  it('throttling: lags, 1 s × 1.5^level up to level 5, 60 s window of 100 samples, 10 checks', () => {
    const t = defaults.throttling;
    expect(t.targetConsumerLag).toBe(1_000);
    expect(t.criticalConsumerLag).toBe(5_000);
    expect(t.baseDelayMs).toBe(1_000);
    expect(t.moderateDelayMs).toBe(1_000);
    expect(t.adjustmentFactor).toBe(1.5);
    expect(t.maxBackoffLevel).toBe(5);
    expect(t.baseDelayMs * t.adjustmentFactor ** t.maxBackoffLevel).toBeCloseTo(7_593.75);
    expect(t.windowMs).toBe(60_000);
    expect(t.maxSamples).toBe(100);
    expect(t.recoveryChecks).toBe(10);
    expect(t.minSendRate).toBeUndefined();
    expect(t.maxSendRate).toBeUndefined();
  });

  it('producer retry and circuit breaker', () => {
    expect(defaults.producer.retry).toEqual({ maxRetries: 3, initialDelayMs: 1_000, multiplier: 2, maxDelayMs: 30_000, jitter: true });
    expect(defaults.producer.circuitBreaker).toEqual({ enabled: true, failureThreshold: 3, resetTimeoutMs: 60_000, halfOpenMaxRequests: 1 });
  });

  it('DLQ topic and optional PostgreSQL table', () => {
    expect(defaults.dlq.enabled).toBe(true);
    expect(defaults.dlq.topic).toBe('wildfire-dlq');
    expect(defaults.dlq.postgres).toBeUndefined();
    expect(StreamConfigSchema.parse({ dlq: { postgres: { connectionString: 'postgres://127.0.0.1/test' } } }).dlq.postgres?.table).toBe('dead_letter_queue');
  });

  it('disk buffer', () => {
    expect(defaults.buffer.directory).toBe('./data/buffer');
    expect(defaults.buffer.maxRecordsPerSource).toBe(100_000);
    expect(defaults.buffer.maxTotalBytes).toBe(1024 ** 3);
    expect(defaults.buffer.ttlMs).toBe(24 * 3_600_000);
    expect(defaults.buffer.replayBatchSize).toBe(500);
  });

  it('ingestion modes and API client', () => {
    expect(defaults.ingestion.batchIntervalAboveSeconds).toBe(3_600);
    expect(defaults.ingestion.continuousIntervalBelowSeconds).toBe(30);
    expect(defaults.ingestion.batchSize).toEqual({ batch: 1_000, realTime: 500, continuous: 100 });
    expect(defaults.apiClient).toEqual({ rateLimitPerMinute: 60, timeoutSeconds: 30, cacheTtlSeconds: 60 });
  });

  it('topics of the wildfire preset', () => {
    const byName = Object.fromEntries(defaults.topics.map((t) => [t.name, [t.partitions, t.compression, t.replicationFactor]]));
    expect(byName).toEqual({
      'wildfire-nasa-firms': [6, 'zstd', 1],
      'wildfire-weather-data': [12, 'zstd', 1],
      'wildfire-iot-sensors': [16, 'zstd', 1],
      'wildfire-satellite-imagery': [10, 'none', 1],
      'wildfire-weather-bulk': [8, 'zstd', 1],
      'wildfire-critical-alerts': [3, 'none', 1],
      'wildfire-default': [3, 'zstd', 1],
      'wildfire-dlq': [3, 'none', 1],
    });
  });

  it('routing: default topic, partition key, enrichers', () => {
    expect(defaults.routing.defaultTopic).toBe('wildfire-default');
    expect(defaults.routing.criticalTopic).toBe('wildfire-critical-alerts');
    expect(defaults.routing.patterns).toBeUndefined();
    expect(defaults.routing.partitionKey).toEqual({ strategy: 'geo_grid', geohashPrecision: 5 });
    expect(defaults.routing.enrichers).toEqual(['ingestion_metadata', 'california_relevance', 'wildfire_context']);
  });

  it('images: 20 MiB direct, 100 MiB chunked in 5 MiB chunks, 5 min reassembly, >10 % savings', () => {
    const MiB = 1024 * 1024;
    expect(defaults.images.directMaxBytes).toBe(20 * MiB);
    expect(defaults.images.chunkedMaxBytes).toBe(100 * MiB);
    expect(defaults.images.chunkSizeBytes).toBe(5 * MiB);
    expect(defaults.images.reassemblyTimeoutMs).toBe(300_000);
    expect(defaults.images.minCompressionSavings).toBe(0.1);
  });

  it('kafka: verified TLS off, acks all, not idempotent; shutdown drains 30 s', () => {
    expect(defaults.kafka.bootstrapServers).toEqual(['localhost:9092']);
    expect(defaults.kafka.clientId).toBe('firestream');
    expect(defaults.kafka.ssl).toEqual({ enabled: false, rejectUnauthorized: true });
    expect(defaults.kafka.sasl).toBeUndefined();
    expect(defaults.kafka.acks).toBe(-1);
    expect(defaults.kafka.idempotent).toBe(false);
    expect(defaults.kafka.requestTimeoutMs).toBe(10_000);
    expect(defaults.shutdown.drainTimeoutMs).toBe(30_000);
    expect(defaults.instance.sources).toEqual([]);
  });

  it('gives every parse fresh default lists', () => {
    const again = StreamConfigSchema.parse({});
    expect(again.topics).not.toBe(defaults.topics);
    expect(again.priority.rules).not.toBe(defaults.priority.rules);
  });
});

describe('StreamConfigSchema checks', () => {
  it('rejects counts that are not positive integers and ratios outside 0..1', () => {
    expect(issuesOf({ queue: { maxSize: 0 } })[0]?.path).toBe('queue.maxSize');
    expect(issuesOf({ queue: { maxSize: 10.5 } })[0]?.path).toBe('queue.maxSize');
    expect(issuesOf({ backpressure: { warningAdmitRatio: 50 } })[0]?.path).toBe('backpressure.warningAdmitRatio');
  });

  it('rejects unknown keys', () => {
    expect(issuesOf({ queue: { maxsize: 5 } } as StreamConfigInput)).toEqual([{ path: 'queue', message: 'Unrecognized key: "maxsize"' }]);
  });

  it.each([
    [{ backpressure: { warningThreshold: 0.9, criticalThreshold: 0.9 } }, 'backpressure.warningThreshold'],
    [{ backpressure: { criticalThreshold: 1 } }, 'backpressure.criticalThreshold'],
    [{ backpressure: { fireSeason: { warningThreshold: 0.96 } } }, 'backpressure.fireSeason.warningThreshold'],
    [{ backpressure: { loadSheddingThreshold: 0.9, criticalThreshold: 0.85 } }, 'backpressure.loadSheddingThreshold'],
    [{ backpressure: { fireSeason: { criticalThreshold: 0.75 } } }, 'backpressure.fireSeason.criticalThreshold'],
    [{ backpressure: { warningAdmitRatio: 0.05 } }, 'backpressure.warningAdmitRatio'],
    [{ backpressure: { checkIntervalMs: -1 } }, 'backpressure.checkIntervalMs'],
    [{ queue: { maxSize: 50_000 }, backpressure: { fireSeason: { queueMaxSize: 20_000 } } }, 'backpressure.fireSeason.queueMaxSize'],
    [{ throttling: { targetConsumerLag: 6_000 } }, 'throttling.targetConsumerLag'],
    [{ throttling: { minSendRate: 10, maxSendRate: 5 } }, 'throttling.minSendRate'],
    [{ producer: { retry: { initialDelayMs: 5_000, maxDelayMs: 1_000 } } }, 'producer.retry.maxDelayMs'],
    [{ priority: { criticalRateLimit: { perSourcePerMinute: 600 } } }, 'priority.criticalRateLimit.perSourcePerMinute'],
    [{ ingestion: { continuousIntervalBelowSeconds: 7_200 } }, 'ingestion.continuousIntervalBelowSeconds'],
    [{ images: { chunkSizeBytes: 30 * 1024 * 1024 } }, 'images.chunkSizeBytes'],
    [{ kafka: { idempotent: true, acks: 1 } }, 'kafka.acks'],
    [{ kafka: { ssl: { ca: 'PEM' } } }, 'kafka.ssl.enabled'],
  ] as [StreamConfigInput, string][])('cross-field check %# reports at %s', (input, path) => {
    expect(issuesOf(input).map((i) => i.path)).toContain(path);
  });

  it('names the backpressure threshold the user set when a default is in the way (regression: it named fireSeason.criticalThreshold, never set)', () => {
    expect(issuesOf({ backpressure: { loadSheddingThreshold: 0.9, criticalThreshold: 0.85 } })).toEqual([
      {
        path: 'backpressure.loadSheddingThreshold',
        message:
          'must be more than backpressure.fireSeason.criticalThreshold, which is 0.95 by default: set backpressure.fireSeason.criticalThreshold below 0.9 as well, or raise this value',
      },
    ]);
    expect(issuesOf({ backpressure: { loadSheddingThreshold: 0.9 } }).map((i) => [i.path, i.message.split(',')[0]])).toEqual([
      ['backpressure.loadSheddingThreshold', 'must be more than backpressure.criticalThreshold'],
      ['backpressure.loadSheddingThreshold', 'must be more than backpressure.fireSeason.criticalThreshold'],
    ]);
    expect(issuesOf({ backpressure: { loadSheddingThreshold: 0.9, criticalThreshold: 0.85, fireSeason: { criticalThreshold: 0.88 } } })).toEqual([]);
    // Both set by the user: reported at the lower one, as before.
    expect(issuesOf({ backpressure: { loadSheddingThreshold: 0.9, criticalThreshold: 0.85, fireSeason: { criticalThreshold: 0.92 } } })).toEqual([
      { path: 'backpressure.fireSeason.criticalThreshold', message: 'must be less than backpressure.loadSheddingThreshold (0.9)' },
    ]);
  });

  it('allows a fire-season queue size equal to queue.maxSize or larger, and none at all', () => {
    expect(issuesOf({ queue: { maxSize: 20_000 }, backpressure: { fireSeason: { queueMaxSize: 20_000 } } })).toEqual([]);
    expect(issuesOf({ queue: { maxSize: 50_000 } })).toEqual([]);
  });

  it('checks across sections', () => {
    const paths = (input: StreamConfigInput): string[] => issuesOf(input).map((i) => i.path);
    expect(paths({ sources: [{ sourceId: 'iot_alert_1', type: 'mqtt', priority: 'CRITICAL' }] })).toEqual(['sources.0.priority']);
    expect(paths({ sources: [{ sourceId: 'evacuation_alert_ca', type: 'http', priority: 'CRITICAL' }] })).toEqual([]);
    expect(paths({ queue: { overflowStrategy: 'spill' }, buffer: { enabled: false } })).toEqual(['queue.overflowStrategy']);
    expect(paths({ images: { directMaxBytes: 30 * 1024 * 1024 } })).toEqual(['images.directMaxBytes']);
    expect(paths({ sources: [{ sourceId: 'a', type: 'x' }], instance: { sources: ['a', 'b'] } })).toEqual(['instance.sources.1']);
  });

  it('requires a polling interval for batch and real-time sources, and unique ids and topic names', () => {
    expect(issuesOf({ sources: [{ sourceId: 'a', type: 'x', ingestion: { mode: 'batch' } }] }).map((i) => i.path)).toEqual(['sources.0.ingestion.pollingIntervalSeconds']);
    expect(issuesOf({ sources: [{ sourceId: 'a', type: 'x' }, { sourceId: 'a', type: 'y' }] }).map((i) => i.path)).toEqual(['sources.1.sourceId']);
    // The preset topics stay declared: a topics list replaces the preset, and every named topic must be in it.
    expect(issuesOf({ topics: [...DEFAULT_TOPICS, { name: 't', partitions: 1 }, { name: 't', partitions: 2 }] }).map((i) => i.path)).toEqual([`topics.${DEFAULT_TOPICS.length + 1}.name`]);
  });

  it('rejects a routing pattern that does not compile, naming the regex error', () => {
    const issues = issuesOf({ routing: { patterns: [{ pattern: '^iot_(', topic: 'wildfire-iot-sensors' }] } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('routing.patterns.0.pattern');
    expect(issues[0]?.message).toMatch(/not a valid regular expression.*Unterminated group/);
  });
});

describe('every problem in one error (regression: cross-field checks were skipped once any other field was invalid)', () => {
  it('lists type errors, in-section and cross-section problems, unknown keys and undeclared topics together', () => {
    const issues = issuesOf({
      queue: { maxSize: 'big', overflowStrategy: 'spill', ageing: { lowToNormalMs: 900_000, normalToHighMs: 1_000 } },
      buffer: { enabled: false },
      throttling: { enabled: 'yes', targetConsumerLag: 9_000 },
      backpressure: { warningAdmitRatio: 0.1, criticalAdmitRatio: 0.9, bogus: 1 },
      sources: [
        { sourceId: 'iot_x', type: 'mqtt', priority: 'CRITICAL', topic: 'nowhere' },
        { sourceId: 'iot_y', type: 7 },
      ],
    } as unknown as StreamConfigInput);
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'queue.maxSize',
        'queue.ageing.lowToNormalMs',
        'throttling.enabled',
        'throttling.targetConsumerLag',
        'backpressure',
        'backpressure.criticalAdmitRatio',
        'sources.1.type',
        'sources.0.priority',
        'queue.overflowStrategy',
        'sources.0.topic',
      ].sort(),
    );
  });

  it('reports the three problems of the reviewer example', () => {
    const paths = issuesOf({ queue: { maxSize: 'big', overflowStrategy: 'spill' }, buffer: { enabled: false }, sources: [{ sourceId: 'iot_x', type: 'mqtt', priority: 'CRITICAL' }] } as unknown as StreamConfigInput).map(
      (i) => i.path,
    );
    expect(paths).toEqual(['queue.maxSize', 'sources.0.priority', 'queue.overflowStrategy']);
  });

  it('never runs a check on a value that failed its own validation', () => {
    expect(issuesOf({ throttling: { targetConsumerLag: 'x', criticalConsumerLag: 5 } } as unknown as StreamConfigInput).map((i) => i.path)).toEqual(['throttling.targetConsumerLag']);
    expect(issuesOf({ queue: 'x', buffer: { enabled: false } } as unknown as StreamConfigInput).map((i) => i.path)).toEqual(['queue']);
    expect(issuesOf({ sources: 'x', routing: 5 } as unknown as StreamConfigInput).map((i) => i.path)).toEqual(['routing', 'sources']);
  });
});

describe('kafka batching keys (regression: described as doing what nothing does)', () => {
  it('keeps lingerMs and maxBatchBytes, and says who reads them', () => {
    const kafka = KafkaSchema.shape;
    for (const key of ['lingerMs', 'maxBatchBytes'] as const) {
      expect(kafka[key].description).toContain('StreamManagerV2');
      expect(kafka[key].description).toContain('KafkaJsProducer does not use it');
    }
    expect(kafka.maxBatchBytes.description).not.toMatch(/are split/);
  });
});

describe('durations fit a Node timer (regression: seconds and the largest throttling delay were unbounded)', () => {
  it.each([
    [{ sources: [{ sourceId: 'a', type: 'x', ingestion: { pollingIntervalSeconds: 3_456_000 } }] }, 'sources.0.ingestion.pollingIntervalSeconds'],
    [{ sources: [{ sourceId: 'a', type: 'x', timeoutSeconds: 1e12 }] }, 'sources.0.timeoutSeconds'],
    [{ sources: [{ sourceId: 'a', type: 'x', cacheTtlSeconds: 2_147_484 }] }, 'sources.0.cacheTtlSeconds'],
    [{ apiClient: { timeoutSeconds: 3e6 } }, 'apiClient.timeoutSeconds'],
    [{ apiClient: { cacheTtlSeconds: 3e6 } }, 'apiClient.cacheTtlSeconds'],
    [{ apiClient: { rateLimitPerMinute: 1e-6 } }, 'apiClient.rateLimitPerMinute'],
    [{ ingestion: { batchIntervalAboveSeconds: 3e6 } }, 'ingestion.batchIntervalAboveSeconds'],
    [{ throttling: { minSendRate: 1e-9 } }, 'throttling.minSendRate'],
    [{ throttling: { baseDelayMs: 60_000, adjustmentFactor: 10, maxBackoffLevel: 30 } }, 'throttling.maxBackoffLevel'],
    [{ queue: { ageing: { normalToHighMs: MAX_TIMER_MS + 1 } } }, 'queue.ageing.normalToHighMs'],
  ] as [StreamConfigInput, string][])('%# rejects %s', (input, path) => {
    expect(issuesOf(input).map((i) => i.path)).toContain(path);
  });

  it('accepts the largest durations that fit', () => {
    expect(issuesOf({ sources: [{ sourceId: 'a', type: 'x', ingestion: { pollingIntervalSeconds: MAX_TIMER_SECONDS } }] })).toEqual([]);
    expect(issuesOf({ throttling: { baseDelayMs: 1, adjustmentFactor: 2, maxBackoffLevel: 30 } })).toEqual([]); // 2^30 ms
    expect(MAX_TIMER_SECONDS * 1_000).toBeLessThanOrEqual(MAX_TIMER_MS);
  });
});

describe('missing checks (regression)', () => {
  it('criticalAdmitRatio must not exceed warningAdmitRatio', () => {
    expect(issuesOf({ backpressure: { warningAdmitRatio: 0.1, criticalAdmitRatio: 0.9 } }).map((i) => i.path)).toEqual(['backpressure.criticalAdmitRatio']);
    expect(issuesOf({ backpressure: { warningAdmitRatio: 0.3, criticalAdmitRatio: 0.3 } })).toEqual([]);
  });

  it('ageing promotes LOW → NORMAL before NORMAL → HIGH (when ageing is on)', () => {
    expect(issuesOf({ queue: { ageing: { lowToNormalMs: 900_000, normalToHighMs: 1_000 } } }).map((i) => i.path)).toEqual(['queue.ageing.lowToNormalMs']);
    expect(issuesOf({ queue: { ageing: { enabled: false, lowToNormalMs: 900_000, normalToHighMs: 1_000 } } })).toEqual([]);
  });

  it('bootstrap servers: IPv6 in brackets accepted, ports outside 1..65535 refused', () => {
    const paths = (servers: string[]) => issuesOf({ kafka: { bootstrapServers: servers } }).map((i) => i.path);
    expect(paths(['[::1]:9092', 'broker-1.example.org:9093', '10.0.0.1:1'])).toEqual([]);
    expect(paths(['h:99999', 'h:65536', 'h:0', '::1:9092', 'h', '[::1]'])).toEqual([0, 1, 2, 3, 4, 5].map((i) => `kafka.bootstrapServers.${i}`));
  });
});

