import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';

// No broker: these cases never reach the network.
const producer = () => new KafkaJsProducer({ brokers: ['127.0.0.1:1'], topicCompression: { alerts: 'none' }, defaultCompression: 'gzip' });

describe('KafkaJsProducer without a broker', () => {
  it('rejects a send before connect with a retryable PRODUCER_NOT_CONNECTED', async () => {
    await expect(producer().send([{ topic: 't', messages: [{ value: 'x' }] }])).rejects.toMatchObject({ code: ErrorCodes.PRODUCER_NOT_CONNECTED, retryable: true });
  });

  it('is unhealthy and disconnects instantly when never connected', async () => {
    const p = producer();
    expect(await p.healthCheck()).toEqual({ healthy: false, connected: false, error: 'not connected' });
    await p.disconnect();
    await p.disconnect();
    expect(p.connected).toBe(false);
  });

  it('resolves compression from topicCompression, then topic specs, then the default', async () => {
    const p = producer();
    expect(p.compressionFor('alerts')).toBe('none');
    expect(p.compressionFor('anything')).toBe('gzip');
    await expect(p.ensureTopics([{ name: 'firms', partitions: 1, compression: 'zstd' }, { name: 'alerts', partitions: 1, compression: 'lz4' }], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: ErrorCodes.ABORTED,
    });
    expect(p.compressionFor('firms')).toBe('zstd');
    expect(p.compressionFor('alerts')).toBe('none');
  });

  it('validates options at construction', () => {
    expect(() => new KafkaJsProducer({ brokers: [] })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });
});
