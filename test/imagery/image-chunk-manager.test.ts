import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamConfigSchema } from '../../src/config/schema/index.js';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../../src/errors.js';
import { CHUNK_FIXED_HEADER_BYTES } from '../../src/imagery/chunk-header.js';
import {
  DEFAULT_RECORD_OVERHEAD_BYTES,
  imageChunkManagerOptionsFromConfig,
  imageReassemblerOptionsFromConfig,
  KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
} from '../../src/imagery/chunk-options.js';
import { chunkMessages, ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { firestreamErrorOf, sha256 } from './chunk-bytes.js';

const MiB = 1_048_576;

const thrown = firestreamErrorOf;

/** Bytes a chunk message takes in a Kafka record beyond its value: key and the two image headers. */
const ownRecordBytes = (imageId: string) => 2 * imageId.length + 'firestream-image-kind'.length + 'chunk'.length + 'firestream-image-id'.length;

describe('ImageChunkManager.createChunks', () => {
  it('splits into 5 MiB chunks by default, the last one shorter, covering the image exactly', () => {
    const image = randomBytes(12 * MiB + 3);
    const set = new ImageChunkManager().createChunks(image, { sourceId: 'landsat_9', timestamp: 1 });
    expect(set.chunkSize).toBe(5 * MiB);
    expect(set.total).toBe(3);
    expect(set.chunks.map((c) => c.dataBytes)).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 3]);
    expect(set.chunks.map((c) => c.sequence)).toEqual([0, 1, 2]);
    expect(set.sha256).toBe(sha256(image).toString('hex'));
    set.chunks.forEach((chunk) => {
      const data = chunk.bytes.subarray(CHUNK_FIXED_HEADER_BYTES + set.imageId.length);
      expect(data.equals(image.subarray(chunk.sequence * 5 * MiB, chunk.sequence * 5 * MiB + chunk.dataBytes))).toBe(true);
      expect(chunk.sha256).toBe(sha256(data).toString('hex'));
    });
  });

  it('makes exact multiples of the chunk size without a short or empty last chunk, and an empty image one empty chunk', () => {
    const manager = new ImageChunkManager({ chunkSizeBytes: 100 });
    expect(manager.createChunks(randomBytes(300), { sourceId: 's', timestamp: 1 }).chunks.map((c) => c.dataBytes)).toEqual([100, 100, 100]);
    expect(manager.createChunks(randomBytes(1), { sourceId: 's', timestamp: 1 }).chunks.map((c) => c.dataBytes)).toEqual([1]);
    const empty = manager.createChunks(Buffer.alloc(0), { sourceId: 's', timestamp: 1 });
    expect(empty).toMatchObject({ total: 1, imageSize: 0, sha256: sha256(Buffer.alloc(0)).toString('hex') });
    expect(empty.chunks[0]?.dataBytes).toBe(0);
  });

  it('names the image {source}_{timestamp}_{hash}, with the timestamp from the clock by default', () => {
    const clock = new FakeClock(1_767_225_600_000);
    const image = randomBytes(10);
    const set = new ImageChunkManager({ clock }).createChunks(image, { sourceId: 'goes 18/abi' });
    expect(set.imageId).toBe(`goes-18-abi_1767225600000_${sha256(image).toString('hex').slice(0, 16)}`);
    expect(set.key).toBe(set.imageId);
    expect(set.headers).toEqual({ 'firestream-image-kind': 'chunk', 'firestream-image-id': set.imageId });
  });

  it("cuts the chunk size so that every message fits the topic's max.message.bytes", () => {
    const topicMaxMessageBytes = 64 * 1024;
    const manager = new ImageChunkManager({ topicMaxMessageBytes });
    const set = manager.createChunks(randomBytes(300_000), { sourceId: 'viirs', timestamp: 1 });
    const reserved = CHUNK_FIXED_HEADER_BYTES + set.imageId.length + ownRecordBytes(set.imageId) + DEFAULT_RECORD_OVERHEAD_BYTES;
    expect(set.chunkSize).toBe(topicMaxMessageBytes - reserved);
    for (const chunk of set.chunks) {
      expect(chunk.bytes.length + ownRecordBytes(set.imageId) + DEFAULT_RECORD_OVERHEAD_BYTES).toBeLessThanOrEqual(topicMaxMessageBytes);
    }
    expect(manager.createChunks(randomBytes(10), { sourceId: 'viirs', timestamp: 1, topicMaxMessageBytes: 2 * MiB }).chunkSize).toBe(2 * MiB - reserved);
  });

  it('refuses a topic limit that leaves no room for data, naming the bytes needed', () => {
    const manager = new ImageChunkManager({ recordOverheadBytes: 0 });
    const err = thrown(() => manager.createChunks(randomBytes(10), { sourceId: 'a', timestamp: 1, topicMaxMessageBytes: 150 }));
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as Error).message).toMatch(/topicMaxMessageBytes.*must be more than \d+.*got 150/);
  });

  it('refuses an image over maxImageBytes with IMAGE_TOO_LARGE and counts it', () => {
    const manager = new ImageChunkManager({ maxImageBytes: 1_000, chunkSizeBytes: 100 });
    const err = thrown(() => manager.createChunks(Buffer.alloc(1_001), { sourceId: 'big' }));
    expect(err).toBeInstanceOf(FirestreamError);
    expect((err as FirestreamError).code).toBe(ErrorCodes.IMAGE_TOO_LARGE);
    expect((err as FirestreamError).message).toContain('1001 bytes');
    expect(manager.createChunks(Buffer.alloc(1_000), { sourceId: 'big', timestamp: 1 }).total).toBe(10);
    expect(manager.getMetrics()).toEqual({ imagesChunked: 1, chunksCreated: 10, bytesChunked: 1_000, imagesTooLarge: 1 });
  });

  it('refuses bad input and bad meta with errors that name them', () => {
    const manager = new ImageChunkManager();
    expect(thrown(() => manager.createChunks('text' as unknown as Buffer, { sourceId: 'a' }))).toBeInstanceOf(InvalidOptionError);
    expect((thrown(() => manager.createChunks(Buffer.alloc(1), { sourceId: '' })) as Error).message).toContain('"sourceId"');
    expect((thrown(() => manager.createChunks(Buffer.alloc(1), { sourceId: 'a', timestamp: -1 })) as Error).message).toContain('"timestamp"');
    expect((thrown(() => manager.createChunks(Buffer.alloc(1), { sourceId: 'a', format: 'gif' as never })) as Error).message).toContain('"format"');
    expect((thrown(() => manager.createChunks(Buffer.alloc(1), { sourceId: 'a', topicMaxMessageBytes: 0 })) as Error).message).toContain('"topicMaxMessageBytes"');
  });

  it('createChunks meta validation: refuses a missing meta and mistyped fields with InvalidOptionError instead of a TypeError or a silent default', () => {
    const manager = new ImageChunkManager();
    for (const meta of [undefined, null, 'landsat']) {
      const err = thrown(() => manager.createChunks(Buffer.alloc(10), meta as never));
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect(err?.message).toContain('"meta"');
    }
    const yes = thrown(() => manager.createChunks(Buffer.alloc(10), { sourceId: 's', serialized: 'yes' as never }));
    expect(yes).toBeInstanceOf(InvalidOptionError);
    expect(yes?.message).toBe('Option "serialized" must be true or false (got "yes").');
    expect(thrown(() => manager.createChunks(Buffer.alloc(10), { sourceId: 5 as never }))?.message).toBe('Option "sourceId" must be a non-empty string (got 5).');
    expect(thrown(() => manager.createChunks(Buffer.alloc(10), { sourceId: 's', timestamp: 1.5 }))?.message).toContain('"timestamp"');
    expect(manager.getMetrics().imagesChunked).toBe(0);
  });

  it('accepts a plain Uint8Array and does not change the image', () => {
    const image = new Uint8Array(randomBytes(250));
    const before = Buffer.from(image);
    const set = new ImageChunkManager({ chunkSizeBytes: 100 }).createChunks(image, { sourceId: 'a', timestamp: 1 });
    expect(set.total).toBe(3);
    expect(Buffer.from(image).equals(before)).toBe(true);
  });
});

