import { z } from 'zod';
import { positiveInt, nonNegativeInt } from '../config/schema/common.js';
import { ImagesSchema } from '../config/schema/images.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';
import type { OutgoingMessage, RecordProducer } from '../producer/record-producer.js';
import { assertValidTopicName } from '../routing/topic-names.js';
import { BinaryImageSerializer } from './binary-image-serializer.js';
import { DEFAULT_RECORD_OVERHEAD_BYTES, MAX_CHUNK_SIZE_BYTES } from './chunk-options.js';
import { CORRELATION_HASH_HEX_CHARS, createCorrelationId, parseCorrelationId } from './correlation-id.js';
import type { ImageChunkSet } from './image-chunk-manager.js';
import { ImageChunkManager } from './image-chunk-manager.js';
import { detectFormat } from './image-format.js';
import type { ImageFormat } from './image-format.js';
import { IMAGE_HEADER_BYTES } from './image-header.js';
import { IMAGE_KIND_CHUNK } from './image-id.js';
import type { ImageMetadataInput, ImageMetadataMessage } from './image-metadata.js';
import type { ImagePublisherEvents, ImagePublisherMetrics, PublishedImage, PublishImageMeta, PublishImageOptions } from './image-publish-types.js';
import { DEFAULT_MAX_METADATA_BYTES, parseImageMetadata } from './image-metadata.js';
import { groupByBytes, IMAGE_CORRELATION_HEADER, IMAGE_KIND_METADATA, IMAGE_KIND_PACKET, IMAGE_KIND_REFERENCE, imageAborted, imageMessageHeaders, imageMetadataMessage, messageBytes } from './image-messages.js';
import type { ImageRoute } from './image-messages.js';
import { routeBySize } from './image-routing.js';
import type { S3ReferenceHandler } from './s3-reference-handler.js';

const IMAGE_DEFAULTS = ImagesSchema.parse({});

/** Options of {@link ImagePublisher}. Size defaults are those of the `images` configuration section. */
export interface ImagePublisherOptions {
  /** Where the messages go: `KafkaJsProducer`, `InMemoryProducer` or your own {@link RecordProducer}; connected by you. */
  producer: RecordProducer;
  /** The imagery topic (`images.topic`). */
  topic: string;
  /** Serializer of direct images (default: one with `maxImageBytes` = `directMaxBytes` and this clock). */
  serializer?: BinaryImageSerializer;
  /** Chunker of larger images (default: one with `maxImageBytes` = `chunkedMaxBytes` and this clock). */
  chunkManager?: ImageChunkManager;
  /** Object store route for images over `chunkedMaxBytes`; without it such images are refused with `IMAGE_TOO_LARGE`. */
  s3?: S3ReferenceHandler;
  /** Images up to this size go as one packet (default 20 MiB, `images.directMaxBytes`). */
  directMaxBytes?: number;
  /** Images up to this size go in chunks; larger ones through `s3` (default 100 MiB, `images.chunkedMaxBytes`). */
  chunkedMaxBytes?: number;
  /**
   * `max.message.bytes` of the topic. A direct packet that would not fit goes in chunks instead,
   * chunks are cut to fit, and messages are sent in requests of at most this many bytes. Without
   * it every message is sent in a request of its own.
   */
  topicMaxMessageBytes?: number;
  /** Bytes counted per message for the Kafka framing firestream cannot measure (default 512, as for chunks). */
  recordOverheadBytes?: number;
  /** Most bytes of caller attributes once JSON-encoded, on the chunked and S3 routes (default 64 KiB; the serializer's own limit applies to direct images). */
  maxMetadataBytes?: number;
  /** Time source of correlation ids and image ids (default the system clock). */
  clock?: Clock;
}

const isObject = (methods: string[]) => (v: unknown) => v !== null && typeof v === 'object' && methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function');

