import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { BinaryImageSerializer } from '../../src/imagery/binary-image-serializer.js';
import { chunkMessages, ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { IMAGE_ID_HEADER, IMAGE_KIND_HEADER } from '../../src/imagery/image-id.js';
import { IMAGE_CORRELATION_HEADER } from '../../src/imagery/image-messages.js';
import { ImageMessageDecoder } from '../../src/imagery/image-message-decoder.js';
import type { ImageDroppedEvent, IncomingImageMessage } from '../../src/imagery/image-decode-types.js';
import { ImagePublisher } from '../../src/imagery/image-publisher.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import { incoming, sha256Hex, syntheticImage } from './image-fixtures.js';
import { rejection } from './rejection.js';

const TOPIC = 'imagery';

/** Publishes `image` through an in-memory producer and returns its messages as a consumer sees them. */
async function messagesOf(image: Buffer, options: { store?: InMemoryObjectStore; clock?: FakeClock } = {}): Promise<IncomingImageMessage[]> {
  const clock = options.clock ?? new FakeClock();
  const producer = new InMemoryProducer({ partitions: 1, clock });
  await producer.connect();
  const s3 = options.store ? new S3ReferenceHandler({ store: options.store, clock, directMaxBytes: 1_000, chunkedMaxBytes: 5_000 }) : undefined;
  const publisher = new ImagePublisher({
    producer,
    topic: TOPIC,
    directMaxBytes: 1_000,
    chunkedMaxBytes: 5_000,
    chunkManager: new ImageChunkManager({ chunkSizeBytes: 1_000, clock }),
    ...(s3 ? { s3 } : {}),
    clock,
  });
  await publisher.publish(image, { sourceId: 'goes_18', attributes: { scene: 'A' } });
  return producer.messages(TOPIC).map(incoming);
}

function setup(options: { store?: InMemoryObjectStore; maxPendingMetadata?: number } = {}) {
  const clock = new FakeClock();
  const s3 = options.store ? new S3ReferenceHandler({ store: options.store, clock }) : undefined;
  const decoder = new ImageMessageDecoder({ clock, ...(s3 ? { s3 } : {}), ...(options.maxPendingMetadata ? { maxPendingMetadata: options.maxPendingMetadata } : {}) });
  const dropped: ImageDroppedEvent[] = [];
  decoder.on('dropped', (e) => dropped.push(e));
  return { clock, decoder, dropped };
}

const withHeader = (message: IncomingImageMessage, name: string, value: string | undefined): IncomingImageMessage => {
  const headers = { ...message.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...message, headers };
};

describe('ImageMessageDecoder', () => {
  it('ignores and counts messages without a known image kind', async () => {
    const { decoder } = setup();
    expect(await decoder.decode({ value: Buffer.from('{"a":1}') })).toEqual({ status: 'ignored', reason: 'unknown-kind' });
    expect(await decoder.decode({ value: Buffer.from('x'), headers: { [IMAGE_KIND_HEADER]: 'thumbnail' } })).toEqual({ status: 'ignored', reason: 'unknown-kind' });
    expect(decoder.getMetrics().unknownKind).toBe(2);
  });

  it('hands a direct image over with the metadata read before it', async () => {
    const png = syntheticImage('png', 600);
    const [metadata, packet] = await messagesOf(png);
    const { decoder } = setup();
    const first = await decoder.decode(metadata!);
    expect(first).toMatchObject({ status: 'metadata', metadata: { source_id: 'goes_18', metadata: { scene: 'A' } } });
    expect(decoder.getMetrics().pendingMetadata).toBe(1);
    const second = await decoder.decode(packet!);
    if (second.status !== 'image') throw new Error(`expected an image, got ${second.status}`);
    expect(second.image).toMatchObject({ route: 'direct', sha256: sha256Hex(png), format: 'png', sourceId: 'goes_18', metadata: { metadata: { scene: 'A' } } });
    expect(second.image.bytes.equals(png)).toBe(true);
    expect(decoder.getMetrics()).toMatchObject({ pendingMetadata: 0, images: { direct: 1 }, bytes: { direct: 600 } });
  });

  it('reassembles chunks in any order, reports duplicates, and hands the image over once', async () => {
    const tiff = syntheticImage('tiff', 3_200);
    const [metadata, ...chunks] = await messagesOf(tiff);
    const { decoder } = setup();
    const results = [];
    for (const m of [metadata!, chunks[3]!, chunks[1]!, chunks[1]!, chunks[0]!, chunks[2]!]) results.push(await decoder.decode(m));
    expect(results.map((r) => r.status)).toEqual(['metadata', 'pending', 'pending', 'ignored', 'pending', 'image']);
    const done = results[5]!;
    if (done.status !== 'image') throw new Error('expected an image');
    expect(done.image.bytes.equals(tiff)).toBe(true);
    expect(done.image).toMatchObject({ route: 'chunked', format: 'tiff', metadata: { source_id: 'goes_18' } });
    // The metadata message is keyed by its (checked) correlation id, the chunks by the image id.
    expect(results[0]!.imageKey).toBe(done.image.correlationId);
    expect(new Set(results.slice(1).map((r) => r.imageKey))).toEqual(new Set([done.image.imageId]));
  });

  it('derives the correlation id of chunks that carry no correlation header', async () => {
    const clock = new FakeClock();
    const tiff = syntheticImage('tiff', 2_500);
    const set = new ImageChunkManager({ chunkSizeBytes: 1_000, clock }).createChunks(tiff, { sourceId: 'landsat_9', format: 'tiff' });
    const { decoder } = setup();
    let last;
    for (const m of chunkMessages(set)) last = await decoder.decode({ key: m.key as string, value: m.value as Buffer, headers: m.headers as Record<string, string> });
    expect(last).toMatchObject({ status: 'image', image: { correlationId: `${clock.now()}_2500_${sha256Hex(tiff).slice(0, 16)}` } });
  });

  it('refuses a corrupt packet, drops its metadata, and goes on with the next image', async () => {
    const [metadata, packet] = await messagesOf(syntheticImage('png', 500));
    const bad = Buffer.from(packet!.value!);
    bad[bad.length - 1]! ^= 0xff;
    const { decoder, dropped } = setup();
    await decoder.decode(metadata!);
    const err = await rejection(decoder.decode({ ...packet!, value: bad }));
    expect([err.code, err.context['reason']]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'checksum']);
    const key = packet!.headers![IMAGE_CORRELATION_HEADER]!.toString();
    expect(dropped).toEqual([
      { imageKey: key, reason: 'corrupt', scope: 'metadata' },
      { imageKey: key, reason: 'corrupt', scope: 'image' },
    ]);
    expect(decoder.getMetrics()).toMatchObject({ failures: 1, pendingMetadata: 0, metadataDropped: 1 });
    const next = syntheticImage('png', 400);
    const [, goodPacket] = await messagesOf(next);
    expect(await decoder.decode(goodPacket!)).toMatchObject({ status: 'image', image: { sha256: sha256Hex(next) } });
  });

  it('refuses packets without a correlation header, empty values and bad metadata messages', async () => {
    const [metadata, packet] = await messagesOf(syntheticImage('png', 300));
    const { decoder } = setup();
    expect((await rejection(decoder.decode(withHeader(packet!, IMAGE_CORRELATION_HEADER, undefined)))).context['reason']).toBe('correlation');
    expect((await rejection(decoder.decode({ ...packet!, value: null }))).context['reason']).toBe('empty');
    expect((await rejection(decoder.decode({ ...metadata!, value: Buffer.from('{"correlation_id":1}') }))).context).toMatchObject({ reason: 'metadata', field: 'correlation_id' });
    expect((await rejection(decoder.decode(withHeader(metadata!, IMAGE_CORRELATION_HEADER, '1_2_0123456789abcdef')))).context['reason']).toBe('correlation');
    expect(decoder.getMetrics().failures).toBe(4);
  });

  it('downloads and verifies S3 references, and refuses a tampered object', async () => {
    const store = new InMemoryObjectStore({ bucket: 'fire-images' });
    const hdf5 = syntheticImage('hdf5', 6_000);
    const [metadata, reference] = await messagesOf(hdf5, { store });
    const { decoder, dropped } = setup({ store });
    await decoder.decode(metadata!);
    expect(await decoder.decode(reference!)).toMatchObject({ status: 'image', image: { route: 's3', format: 'hdf5', sha256: sha256Hex(hdf5), sourceId: 'goes_18' } });
    const key = store.keys()[0]!;
    store.tamper(key, syntheticImage('hdf5', 6_000));
    const err = await rejection(decoder.decode(reference!));
    expect([err.code, err.context['reason']]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'checksum']);
    expect(dropped.map((d) => d.reason)).toEqual(['corrupt']);
  });

  it('refuses a reference when it has no S3 handler', async () => {
    const [, reference] = await messagesOf(syntheticImage('hdf5', 6_000), { store: new InMemoryObjectStore({ bucket: 'fire-images' }) });
    expect((await rejection(setup().decoder.decode(reference!))).code).toBe(ErrorCodes.INVALID_OPTION);
  });

  it('drops metadata whose image does not come in time, or beyond the cap', async () => {
    const { clock, decoder, dropped } = setup({ maxPendingMetadata: 2 });
    const metas = [];
    for (let i = 0; i < 3; i += 1) metas.push((await messagesOf(syntheticImage('png', 100 + i)))[0]!);
    for (const m of metas) await decoder.decode(m);
    expect(dropped.map((d) => d.reason)).toEqual(['memory_cap']);
    clock.advance(300_000);
    expect(decoder.sweep()).toBe(2);
    expect(dropped.map((d) => d.reason)).toEqual(['memory_cap', 'timeout', 'timeout']);
    expect(decoder.getMetrics()).toMatchObject({ pendingMetadata: 0, metadataDropped: 3 });
  });

  it('reports images given up by the reassembler, and closes', async () => {
    const clock = new FakeClock();
    const [, first] = await messagesOf(syntheticImage('tiff', 3_000));
    const [, second] = await messagesOf(syntheticImage('tiff', 3_001));
    const decoder = new ImageMessageDecoder({ clock, reassembler: new ImageReassembler({ clock, reassemblyTimeoutMs: 1_000 }), serializer: new BinaryImageSerializer() });
    const dropped: ImageDroppedEvent[] = [];
    decoder.on('dropped', (e) => dropped.push(e));
    const keys = [(await decoder.decode(first!)).imageKey];
    clock.advance(1_000);
    expect(decoder.sweep()).toBe(1);
    keys.push((await decoder.decode(second!)).imageKey);
    decoder.close();
    expect(dropped).toEqual([
      { imageKey: keys[0], reason: 'timeout', scope: 'image' },
      { imageKey: keys[1], reason: 'closed', scope: 'image' },
    ]);
  });

  it('gives nothing up on a retryable object store failure, and decodes the same message later', async () => {
    const store = new InMemoryObjectStore({ bucket: 'fire-images' });
    const hdf5 = syntheticImage('hdf5', 6_000);
    const [metadata, reference] = await messagesOf(hdf5, { store });
    const { decoder, dropped } = setup({ store });
    await decoder.decode(metadata!);
    store.failNext('get');
    const err = await rejection(decoder.decode(reference!));
    expect(err.retryable).toBe(true);
    expect(dropped).toEqual([]);
    expect(decoder.getMetrics().pendingMetadata).toBe(1);
    expect(await decoder.decode(reference!)).toMatchObject({ status: 'image', image: { sha256: sha256Hex(hdf5), metadata: { source_id: 'goes_18' } } });
  });

  it('refuses correlation and image id headers over 128 characters without repeating them', async () => {
    const [metadata, packet] = await messagesOf(syntheticImage('png', 300));
    const { decoder, dropped } = setup();
    const huge = 'x'.repeat(1_000_000);
    for (const m of [withHeader(packet!, IMAGE_CORRELATION_HEADER, huge), withHeader(metadata!, IMAGE_ID_HEADER, huge)]) {
      const err = await rejection(decoder.decode(m));
      expect([err.code, err.context['reason']]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'correlation']);
      expect(err.message.length).toBeLessThan(300);
    }
    expect(dropped).toEqual([]);
    const mismatch = await rejection(decoder.decode(withHeader(metadata!, IMAGE_CORRELATION_HEADER, 'y'.repeat(128))));
    expect(mismatch.context['reason']).toBe('correlation');
    expect(mismatch.message.length).toBeLessThan(400);
  });

  it('refuses oversized and deeply nested metadata messages as IMAGE_CORRUPT before parsing them', async () => {
    const [metadata] = await messagesOf(syntheticImage('png', 300));
    const { decoder } = setup();
    const meta = JSON.parse(metadata!.value!.toString()) as Record<string, unknown>;
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const nested = Buffer.from(JSON.stringify({ ...meta, metadata: { x: 0 } }).replace('{"x":0}', `{"x":${deep}}`));
    const big = Buffer.from(JSON.stringify({ ...meta, metadata: { blob: 'x'.repeat(8 * 1024 * 1024) } }));
    const shallow = Buffer.from(JSON.stringify({ ...meta, metadata: { x: [[['[not nesting']]] } }));
    for (const value of [nested, big]) {
      const err = await rejection(decoder.decode({ ...metadata!, value }));
      expect([err.code, err.context['reason']]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'metadata']);
    }
    expect(await decoder.decode({ ...metadata!, value: shallow })).toMatchObject({ status: 'metadata' });
    expect(decoder.getMetrics().pendingMetadata).toBe(1);
  });
});
