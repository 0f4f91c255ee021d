import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import type { OutgoingMessage } from '../producer/record-producer.js';
import { bufferView, chunkCount, chunkHeaderBytes, encodeImageChunk, MAX_CHUNK_COUNT } from './chunk-header.js';
import type { ImageChunkManagerOptions } from './chunk-options.js';
import { MAX_CHUNK_SIZE_BYTES, resolveChunkManagerOptions } from './chunk-options.js';
import { parseOptions } from '../producer/parse-options.js';
import type { ImageFormat } from './image-format.js';
import { IMAGE_FORMATS, imageFormatCode } from './image-format.js';
import { createImageId, IMAGE_ID_HEADER, IMAGE_KIND_CHUNK, IMAGE_KIND_HEADER } from './image-id.js';

/** What {@link ImageChunkManager.createChunks} needs to know about an image. */
export interface CreateChunksMeta {
  /** Id of the source the image came from; its sanitized form starts the image id. */
  readonly sourceId: string;
  /** Timestamp of the image id, in epoch ms (default: the clock's current time). */
  readonly timestamp?: number;
  /** `max.message.bytes` of the topic these chunks go to; overrides the manager's option. */
  readonly topicMaxMessageBytes?: number;
  /** Image format, carried in every chunk header as its format code (default `unknown`, code 0). */
  readonly format?: ImageFormat;
  /** Bytes of headers the caller adds to every chunk message beyond the suggested ones (names and values), kept free of chunk data (default 0). */
  readonly extraHeaderBytes?: number;
  /** Whether the bytes are a `BinaryImageSerializer` message rather than a bare image (default false). */
  readonly serialized?: boolean;
}

const CreateChunksMetaSchema = z.object({
  sourceId: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string'),
  timestamp: z.int({ error: 'must be a non-negative integer (epoch milliseconds)' }).min(0, 'must be a non-negative integer (epoch milliseconds)').optional(),
  topicMaxMessageBytes: z.int({ error: `must be an integer from 1 to ${MAX_CHUNK_SIZE_BYTES}` }).min(1).max(MAX_CHUNK_SIZE_BYTES).optional(),
  format: z.enum(IMAGE_FORMATS, { error: `must be one of ${IMAGE_FORMATS.join(', ')}` }).optional(),
  serialized: z.boolean({ error: 'must be true or false' }).optional(),
  extraHeaderBytes: z.int({ error: 'must be a non-negative integer' }).min(0).max(MAX_CHUNK_SIZE_BYTES).optional(),
});

/** Validates `meta`; throws {@link InvalidOptionError} naming the bad field (or `meta` when it is not an object). */
function parseMeta(meta: unknown): CreateChunksMeta {
  if (meta === null || typeof meta !== 'object') throw new InvalidOptionError('meta', meta, 'must be an object with at least a sourceId');
  return parseOptions(CreateChunksMetaSchema, meta, '');
}

/** One chunk message, ready to send. */
export interface ImageChunk {
  /** Id of the image. */
  readonly imageId: string;
  /** Position of the chunk, from 0. */
  readonly sequence: number;
  /** Number of chunks of the image. */
  readonly total: number;
  /** The whole message value: chunk header followed by the chunk's data. */
  readonly bytes: Buffer;
  /** Length of the chunk's data (without the header), in bytes. */
  readonly dataBytes: number;
  /** SHA-256 of the chunk's data, lowercase hex. */
  readonly sha256: string;
}

/** All chunks of one image, with the Kafka key and headers to send them with. */
export interface ImageChunkSet {
  /** Id of the image: `{source}_{timestamp}_{hash}`. */
  readonly imageId: string;
  /** Size of the image, in bytes. */
  readonly imageSize: number;
  /** SHA-256 of the whole image, lowercase hex. */
  readonly sha256: string;
  /** Data bytes per chunk used for this image (the last chunk may be shorter). */
  readonly chunkSize: number;
  /** Number of chunks. */
  readonly total: number;
  /** Suggested Kafka key: the image id, so that every chunk goes to one partition, in order. */
  readonly key: string;
  /** Suggested Kafka headers: `firestream-image-kind: chunk` and `firestream-image-id`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The chunks, in sequence order. */
  readonly chunks: readonly ImageChunk[];
}