const OptionsSchema = z.strictObject({
  producer: z.custom<RecordProducer>(isObject(['send']), 'must be a RecordProducer'),
  topic: z.string(),
  serializer: z.custom<BinaryImageSerializer>((v) => v instanceof BinaryImageSerializer, 'must be a BinaryImageSerializer').optional(),
  chunkManager: z.custom<ImageChunkManager>((v) => v instanceof ImageChunkManager, 'must be an ImageChunkManager').optional(),
  s3: z.custom<S3ReferenceHandler>(isObject(['uploadImage']), 'must be an S3ReferenceHandler').optional(),
  directMaxBytes: positiveInt().default(IMAGE_DEFAULTS.directMaxBytes),
  chunkedMaxBytes: positiveInt().default(IMAGE_DEFAULTS.chunkedMaxBytes),
  topicMaxMessageBytes: positiveInt().max(MAX_CHUNK_SIZE_BYTES).optional(),
  recordOverheadBytes: nonNegativeInt().max(MAX_CHUNK_SIZE_BYTES).default(DEFAULT_RECORD_OVERHEAD_BYTES),
  maxMetadataBytes: z.int().min(2).default(DEFAULT_MAX_METADATA_BYTES),
  clock: z.custom<Clock>(isObject(['now', 'monotonic']), 'must be a Clock').default(systemClock),
});

type Settings = z.output<typeof OptionsSchema>;

/** The messages of one image and what to report once they are written. */
interface Plan {
  readonly messages: OutgoingMessage[];
  readonly result: Omit<PublishedImage, 'messages'>;
}

const ROUTES = (): Record<ImageRoute, number> => ({ direct: 0, chunked: 0, s3: 0 });

/**
 * Publishes images to the imagery topic by size: up to `directMaxBytes` as a metadata message and
 * one `BinaryImageSerializer` packet, up to `chunkedMaxBytes` as a metadata message and
 * `ImageChunkManager` chunks, larger ones uploaded through an `S3ReferenceHandler` and sent as a
 * metadata message and a reference message. `ImageMessageDecoder` / `ImageAssembler` give the
 * verified bytes back on the consumer side.
 *
 * Every message carries the `firestream-image-kind` and `firestream-correlation-id` headers, and
 * all messages of an image share a key (the image id for chunks, the correlation id otherwise), so
 * they land on one partition, in order. Messages are sent in order, in requests of at most
 * `topicMaxMessageBytes` (Kafka checks that limit per record batch), so a 100 MiB image never goes
 * as one request. A failed publish may have written some of the image's messages: consumers drop
 * such a partial image when its reassembly times out; publish the image again.
 */
export class ImagePublisher extends TypedEmitter<ImagePublisherEvents> {
  readonly #o: Settings;
  readonly #serializer: BinaryImageSerializer;
  readonly #chunkManager: ImageChunkManager;
  readonly #images = ROUTES();
  readonly #bytes = ROUTES();
  #messages = 0;
  #directFallbacks = 0;
  #failures = 0;

  /** @throws {@link InvalidOptionError} naming the bad option; `INVALID_TOPIC` for a bad topic name. */
  constructor(options: ImagePublisherOptions) {
    super();
    const o = parseOptions(OptionsSchema, options, '');
    assertValidTopicName(o.topic, 'topic');
    if (o.directMaxBytes > o.chunkedMaxBytes) throw new InvalidOptionError('directMaxBytes', o.directMaxBytes, `must not exceed chunkedMaxBytes (${o.chunkedMaxBytes})`);
    this.#o = o;
    this.#serializer = o.serializer ?? new BinaryImageSerializer({ maxImageBytes: o.directMaxBytes, clock: o.clock });
    if (this.#serializer.maxImageBytes < o.directMaxBytes) {
      throw new InvalidOptionError('serializer', `maxImageBytes ${this.#serializer.maxImageBytes}`, `must accept images up to directMaxBytes (${o.directMaxBytes})`);
    }
    // A direct packet that does not fit the topic is chunked too: room for it and its header.
    this.#chunkManager = o.chunkManager ?? new ImageChunkManager({ maxImageBytes: Math.max(o.chunkedMaxBytes, o.directMaxBytes + IMAGE_HEADER_BYTES), clock: o.clock });
  }

