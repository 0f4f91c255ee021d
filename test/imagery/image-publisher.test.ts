import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { BinaryImageSerializer } from '../../src/imagery/binary-image-serializer.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { IMAGE_ID_HEADER, IMAGE_KIND_HEADER } from '../../src/imagery/image-id.js';
import { IMAGE_CORRELATION_HEADER } from '../../src/imagery/image-messages.js';
import { ImageMessageDecoder } from '../../src/imagery/image-message-decoder.js';
import type { AssembledImage } from '../../src/imagery/image-decode-types.js';
import { ImagePublisher } from '../../src/imagery/image-publisher.js';
import type { ImagePublisherOptions } from '../../src/imagery/image-publisher.js';
import type { PublishedImage } from '../../src/imagery/image-publish-types.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import type { StoredMessage } from '../../src/testing/in-memory-producer.js';
import { incoming, sha256Hex, syntheticImage } from './image-fixtures.js';
import { rejection } from './rejection.js';

const TOPIC = 'wildfire-satellite-imagery';
const THRESHOLDS = { directMaxBytes: 1_000, chunkedMaxBytes: 5_000 };

async function setup(options: Partial<ImagePublisherOptions> & { withS3?: boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 7, 15, 12));
  const producer = new InMemoryProducer({ partitions: 4, clock });
  await producer.connect();
  const store = new InMemoryObjectStore({ bucket: 'fire-images', clock });
  const s3 = new S3ReferenceHandler({ store, clock, ...THRESHOLDS });
  const { withS3 = true, ...rest } = options;
  const publisher = new ImagePublisher({
    producer,
    topic: TOPIC,
    chunkManager: new ImageChunkManager({ chunkSizeBytes: 1_000, maxImageBytes: 5_000, clock }),
    ...(withS3 ? { s3 } : {}),
    ...THRESHOLDS,
    clock,
    ...rest,
  });
  return { clock, producer, store, s3, publisher };
}

const text = (headers: Readonly<Record<string, Buffer>>, name: string): string | undefined => headers[name]?.toString();

/** Decodes every stored message in partition order and returns the images handed over. */
async function decodeAll(messages: readonly StoredMessage[], decoder: ImageMessageDecoder): Promise<AssembledImage[]> {
  const images: AssembledImage[] = [];
  for (const message of messages) {
    const result = await decoder.decode(incoming(message));
    if (result.status === 'image') images.push(result.image);
  }
  return images;
}