describe('chunkMessages', () => {
  it('gives one message per chunk with the image id as key and its own copy of the headers', () => {
    const set = new ImageChunkManager({ chunkSizeBytes: 100 }).createChunks(randomBytes(250), { sourceId: 'a', timestamp: 1 });
    const messages = chunkMessages(set);
    expect(messages.map((m) => m.value)).toEqual(set.chunks.map((c) => c.bytes));
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set([set.imageId]));
    expect(messages[0]?.headers).toEqual(set.headers);
    expect(messages[0]?.headers).not.toBe(messages[1]?.headers);
  });
});

describe('image chunk options', () => {
  it('refuses invalid options, naming them', () => {
    expect((thrown(() => new ImageChunkManager({ chunkSizeBytes: 0 })) as Error).message).toContain('"chunkSizeBytes"');
    expect((thrown(() => new ImageChunkManager({ chunkSizeBytes: 2 ** 31 })) as Error).message).toContain('"chunkSizeBytes"');
    expect((thrown(() => new ImageChunkManager({ recordOverheadBytes: -1 })) as Error).message).toContain('"recordOverheadBytes"');
    expect((thrown(() => new ImageChunkManager({ clock: {} as never })) as Error).message).toContain('"clock"');
  });

  it('reads the images section and the limit of the imagery topic from a config', () => {
    const config = StreamConfigSchema.parse({});
    expect(imageChunkManagerOptionsFromConfig(config)).toEqual({ chunkSizeBytes: 5 * MiB, maxImageBytes: 100 * MiB, topicMaxMessageBytes: 22_020_096 });
    expect(imageReassemblerOptionsFromConfig(config)).toEqual({ maxReassemblyBytes: 256 * MiB, maxImageBytes: 100 * MiB, reassemblyTimeoutMs: 300_000 });
    const topics = config.topics.map(({ maxMessageBytes: _limit, ...topic }) => topic);
    expect(imageChunkManagerOptionsFromConfig({ images: config.images, topics }).topicMaxMessageBytes).toBe(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  });
});
