import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { Logger } from '../../src/core/logger.js';
import { buildKafkaConfig, resolveKafkaJsOptions, warnAboutTimeoutBudget } from '../../src/producer/kafkajs-options.js';
import type { KafkaJsProducerOptions } from '../../src/producer/kafkajs-options.js';

const brokers = ['127.0.0.1:9092'];

describe('KafkaJsProducer options', () => {
  it('applies the documented defaults', () => {
    const o = resolveKafkaJsOptions({ brokers });
    expect(o).toMatchObject({ clientId: 'firestream', acks: -1, idempotent: false, defaultCompression: 'none', requestTimeoutMs: 10_000, timeoutMs: 30_000, clientRetries: 2 });
  });

  it('does not mutate the caller options', () => {
    const options: KafkaJsProducerOptions = Object.freeze({ brokers: Object.freeze([...brokers]) as string[], topicCompression: Object.freeze({ a: 'zstd' as const }), ssl: Object.freeze({ servername: 'x' }) });
    const o = resolveKafkaJsOptions(options);
    o.topicCompression.b = 'lz4';
    expect(options.topicCompression).toEqual({ a: 'zstd' });
    expect(o.ssl).not.toBe(options.ssl);
  });

  it.each<[KafkaJsProducerOptions, RegExp]>([
    [{}, /"brokers"/],
    [{ brokers: ['nohost'] }, /"brokers\.0"/],
    [{ brokers, acks: 2 as -1 }, /"acks"/],
    [{ brokers, idempotent: true, acks: 1 }, /"acks" must be -1/],
    [{ brokers, defaultCompression: 'snappy' as 'none' }, /"defaultCompression"/],
    [{ brokers, topicCompression: { t: 'brotli' as 'none' } }, /"topicCompression\.t"/],
    [{ brokers, requestTimeoutMs: 0 }, /"requestTimeoutMs"/],
  ])('rejects invalid options naming the option (%#)', (options, message) => {
    expect(() => resolveKafkaJsOptions(options)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringMatching(message) }));
  });

  it('never echoes SASL values in a validation error', () => {
    const sasl = { mechanism: 42, password: 'hunter2' } as unknown as KafkaJsProducerOptions['sasl'];
    let message = '';
    try {
      resolveKafkaJsOptions({ brokers, sasl });
    } catch (err) {
      message = String((err as Error).message) + JSON.stringify((err as { context?: unknown }).context);
    }
    expect(message).toContain('sasl.mechanism');
    expect(message).not.toContain('hunter2');
  });

  it('keeps TLS verification on and warns when the caller turns it off or sends SASL in clear text', () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_o, m) => void warnings.push(m ?? '') };
    const tls = buildKafkaConfig(resolveKafkaJsOptions({ brokers, ssl: true, logger }));
    expect(tls.ssl).toBe(true);
    expect(warnings).toEqual([]);
    buildKafkaConfig(resolveKafkaJsOptions({ brokers, ssl: { rejectUnauthorized: false }, logger }));
    buildKafkaConfig(resolveKafkaJsOptions({ brokers, sasl: { mechanism: 'plain', username: 'u', password: 'p' }, logger }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/verification is disabled/);
    expect(warnings[1]).toMatch(/without TLS/);
  });

  it('builds a kafkajs config with timeouts, retries and a log creator', () => {
    const config = buildKafkaConfig(resolveKafkaJsOptions({ brokers, clientId: 'me', requestTimeoutMs: 1234, connectionTimeoutMs: 99, clientRetries: 0 }));
    expect(config).toMatchObject({ clientId: 'me', brokers, requestTimeout: 1234, connectionTimeout: 99, enforceRequestTimeout: true, retry: { retries: 0 } });
    expect(typeof config.logCreator).toBe('function');
    expect(config).not.toHaveProperty('ssl');
  });

  it('regression: the default request timeout lets kafkajs retry within a call, and a budget past the deadline is warned about', () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_o, m) => void warnings.push(m ?? '') };
    const defaults = resolveKafkaJsOptions({ brokers, logger });
    expect(defaults.requestTimeoutMs * (defaults.clientRetries + 1)).toBeLessThanOrEqual(defaults.timeoutMs);
    warnAboutTimeoutBudget(defaults);
    expect(warnings).toEqual([]);
    warnAboutTimeoutBudget(resolveKafkaJsOptions({ brokers, logger, requestTimeoutMs: 30_000 }));
    warnAboutTimeoutBudget(resolveKafkaJsOptions({ brokers, logger, timeoutMs: 5_000 }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/requestTimeoutMs \(30000\) × \(clientRetries \(2\) \+ 1\) = 90000 ms exceeds timeoutMs \(30000\)/);
    expect(warnings[1]).toMatch(/= 30000 ms exceeds timeoutMs \(5000\)/);
  });
});