/** Counters of an {@link ImageChunkManager}; plain data. */
export interface ImageChunkManagerMetrics {
  /** Images split into chunks. */
  readonly imagesChunked: number;
  /** Chunk messages created. */
  readonly chunksCreated: number;
  /** Image bytes chunked (without headers). */
  readonly bytesChunked: number;
  /** Images refused for being over `maxImageBytes`. */
  readonly imagesTooLarge: number;
}

/**
 * Splits images into chunk messages that each fit the target topic.
 *
 * Each chunk message is a binary header (image id, sequence, total, sizes, the chunk's SHA-256 and
 * the whole image's SHA-256; see `docs/imagery-chunks.md`) followed by the chunk's data. The data
 * size is `chunkSizeBytes`, cut so that header, key, headers and `recordOverheadBytes` fit the
 * topic's `max.message.bytes`. The image is hashed once and copied once (into the chunk messages);
 * consumers put the chunks together again with {@link ImageReassembler}.
 *
 * Send the chunks of an image in sequence order with the suggested key, and at most
 * `max.message.bytes` of them per request: Kafka checks the limit per record batch, and a client
 * puts all messages of one partition in one request into one batch.
 */
export class ImageChunkManager {
  readonly #chunkSize: number;
  readonly #maxImageBytes: number;
  readonly #topicMaxMessageBytes: number | undefined;
  readonly #recordOverheadBytes: number;
  readonly #clock: Clock;
  #imagesChunked = 0;
  #chunksCreated = 0;
  #bytesChunked = 0;
  #imagesTooLarge = 0;

  /** @throws {@link InvalidOptionError} naming the first invalid option. */
  constructor(options: ImageChunkManagerOptions = {}) {
    const resolved = resolveChunkManagerOptions(options);
    this.#chunkSize = resolved.chunkSizeBytes;
    this.#maxImageBytes = resolved.maxImageBytes;
    this.#topicMaxMessageBytes = resolved.topicMaxMessageBytes;
    this.#recordOverheadBytes = resolved.recordOverheadBytes;
    this.#clock = resolved.clock;
  }