describe('ImagePublisher routes by size', () => {
  it('sends a small image as a metadata message and one packet, keyed by the correlation id', async () => {
    const { producer, publisher } = await setup();
    const png = syntheticImage('png', 800);
    const published = await publisher.publish(png, { sourceId: 'goes_18', attributes: { band: 7 } });
    expect(published).toMatchObject({ route: 'direct', sha256: sha256Hex(png), format: 'png', bytes: 800, messages: 2, directFallback: false });
    const stored = producer.messages(TOPIC);
    expect(stored.map((m) => text(m.headers, IMAGE_KIND_HEADER))).toEqual(['metadata', 'packet']);
    expect(stored.map((m) => [m.key?.toString(), text(m.headers, IMAGE_CORRELATION_HEADER)])).toEqual([
      [published.correlationId, published.correlationId],
      [published.correlationId, published.correlationId],
    ]);
    expect(JSON.parse(stored[0]!.value!.toString())).toMatchObject({ correlation_id: published.correlationId, source_id: 'goes_18', format: 'png', metadata: { band: 7 } });
    expect(new Set(stored.map((m) => m.partition)).size).toBe(1);
  });

  it('sends a mid-size image as a metadata message and chunks, all keyed by the image id, in order, on one partition', async () => {
    const { producer, publisher } = await setup();
    const tiff = syntheticImage('tiff', 3_500);
    const published = await publisher.publish(tiff, { sourceId: 'landsat_9' });
    expect(published).toMatchObject({ route: 'chunked', format: 'tiff', messages: 5, directFallback: false });
    expect(published.imageId).toMatch(/^landsat_9_\d+_[0-9a-f]{16}$/);
    expect(published.correlationId).toBe(`${Date.UTC(2026, 7, 15, 12)}_3500_${sha256Hex(tiff).slice(0, 16)}`);
    const stored = producer.partitionMessages(TOPIC, producer.messages(TOPIC)[0]!.partition);
    expect(stored).toHaveLength(5);
    expect(stored.map((m) => text(m.headers, IMAGE_KIND_HEADER))).toEqual(['metadata', 'chunk', 'chunk', 'chunk', 'chunk']);
    expect(stored.every((m) => m.key?.toString() === published.imageId && text(m.headers, IMAGE_ID_HEADER) === published.imageId)).toBe(true);
    expect(stored.every((m) => text(m.headers, IMAGE_CORRELATION_HEADER) === published.correlationId)).toBe(true);
  });

  it('uploads a large image and sends a metadata message and a reference', async () => {
    const { producer, publisher, store } = await setup();
    const hdf5 = syntheticImage('hdf5', 6_000);
    const published = await publisher.publish(hdf5, { sourceId: 'viirs' });
    expect(published).toMatchObject({ route: 's3', format: 'hdf5', messages: 2 });
    expect(published.reference).toMatchObject({ sha256: sha256Hex(hdf5), image_size_bytes: 6_000, correlation_id: published.correlationId, format: 'hdf5' });
    expect(store.keys()).toEqual([published.reference!.key]);
    expect(producer.messages(TOPIC).map((m) => text(m.headers, IMAGE_KIND_HEADER))).toEqual(['metadata', 'reference']);
  });

  it('gives every image back verified, with its metadata, through the decoder', async () => {
    const { producer, publisher, s3 } = await setup();
    const images = [syntheticImage('png', 900), syntheticImage('tiff', 4_321), syntheticImage('hdf5', 5_001)];
    const published: PublishedImage[] = [];
    for (const [i, image] of images.entries()) published.push(await publisher.publish(image, { sourceId: `sat_${i}`, attributes: { i } }));
    const decoder = new ImageMessageDecoder({ s3 });
    const out = await decodeAll(producer.messages(TOPIC), decoder);
    const byCorrelation = new Map(out.map((image) => [image.correlationId, image]));
    images.forEach((image, i) => {
      const got = byCorrelation.get(published[i]!.correlationId);
      expect(got?.route).toBe(published[i]!.route);
      expect(got?.bytes.equals(image)).toBe(true);
      expect(got?.sha256).toBe(sha256Hex(image));
      expect([got?.sourceId, got?.metadata?.metadata]).toEqual([`sat_${i}`, { i }]);
    });
    expect(out).toHaveLength(3);
  });

  it('chunks a direct-size image whose packet does not fit the topic, and the decoder still gives it back', async () => {
    const { producer, publisher } = await setup({ topicMaxMessageBytes: 1_200, chunkManager: new ImageChunkManager({ recordOverheadBytes: 100, maxImageBytes: 5_000 }), recordOverheadBytes: 100 });
    const png = syntheticImage('png', 1_000);
    const published = await publisher.publish(png, { sourceId: 'goes_18' });
    expect(published).toMatchObject({ route: 'chunked', directFallback: true, sha256: sha256Hex(png) });
    const [image] = await decodeAll(producer.messages(TOPIC), new ImageMessageDecoder());
    expect([image?.route, image?.correlationId, image?.bytes.equals(png), image?.format]).toEqual(['chunked', published.correlationId, true, 'png']);
    expect(publisher.getMetrics().directFallbacks).toBe(1);
  });
});

describe('ImagePublisher requests', () => {
  it('sends one message per request without a topic limit', async () => {
    const { producer, publisher } = await setup();
    await publisher.publish(syntheticImage('tiff', 3_000), { sourceId: 'landsat_9' });
    expect(producer.sendCalls).toBe(4);
  });

  it('groups messages up to the topic limit, never two full chunks in one request', async () => {
    const { producer, publisher } = await setup({ topicMaxMessageBytes: 2_200, recordOverheadBytes: 100, chunkManager: new ImageChunkManager({ chunkSizeBytes: 1_000, recordOverheadBytes: 100, maxImageBytes: 5_000 }) });
    await publisher.publish(syntheticImage('png', 500), { sourceId: 'goes_18' });
    expect(producer.sendCalls).toBe(1); // metadata + packet fit together
    await publisher.publish(syntheticImage('tiff', 3_000), { sourceId: 'landsat_9' });
    expect(producer.sendCalls).toBe(1 + 3); // metadata with chunk 0, then chunks 1 and 2 alone
  });
});

