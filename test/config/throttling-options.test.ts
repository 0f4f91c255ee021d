import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { kafkaLagSourceOptionsFromConfig, queueFillLagSourceOptionsFromConfig, throttlingManagerOptionsFromConfig } from '../../src/config/throttling-options.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { KafkaLagSource } from '../../src/throttling/kafka-lag-source.js';
import { QueueFillLagSource } from '../../src/throttling/queue-fill-lag-source.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';

describe('throttlingManagerOptionsFromConfig', () => {
  it('builds a manager that follows the file: thresholds, delays and send-rate bounds', async () => {
    const config = resolveConfig(
      { throttling: { target_consumer_lag: 2_000, critical_consumer_lag: 10_000, moderate_delay_ms: 250, min_send_rate: 100, consumer_group_id: 'sinks' } },
      { env: {} },
    );
    const waits: number[] = [];
    const options = throttlingManagerOptionsFromConfig(config, { clock: new FakeClock(), sleep: async (ms) => void waits.push(ms) });
    expect(options).not.toHaveProperty('consumerGroupId');
    const manager = new ThrottlingManager(options);
    expect(manager.evaluate(2_000).action).toBe('allow');
    expect(manager.evaluate(9_000)).toMatchObject({ action: 'throttle_moderate', delayMs: 250 });
    expect(manager.evaluate(10_001)).toMatchObject({ action: 'throttle_critical', level: 1, delayMs: 1_500 });
    // minSendRate 100/s: a 10-record batch waits at most 100 ms.
    await manager.checkAndThrottle({ consumerLag: 10_001, records: 10 });
    expect(waits).toEqual([100]);
  });
});

describe('kafkaLagSourceOptionsFromConfig', () => {
  it('is undefined without a consumer group, and uses the producer connection settings with one', () => {
    expect(kafkaLagSourceOptionsFromConfig(resolveConfig({}, { env: {} }))).toBeUndefined();
    const config = resolveConfig(
      {
        kafka: { bootstrap_servers: 'k1:9092', client_id: 'fs-1', ssl: { enabled: true, ca: 'PEM' }, sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
        throttling: { consumer_group_id: 'sinks' },
      },
      { env: {} },
    );
    const options = kafkaLagSourceOptionsFromConfig(config, { timeoutMs: 2_000 });
    expect(options).toMatchObject({ groupIds: ['sinks'], brokers: ['k1:9092'], clientId: 'fs-1', timeoutMs: 2_000 });
    expect(options?.ssl).toEqual({ rejectUnauthorized: true, ca: 'PEM' });
    expect(options?.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
    expect(options).not.toHaveProperty('topics');
    expect(new KafkaLagSource(options as NonNullable<typeof options>).groupIds).toEqual(['sinks']);
  });
});

describe('queueFillLagSourceOptionsFromConfig', () => {
  it('scales the estimate to the configured critical lag', async () => {
    const config = resolveConfig({ throttling: { target_consumer_lag: 100, critical_consumer_lag: 8_000 } }, { env: {} });
    const source = new QueueFillLagSource(queueFillLagSourceOptionsFromConfig(config, () => 1));
    expect(await source.getLag()).toBe(10_000);
  });
});
