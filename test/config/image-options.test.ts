import { describe, expect, it } from 'vitest';
import { imageAssemblerOptionsFromConfig, imageMessageDecoderOptionsFromConfig, imagePipelineFromConfig } from '../../src/config/image-options.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { FirestreamError } from '../../src/errors.js';
import { ErrorCodes } from '../../src/errors.js';
import { ImageMessageDecoder } from '../../src/imagery/image-message-decoder.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import { incoming, syntheticImage } from '../imagery/image-fixtures.js';

const KiB = 1024;

/** A config with small thresholds on a declared imagery topic. */
function smallConfig(images: Record<string, unknown> = {}) {
  return resolveConfig(
    {
      kafka: { bootstrap_servers: 'k1:9092', client_id: 'fs-img' },
      topics: { imagery: { partitions: 2, compression: 'none', max_message_bytes: 8 * KiB } },
      images: { topic: 'imagery', direct_max_bytes: 4 * KiB, chunked_max_bytes: 16 * KiB, chunk_size_bytes: 2 * KiB, max_reassembly_bytes: 32 * KiB, ...images },
    },
    { env: {} },
  );
}

describe('imagePipelineFromConfig', () => {
  it('builds a publisher that routes by the configured thresholds, and a decoder that reads it back', async () => {
    const config = smallConfig();
    const clock = new FakeClock();
    const producer = new InMemoryProducer({ clock });
    await producer.connect();
    const objectStore = new InMemoryObjectStore({ clock });
    const pipeline = imagePipelineFromConfig(config, { producer, objectStore, clock });
    expect(pipeline.s3).toBeDefined();
    const images = [syntheticImage('png', 3 * KiB), syntheticImage('tiff', 10 * KiB), syntheticImage('hdf5', 17 * KiB)];
    const routes = [];
    for (const image of images) routes.push((await pipeline.publisher.publish(image, { sourceId: 'sat' })).route);
    expect(routes).toEqual(['direct', 'chunked', 's3']);
    // Chunks fit the topic's 8 KiB: 10 KiB in 2 KiB chunks.
    expect(pipeline.publisher.getMetrics().messages).toBe(2 + 1 + 5 + 2);

    const decoder = new ImageMessageDecoder(imageMessageDecoderOptionsFromConfig(config, { objectStore, clock }));
    const out = [];
    for (const m of producer.messages('imagery')) {
      const r = await decoder.decode(incoming(m));
      if (r.status === 'image') out.push(r.image.bytes);
    }
    expect(out.map((b) => images.findIndex((i) => i.equals(b))).sort()).toEqual([0, 1, 2]);
  });

  it('has no S3 route without images.s3 or an object store, and refuses a disabled image path', async () => {
    const producer = new InMemoryProducer();
    await producer.connect();
    const pipeline = imagePipelineFromConfig(smallConfig(), { producer });
    expect(pipeline.s3).toBeUndefined();
    const err = await pipeline.publisher.publish(syntheticImage('hdf5', 17 * KiB), { sourceId: 'sat' }).catch((e: unknown) => e);
    expect((err as FirestreamError).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect(() => imagePipelineFromConfig(smallConfig({ enabled: false }), { producer })).toThrow(/images\.enabled/);
  });

  it('gives the assembler the producer connection, the imagery topic and fetches as large as its messages', () => {
    const options = imageAssemblerOptionsFromConfig(smallConfig(), 'image-sinks', {}, { maxBufferedImages: 1 });
    expect(options).toMatchObject({ topic: 'imagery', groupId: 'image-sinks', brokers: ['k1:9092'], clientId: 'fs-img', maxBytesPerPartition: 8 * KiB, maxBufferedImages: 1 });
    expect(options.decoder).toMatchObject({ metadataTimeoutMs: 300_000 });
    expect(options.decoder).not.toHaveProperty('s3');
  });
});