describe('ImagePublisher refusals and failures', () => {
  it('refuses an image over chunkedMaxBytes without an object store, naming size and threshold', async () => {
    const { producer, publisher } = await setup({ withS3: false });
    const failed: unknown[] = [];
    publisher.on('failed', (f) => failed.push(f.error));
    const err = await rejection(publisher.publish(syntheticImage('hdf5', 5_001), { sourceId: 'viirs' }));
    expect(err).toBeInstanceOf(FirestreamError);
    expect([err.code, err.context['size'], err.context['maxBytes']]).toEqual([ErrorCodes.IMAGE_TOO_LARGE, 5_001, 5_000]);
    expect(err.message).toMatch(/5001 bytes.*chunkedMaxBytes \(5000\)/);
    expect(failed).toEqual([err]);
    expect(producer.sendCalls).toBe(0);
    expect(publisher.getMetrics().failures).toBe(1);
  });

  it('refuses empty data and bad metadata as invalid records', async () => {
    const { publisher } = await setup();
    expect((await rejection(publisher.publish(Buffer.alloc(0), { sourceId: 'x' }))).code).toBe(ErrorCodes.INVALID_RECORD);
    expect((await rejection(publisher.publish(syntheticImage('tiff', 2_000), { sourceId: 'has space' }))).code).toBe(ErrorCodes.INVALID_RECORD);
    expect((await rejection(publisher.publish(syntheticImage('hdf5', 6_000), { sourceId: 'x', attributes: { when: new Date() as never } }))).code).toBe(ErrorCodes.INVALID_RECORD);
  });

  it('rejects with ABORTED and sends nothing when the signal has aborted', async () => {
    const { producer, publisher } = await setup();
    const err = await rejection(publisher.publish(syntheticImage('png', 100), { sourceId: 'x' }, { signal: AbortSignal.abort() }));
    expect(err.code).toBe(ErrorCodes.ABORTED);
    expect(producer.sendCalls).toBe(0);
  });

  it("passes the producer's error on and counts the failure", async () => {
    const { producer, publisher } = await setup();
    producer.setAvailable(false);
    expect((await rejection(publisher.publish(syntheticImage('png', 100), { sourceId: 'x' }))).code).toBe(ErrorCodes.PRODUCER_SEND_FAILED);
    expect(publisher.getMetrics()).toMatchObject({ failures: 1, images: { direct: 0, chunked: 0, s3: 0 } });
  });

  it('counts images and bytes per route and emits published', async () => {
    const { publisher } = await setup();
    const seen: string[] = [];
    publisher.on('published', (p) => seen.push(p.route));
    await publisher.publish(syntheticImage('png', 100), { sourceId: 'a' });
    await publisher.publish(syntheticImage('tiff', 2_000), { sourceId: 'b' });
    await publisher.publish(syntheticImage('hdf5', 5_500), { sourceId: 'c' });
    expect(seen).toEqual(['direct', 'chunked', 's3']);
    expect(publisher.getMetrics()).toEqual({ images: { direct: 1, chunked: 1, s3: 1 }, bytes: { direct: 100, chunked: 2_000, s3: 5_500 }, messages: 2 + 3 + 2, directFallbacks: 0, failures: 0 });
  });

  it('refuses bad options, naming them', async () => {
    const producer = new InMemoryProducer();
    expect(() => new ImagePublisher({ producer, topic: TOPIC, directMaxBytes: 10, chunkedMaxBytes: 5 })).toThrow(/directMaxBytes.*chunkedMaxBytes \(5\)/);
    expect(() => new ImagePublisher({ producer, topic: 'bad topic' })).toThrow(FirestreamError);
    expect(() => new ImagePublisher({ producer: {} as never, topic: TOPIC })).toThrow(/producer/);
    expect(() => new ImagePublisher({ producer, topic: TOPIC, serializer: new BinaryImageSerializer({ maxImageBytes: 10 }) })).toThrow(/serializer.*directMaxBytes/);
  });

  it('sizes chunks so that a chunk message with its correlation header fits the topic limit', async () => {
    const limit = 10_000;
    const producer = new InMemoryProducer({ partitions: 1, maxMessageBytes: limit });
    await producer.connect();
    const chunkManager = new ImageChunkManager({ recordOverheadBytes: 0, maxImageBytes: 100_000 });
    const publisher = new ImagePublisher({ producer, topic: TOPIC, directMaxBytes: 1_000, chunkedMaxBytes: 100_000, topicMaxMessageBytes: limit, recordOverheadBytes: 0, chunkManager });
    const tiff = syntheticImage('tiff', 50_000);
    expect(await publisher.publish(tiff, { sourceId: 'sat' })).toMatchObject({ route: 'chunked' });
    const sizes = producer.messages(TOPIC).map((m) => m.value!.length + (m.key?.length ?? 0) + Object.entries(m.headers).reduce((n, [k, v]) => n + k.length + v.length, 0));
    expect(Math.max(...sizes)).toBe(limit);
  });
});