  /**
   * Data bytes per chunk for an image with this id: `chunkSizeBytes`, or less when the topic's
   * `max.message.bytes` minus the chunk header, the key and headers of the message (with
   * `extraHeaderBytes` of headers the caller adds), and `recordOverheadBytes` leaves less room.
   *
   * @throws {@link InvalidOptionError} when the topic limit leaves no room for data.
   */
  chunkSizeFor(imageId: string, topicMaxMessageBytes = this.#topicMaxMessageBytes, extraHeaderBytes = 0): number {
    if (topicMaxMessageBytes === undefined) return this.#chunkSize;
    if (!Number.isSafeInteger(topicMaxMessageBytes) || topicMaxMessageBytes < 1 || topicMaxMessageBytes > MAX_CHUNK_SIZE_BYTES) {
      throw new InvalidOptionError('topicMaxMessageBytes', topicMaxMessageBytes, `must be an integer from 1 to ${MAX_CHUNK_SIZE_BYTES}`);
    }
    // Key (the image id) and the two headers are counted exactly; the rest is recordOverheadBytes.
    const ownBytes = 2 * Buffer.byteLength(imageId) + IMAGE_KIND_HEADER.length + IMAGE_KIND_CHUNK.length + IMAGE_ID_HEADER.length + extraHeaderBytes;
    const reserved = chunkHeaderBytes(imageId) + ownBytes + this.#recordOverheadBytes;
    const room = topicMaxMessageBytes - reserved;
    if (room < 1) {
      throw new InvalidOptionError(
        'topicMaxMessageBytes',
        topicMaxMessageBytes,
        `leaves no room for chunk data after the ${chunkHeaderBytes(imageId)}-byte chunk header, ${ownBytes} bytes of key and headers and recordOverheadBytes (${this.#recordOverheadBytes}); it must be more than ${reserved}`,
      );
    }
    return Math.min(this.#chunkSize, room);
  }

  /**
   * Splits `image` into chunk messages. An empty image gives one chunk with no data.
   *
   * @throws {@link FirestreamError} `FIRESTREAM_IMAGE_TOO_LARGE` for an image over `maxImageBytes`
   *   (or one that would need more than 2^32 − 1 chunks); {@link InvalidOptionError} for a missing
   *   or bad `meta` (or field of it) or a topic limit that leaves no room for data.
   */
  createChunks(image: Uint8Array, meta: CreateChunksMeta): ImageChunkSet {
    if (!(image instanceof Uint8Array)) throw new InvalidOptionError('image', image, 'must be a Buffer or Uint8Array');
    const m = parseMeta(meta);
    const formatCode = imageFormatCode(m.format ?? 'unknown');
    const buf = bufferView(image);
    if (buf.length > this.#maxImageBytes) {
      this.#imagesTooLarge += 1;
      throw new FirestreamError(ErrorCodes.IMAGE_TOO_LARGE, `Image of ${buf.length} bytes from source "${m.sourceId}" is over maxImageBytes (${this.#maxImageBytes}); send it by reference (S3) instead.`, {
        context: { sourceId: m.sourceId, imageSize: buf.length, maxImageBytes: this.#maxImageBytes },
      });
    }
    const imageSha = createHash('sha256').update(buf).digest();
    const sha256 = imageSha.toString('hex');
    const imageId = createImageId(m.sourceId, m.timestamp ?? Math.floor(this.#clock.now()), sha256);
    const chunkSize = this.chunkSizeFor(imageId, m.topicMaxMessageBytes ?? this.#topicMaxMessageBytes, m.extraHeaderBytes ?? 0);
    const total = chunkCount(buf.length, chunkSize);
    if (total > MAX_CHUNK_COUNT) {
      throw new FirestreamError(ErrorCodes.IMAGE_TOO_LARGE, `Image ${imageId} would need ${total} chunks of ${chunkSize} bytes, more than ${MAX_CHUNK_COUNT}.`, {
        context: { imageId, imageSize: buf.length, chunkSize },
      });
    }
    const serialized = m.serialized === true;
    const chunks: ImageChunk[] = new Array<ImageChunk>(total);
    for (let sequence = 0; sequence < total; sequence += 1) {
      const start = sequence * chunkSize;
      const data = buf.subarray(start, Math.min(buf.length, start + chunkSize));
      const chunkSha = createHash('sha256').update(data).digest();
      const header = { imageId, sequence, total, chunkSize, imageSize: buf.length, formatCode, serialized, chunkSha256: chunkSha, imageSha256: imageSha };
      const bytes = encodeImageChunk(header, data);
      chunks[sequence] = Object.freeze({ imageId, sequence, total, bytes, dataBytes: data.length, sha256: chunkSha.toString('hex') });
    }
    this.#imagesChunked += 1;
    this.#chunksCreated += total;
    this.#bytesChunked += buf.length;
    const headers = Object.freeze({ [IMAGE_KIND_HEADER]: IMAGE_KIND_CHUNK, [IMAGE_ID_HEADER]: imageId });
    return Object.freeze({ imageId, imageSize: buf.length, sha256, chunkSize, total, key: imageId, headers, chunks: Object.freeze(chunks) });
  }

  /** Counters since construction; plain data. */
  getMetrics(): ImageChunkManagerMetrics {
    return { imagesChunked: this.#imagesChunked, chunksCreated: this.#chunksCreated, bytesChunked: this.#bytesChunked, imagesTooLarge: this.#imagesTooLarge };
  }
}

/**
 * The chunks of `set` as producer messages (key, value and a fresh copy of the headers each), in
 * sequence order. Send them in order, at most `max.message.bytes` of them per request.
 */
export function chunkMessages(set: ImageChunkSet): OutgoingMessage[] {
  return set.chunks.map((chunk) => ({ key: set.key, value: chunk.bytes, headers: { ...set.headers } }));
}
