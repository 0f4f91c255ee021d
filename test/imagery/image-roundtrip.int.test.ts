import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirestreamError } from '../../src/errors.js';
import { ErrorCodes } from '../../src/errors.js';
import { BinaryImageSerializer } from '../../src/imagery/binary-image-serializer.js';
import { ImageAssembler } from '../../src/imagery/image-assembler.js';
import type { ImageAssemblerError } from '../../src/imagery/image-assembler-types.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { IMAGE_KIND_CHUNK } from '../../src/imagery/image-id.js';
import { IMAGE_KIND_PACKET, imageMessageHeaders } from '../../src/imagery/image-messages.js';
import type { ImageRoute } from '../../src/imagery/image-messages.js';
import type { ImageMessageDecoderOptions } from '../../src/imagery/image-message-decoder.js';
import { ImagePublisher } from '../../src/imagery/image-publisher.js';
import type { ImagePublisherOptions } from '../../src/imagery/image-publisher.js';
import type { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { testS3Store, uniqueKeyPrefix } from '../helpers/s3.js';
import { sha256Hex, syntheticImage } from './image-fixtures.js';

const MiB = 1_048_576;
const TOPIC_MAX_MESSAGE_BYTES = 8 * MiB;

interface Seen {
  route: ImageRoute;
  correlationId: string;
  sha256: string;
  size: number;
}

const byCorrelation = (a: Seen, b: Seen): number => a.correlationId.localeCompare(b.correlationId);

describe('images through a real broker and a real S3-compatible server', () => {
  let producer: KafkaJsProducer;
  let store: S3ObjectStore;
  let s3: S3ReferenceHandler;
  const uploaded: string[] = [];

  beforeAll(async () => {
    producer = new KafkaJsProducer({ brokers: kafkaBrokers(), clientId: 'image-roundtrip', timeoutMs: 60_000 });
    await producer.connect();
    store = testS3Store();
    s3 = new S3ReferenceHandler({ store, prefix: uniqueKeyPrefix('image-roundtrip') });
    s3.on('uploaded', (reference) => uploaded.push(reference.key));
  });

  afterAll(async () => {
    await producer.disconnect();
    for (const key of uploaded) await store.delete(key);
  });

  async function newTopic(partitions: number): Promise<string> {
    const topic = uniqueTopic('image-roundtrip');
    await producer.ensureTopics([{ name: topic, partitions, maxMessageBytes: TOPIC_MAX_MESSAGE_BYTES }]);
    return topic;
  }

  function publisherOn(topic: string, options: Partial<ImagePublisherOptions> = {}): ImagePublisher {
    return new ImagePublisher({ producer, topic, s3, topicMaxMessageBytes: TOPIC_MAX_MESSAGE_BYTES, ...options });
  }

  function assemblerOn(topic: string, groupId: string, decoder: ImageMessageDecoderOptions = { s3 }): ImageAssembler {
    return new ImageAssembler({ brokers: kafkaBrokers(), clientId: 'image-roundtrip', topic, groupId, fromBeginning: true, decoder, maxBufferedImages: 1 });
  }

  /** Reads `count` images (or until `timeoutMs`), then closes the assembler. */
  async function read(assembler: ImageAssembler, count: number, timeoutMs = 90_000): Promise<Seen[]> {
    const seen: Seen[] = [];
    try {
      for await (const image of assembler.images({ signal: AbortSignal.timeout(timeoutMs) })) {
        seen.push({ route: image.route, correlationId: image.correlationId, sha256: sha256Hex(image.bytes), size: image.bytes.length });
        if (seen.length === count) break;
      }
    } finally {
      await assembler.close();
    }
    return seen;
  }

  it('gives back a 1 KB PNG (direct), a 25 MB TIFF (chunks) and a 150 MB HDF5 (S3) with identical SHA-256', async () => {
    const topic = await newTopic(3);
    const publisher = publisherOn(topic);
    const sent: Seen[] = [];
    for (const [format, size] of [['png', 1_024], ['tiff', 25 * MiB], ['hdf5', 150 * MiB]] as const) {
      const image = syntheticImage(format, size);
      const sha256 = sha256Hex(image);
      const published = await publisher.publish(image, { sourceId: `roundtrip_${format}`, attributes: { format } });
      expect(published.sha256).toBe(sha256);
      sent.push({ route: published.route, correlationId: published.correlationId, sha256, size });
    }
    expect(sent.map((s) => s.route)).toEqual(['direct', 'chunked', 's3']);
    expect(publisher.getMetrics()).toMatchObject({ images: { direct: 1, chunked: 1, s3: 1 }, failures: 0 });

    const assembler = assemblerOn(topic, `roundtrip-${randomBytes(4).toString('hex')}`);
    const errors: ImageAssemblerError[] = [];
    assembler.on('error', (e) => errors.push(e));
    const received = await read(assembler, 3);
    // Commits may fail while a fresh broker elects the group's coordinator: retried, not message errors.
    expect(errors.filter((e) => e.offset !== undefined)).toEqual([]);
    expect([...received].sort(byCorrelation)).toEqual([...sent].sort(byCorrelation));
  });

  it('reports a corrupt packet and a corrupt chunk, keeps going, and resumes a group after the last finished image', async () => {
    const topic = await newTopic(1);
    const small = { directMaxBytes: 64 * 1024, chunkedMaxBytes: 2 * MiB, chunkManager: new ImageChunkManager({ chunkSizeBytes: 256 * 1024 }) };
    const publisher = publisherOn(topic, small);
    const good = [syntheticImage('png', 2_000), syntheticImage('tiff', 600 * 1024), syntheticImage('png', 3_000)];
    const sent: Seen[] = [];
    const publish = async (image: Buffer): Promise<void> => {
      const p = await publisher.publish(image, { sourceId: 'goes_18' });
      sent.push({ route: p.route, correlationId: p.correlationId, sha256: sha256Hex(image), size: image.length });
    };
    await publish(good[0]!);
    // A packet whose payload lost a bit, and a lone chunk whose data does not match its checksum.
    const serialized = await new BinaryImageSerializer().serializeImage(syntheticImage('png', 1_500), { sourceId: 'goes_18' });
    serialized.packet[serialized.packet.length - 1]! ^= 0x01;
    const set = new ImageChunkManager({ chunkSizeBytes: 1_000 }).createChunks(randomBytes(2_500), { sourceId: 'goes_18' });
    const chunk = Buffer.from(set.chunks[0]!.bytes);
    chunk[chunk.length - 1]! ^= 0x01;
    await producer.send([
      {
        topic,
        messages: [
          { key: serialized.correlationId, value: serialized.packet, headers: imageMessageHeaders(IMAGE_KIND_PACKET, serialized.correlationId) },
          { key: set.imageId, value: chunk, headers: imageMessageHeaders(IMAGE_KIND_CHUNK, serialized.correlationId, set.imageId) },
          { key: 'not-an-image', value: Buffer.from('{"temperature": 41.5}') },
        ],
      },
    ]);
    await publish(good[1]!);
    await publish(good[2]!);

    const groupId = `corrupt-${randomBytes(4).toString('hex')}`;
    const first = assemblerOn(topic, groupId, {});
    const errors: ImageAssemblerError[] = [];
    first.on('error', (e) => errors.push(e));
    // Take two images: the first is finished, the second is not (the loop stops while holding it).
    expect(await read(first, 2)).toEqual(sent.slice(0, 2));
    expect(errors.filter((e) => e.offset !== undefined).map((e) => [e.kind, (e.error as FirestreamError).code])).toEqual([
      [IMAGE_KIND_PACKET, ErrorCodes.IMAGE_CORRUPT],
      [IMAGE_KIND_CHUNK, ErrorCodes.IMAGE_CORRUPT],
    ]);
    expect(first.getMetrics()).toMatchObject({ imagesYielded: 2, errors: 2, decoder: { unknownKind: 1, failures: 2 } });

    // The group resumes at the unfinished image: it comes again, then the rest.
    expect(await read(assemblerOn(topic, groupId, {}), 2)).toEqual(sent.slice(1));
  });
});