  /** The route an image of `size` bytes takes by size (a direct packet too large for the topic is chunked instead). */
  routeFor(size: number): ImageRoute {
    return routeBySize(size, this.#o);
  }

  /**
   * Publishes one image and resolves once the broker acknowledged every message of it. `data`
   * must not change until the promise settles.
   *
   * @throws `FIRESTREAM_INVALID_RECORD` for data that is not a non-empty `Buffer`/`Uint8Array` or
   *   bad metadata; `FIRESTREAM_IMAGE_TOO_LARGE` (context `size`, `maxBytes`) for an image over
   *   `chunkedMaxBytes` without an `s3` handler; `ABORTED`; the producer's or object store's error.
   */
  async publish(data: Uint8Array, meta: PublishImageMeta, options: PublishImageOptions = {}): Promise<PublishedImage> {
    if (!(data instanceof Uint8Array) || data.length === 0) {
      throw new FirestreamError(ErrorCodes.INVALID_RECORD, `Image data must be a non-empty Buffer or Uint8Array (got ${data instanceof Uint8Array ? 'an empty byte array' : typeof data}).`);
    }
    const route = this.routeFor(data.length);
    try {
      if (options.signal?.aborted) throw imageAborted('publish', options.signal);
      const plan = route === 'direct' ? await this.#planDirect(data, meta) : route === 'chunked' ? this.#planChunked(data, meta) : await this.#planS3(data, meta, options);
      await this.#send(plan.messages, options);
      const published: PublishedImage = Object.freeze({ ...plan.result, messages: plan.messages.length });
      this.#images[published.route] += 1;
      this.#bytes[published.route] += published.bytes;
      this.#messages += published.messages;
      if (published.directFallback) this.#directFallbacks += 1;
      this.emit('published', published);
      return published;
    } catch (err) {
      this.#failures += 1;
      this.emit('failed', Object.freeze({ sourceId: String(meta?.sourceId), bytes: data.length, route, error: err }));
      throw err;
    }
  }

  /** Counters since construction; plain data. */
  getMetrics(): ImagePublisherMetrics {
    return Object.freeze({ images: { ...this.#images }, bytes: { ...this.#bytes }, messages: this.#messages, directFallbacks: this.#directFallbacks, failures: this.#failures });
  }

  async #planDirect(data: Uint8Array, meta: PublishImageMeta): Promise<Plan> {
    const { metadataMessage, packet, correlationId } = await this.#serializer.serializeImage(data, attributesOf(meta));
    const packetMessage: OutgoingMessage = { key: correlationId, value: packet, headers: imageMessageHeaders(IMAGE_KIND_PACKET, correlationId) };
    const base = { correlationId, sha256: metadataMessage.sha256, format: metadataMessage.format, bytes: data.length };
    const limit = this.#o.topicMaxMessageBytes;
    if (limit === undefined || messageBytes(packetMessage, this.#o.recordOverheadBytes) <= limit) {
      return { messages: [metadataMessageOf(metadataMessage, correlationId), packetMessage], result: { ...base, route: 'direct', directFallback: false } };
    }
    // The packet is too large for the topic: send it in chunks, flagged as a serializer message.
    const timestamp = parseCorrelationId(correlationId)?.timestamp ?? Math.floor(this.#o.clock.now());
    const set = this.#createChunks(packet, { sourceId: metadataMessage.source_id, timestamp, format: metadataMessage.format, serialized: true }, correlationId.length);
    return { messages: chunkedMessages(metadataMessage, correlationId, set), result: { ...base, route: 'chunked', imageId: set.imageId, directFallback: true } };
  }

  #planChunked(data: Uint8Array, meta: PublishImageMeta): Plan {
    const { sourceId, attributes } = parseImageMetadata(attributesOf(meta), this.#o.maxMetadataBytes);
    const timestamp = Math.floor(this.#o.clock.now());
    const format = meta.format ?? detectFormat(data);
    // The correlation id, made once the hash is known: `{timestamp}_{size}_{16 hex}`.
    const correlationIdLength = `${timestamp}_${data.length}_`.length + CORRELATION_HASH_HEX_CHARS;
    const set = this.#createChunks(data, { sourceId, timestamp, format, serialized: false }, correlationIdLength);
    const correlationId = createCorrelationId(timestamp, data.length, set.sha256);
    const metadata = imageMetadataMessage({ correlationId, sourceId, format, imageSize: data.length, sha256: set.sha256, timestamp, attributes });
    return {
      messages: chunkedMessages(metadata, correlationId, set),
      result: { route: 'chunked', correlationId, imageId: set.imageId, sha256: set.sha256, format, bytes: data.length, directFallback: false },
    };
  }

  async #planS3(data: Uint8Array, meta: PublishImageMeta, options: PublishImageOptions): Promise<Plan> {
    const s3 = this.#o.s3;
    if (s3 === undefined) {
      const { chunkedMaxBytes } = this.#o;
      throw new FirestreamError(
        ErrorCodes.IMAGE_TOO_LARGE,
        `Image of ${data.length} bytes from source "${String(meta?.sourceId)}" is over chunkedMaxBytes (${chunkedMaxBytes}) and no object store is configured; configure images.s3 (an s3 handler) or raise images.chunkedMaxBytes.`,
        { context: { size: data.length, maxBytes: chunkedMaxBytes, sourceId: meta?.sourceId } },
      );
    }
    const { sourceId, attributes } = parseImageMetadata(attributesOf(meta), this.#o.maxMetadataBytes);
    const format = meta.format ?? detectFormat(data);
    const { signal, timeoutMs } = options;
    const reference = await s3.uploadImage(data, { sourceId, format }, { ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    const correlationId = reference.correlation_id;
    const timestamp = parseCorrelationId(correlationId)?.timestamp ?? Date.parse(reference.uploaded_at);
    const metadata = imageMetadataMessage({ correlationId, sourceId, format, imageSize: data.length, sha256: reference.sha256, timestamp, attributes });
    const referenceMessage: OutgoingMessage = { key: correlationId, value: Buffer.from(JSON.stringify(reference)), headers: imageMessageHeaders(IMAGE_KIND_REFERENCE, correlationId) };
    return {
      messages: [metadataMessageOf(metadata, correlationId), referenceMessage],
      result: { route: 's3', correlationId, sha256: reference.sha256, format, bytes: data.length, directFallback: false, reference },
    };
  }

  /** Chunks of `bytes`, sized for messages that also carry the correlation header (its id `correlationIdLength` characters long). */
  #createChunks(bytes: Buffer | Uint8Array, meta: { sourceId: string; timestamp: number; format: ImageFormat; serialized: boolean }, correlationIdLength: number): ImageChunkSet {
    const limit = this.#o.topicMaxMessageBytes;
    const extraHeaderBytes = IMAGE_CORRELATION_HEADER.length + correlationIdLength;
    return this.#chunkManager.createChunks(bytes, { ...meta, extraHeaderBytes, ...(limit === undefined ? {} : { topicMaxMessageBytes: limit }) });
  }

  async #send(messages: readonly OutgoingMessage[], options: PublishImageOptions): Promise<void> {
    const { signal, timeoutMs } = options;
    const callOptions = { ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    // Without a known topic limit, every message goes in a request of its own (budget 0).
    for (const group of groupByBytes(messages, this.#o.topicMaxMessageBytes ?? 0, this.#o.recordOverheadBytes)) {
      if (signal?.aborted) throw imageAborted('publish', signal);
      await this.#o.producer.send([{ topic: this.#o.topic, messages: group }], callOptions);
    }
  }
}

/** The serializer's metadata input from `meta` (anything that is not an object is left for its validation to refuse). */
function attributesOf(meta: PublishImageMeta): ImageMetadataInput {
  if (meta === null || typeof meta !== 'object') return meta as ImageMetadataInput;
  return meta.attributes === undefined ? { sourceId: meta.sourceId } : { sourceId: meta.sourceId, attributes: meta.attributes };
}

/** The metadata message, keyed like the rest of its image. */
function metadataMessageOf(metadata: ImageMetadataMessage, correlationId: string, imageId?: string): OutgoingMessage {
  return { key: imageId ?? correlationId, value: Buffer.from(JSON.stringify(metadata)), headers: imageMessageHeaders(IMAGE_KIND_METADATA, correlationId, imageId) };
}

/** The metadata message followed by the chunks, every one keyed by the image id and carrying the correlation id. */
function chunkedMessages(metadata: ImageMetadataMessage, correlationId: string, set: ImageChunkSet): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [metadataMessageOf(metadata, correlationId, set.imageId)];
  for (const chunk of set.chunks) messages.push({ key: set.imageId, value: chunk.bytes, headers: imageMessageHeaders(IMAGE_KIND_CHUNK, correlationId, set.imageId) });
  return messages;
}
