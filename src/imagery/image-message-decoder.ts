import { z } from 'zod';
import { positiveDurationMs, positiveInt } from '../config/schema/common.js';
import { ImagesSchema } from '../config/schema/images.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import { describeValue, InvalidOptionError, isFirestreamError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';
import { BinaryImageSerializer } from './binary-image-serializer.js';
import { createCorrelationId } from './correlation-id.js';
import { IMAGE_FORMATS } from './image-format.js';
import type { ImageFormat } from './image-format.js';
import { IMAGE_ID_HEADER, IMAGE_KIND_CHUNK, IMAGE_KIND_HEADER } from './image-id.js';
import { DEFAULT_MAX_METADATA_BYTES } from './image-metadata.js';
import type { ImageMetadataMessage } from './image-metadata.js';
import {
  headerText,
  IMAGE_CORRELATION_HEADER,
  IMAGE_KIND_METADATA,
  IMAGE_KIND_PACKET,
  IMAGE_KIND_REFERENCE,
  IMAGE_MESSAGE_KINDS,
  imageAborted,
  imageMessageCorrupt,
  parseImageMetadataMessage,
} from './image-messages.js';
import type { ImageMessageKind, ImageRoute } from './image-messages.js';
import type { AssembledImage, ImageDecodeResult, ImageDropReason, ImageMessageDecoderEvents, ImageMessageDecoderMetrics, IncomingImageMessage } from './image-decode-types.js';
import { ImageReassembler } from './image-reassembler.js';
import type { ImageComplete } from './reassembly-types.js';
import { parseS3ImageReference } from './s3-image-reference.js';
import type { S3ReferenceHandler } from './s3-reference-handler.js';

const IMAGE_DEFAULTS = ImagesSchema.parse({});

/** Default {@link ImageMessageDecoderOptions.maxPendingMetadata}. */
export const DEFAULT_MAX_PENDING_METADATA = 1_000;

/** Options of {@link ImageMessageDecoder}. */
export interface ImageMessageDecoderOptions {
  /** Reads direct packets (default: a serializer with the `images` defaults). */
  serializer?: BinaryImageSerializer;
  /** Reassembles chunks (default: a reassembler with the `images` defaults and this clock). */
  reassembler?: ImageReassembler;
  /** Downloads and verifies S3 references; without it a reference message is an error. */
  s3?: S3ReferenceHandler;
  /** Metadata messages kept until their image arrives; the oldest is dropped beyond it (default 1,000). */
  maxPendingMetadata?: number;
  /** How long a metadata message waits for its image, in ms (default `images.reassemblyTimeoutMs`, 5 min). */
  metadataTimeoutMs?: number;
  /** Most bytes of caller attributes a metadata message may carry, as for the publisher (default 64 KiB). */
  maxMetadataBytes?: number;
  /** Time source of the metadata expiry (monotonic time; default the system clock). */
  clock?: Clock;
}

/** Longest correlation id or image id header read; a longer one makes the message `IMAGE_CORRUPT` (reason `correlation`). */
export const MAX_IMAGE_KEY_LENGTH = 128;

interface PendingMetadata {
  readonly imageKey: string;
  readonly metadata: ImageMetadataMessage;
  readonly deadline: number;
}

const OptionsSchema = z.strictObject({
  serializer: z.custom<BinaryImageSerializer>((v) => v instanceof BinaryImageSerializer, 'must be a BinaryImageSerializer').optional(),
  reassembler: z.custom<ImageReassembler>((v) => v instanceof ImageReassembler, 'must be an ImageReassembler').optional(),
  s3: z.custom<S3ReferenceHandler>((v) => v !== null && typeof v === 'object' && typeof (v as S3ReferenceHandler).fetchAndVerify === 'function', 'must be an S3ReferenceHandler').optional(),
  maxPendingMetadata: positiveInt().default(DEFAULT_MAX_PENDING_METADATA),
  metadataTimeoutMs: positiveDurationMs().default(IMAGE_DEFAULTS.reassemblyTimeoutMs),
  maxMetadataBytes: positiveInt().default(DEFAULT_MAX_METADATA_BYTES),
  clock: z.custom<Clock>((v) => v !== null && typeof v === 'object' && typeof (v as Clock).monotonic === 'function', 'must be a Clock').default(systemClock),
});

const KINDS = new Set<string>(IMAGE_MESSAGE_KINDS);
const zero = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const ROUTES: readonly ImageRoute[] = ['direct', 'chunked', 's3'];

/**
 * Turns the messages of the imagery topic back into verified images, one `decode()` call per
 * message, without any Kafka client: direct packets through `BinaryImageSerializer`, chunks
 * through `ImageReassembler`, S3 references through `S3ReferenceHandler.fetchAndVerify`. A
 * metadata message is kept (bounded in number and time) until its image arrives, and handed over
 * with it.
 *
 * A message that fails a check throws a typed error (`IMAGE_CORRUPT`, `IMAGE_TOO_LARGE`, the
 * store's error, …) and leaves the decoder usable. Whenever an image is given up (reassembly
 * timeout or memory cap, a corrupt packet or reference, an expired metadata message) the `dropped`
 * event names its `imageKey`.
 */
export class ImageMessageDecoder extends TypedEmitter<ImageMessageDecoderEvents> {
  readonly #serializer: BinaryImageSerializer;
  readonly #reassembler: ImageReassembler;
  readonly #s3: S3ReferenceHandler | undefined;
  readonly #maxPending: number;
  readonly #timeoutMs: number;
  readonly #maxMetadataBytes: number;
  readonly #clock: Clock;
  // Insertion order is arrival order, and so deadline order.
  readonly #pending = new Map<string, PendingMetadata>();
  readonly #messages = zero(IMAGE_MESSAGE_KINDS);
  readonly #images = zero(ROUTES);
  readonly #bytes = zero(ROUTES);
  readonly #counts = { unknownKind: 0, duplicates: 0, failures: 0, metadataDropped: 0 };

  /** @throws {@link InvalidOptionError} naming the bad option. */
  constructor(options: ImageMessageDecoderOptions = {}) {
    super();
    const o = parseOptions(OptionsSchema, options, '');
    this.#clock = o.clock;
    this.#serializer = o.serializer ?? new BinaryImageSerializer();
    this.#reassembler = o.reassembler ?? new ImageReassembler({ clock: o.clock });
    this.#s3 = o.s3;
    this.#maxPending = o.maxPendingMetadata;
    this.#timeoutMs = o.metadataTimeoutMs;
    this.#maxMetadataBytes = o.maxMetadataBytes;
    this.#reassembler.on('incomplete', (e) => this.emit('dropped', { imageKey: e.imageId, reason: e.reason, scope: 'image' }));
    this.#reassembler.on('imageCorrupt', (e) => this.emit('dropped', { imageKey: e.imageId, reason: 'corrupt', scope: 'image' }));
  }

  /**
   * Decodes one message.
   *
   * A retryable failure (the object store's `retryable` error, a first chunk refused for memory)
   * gives nothing up: decode the same message again later.
   *
   * @throws `FIRESTREAM_IMAGE_CORRUPT` for a message that fails its checks (`context.reason` says
   *   which); `FIRESTREAM_IMAGE_TOO_LARGE` over a size limit; `FIRESTREAM_INVALID_OPTION` for a
   *   reference without an `s3` handler; the object store's error; `ABORTED` when `signal` aborts.
   */
  async decode(message: IncomingImageMessage, options: { signal?: AbortSignal } = {}): Promise<ImageDecodeResult> {
    const { signal } = options;
    if (signal?.aborted) throw imageAborted('decode', signal);
    this.#expire(this.#clock.monotonic());
    const kind = headerText(message.headers, IMAGE_KIND_HEADER);
    if (kind === undefined || !KINDS.has(kind)) {
      this.#counts.unknownKind += 1;
      return { status: 'ignored', reason: 'unknown-kind' };
    }
    this.#messages[kind as ImageMessageKind] += 1;
    const correlationHeader = headerText(message.headers, IMAGE_CORRELATION_HEADER);
    const idHeader = headerText(message.headers, IMAGE_ID_HEADER);
    const tooLong = [correlationHeader, idHeader].some((h) => h !== undefined && h.length > MAX_IMAGE_KEY_LENGTH);
    const correlationId = tooLong ? undefined : correlationHeader;
    const imageKey = tooLong ? undefined : (idHeader ?? correlationHeader);
    try {
      if (tooLong) {
        throw imageMessageCorrupt('correlation', `a ${kind} message has a ${IMAGE_CORRELATION_HEADER} or ${IMAGE_ID_HEADER} header longer than ${MAX_IMAGE_KEY_LENGTH} characters.`, { kind });
      }
      const value = message.value;
      if (value === null || value.length === 0) throw imageMessageCorrupt('empty', `a ${kind} message has no value.`, { kind });
      switch (kind as ImageMessageKind) {
        case IMAGE_KIND_METADATA:
          return this.#metadata(value, correlationId);
        case IMAGE_KIND_CHUNK:
          return await this.#chunk(value, correlationId);
        case IMAGE_KIND_PACKET:
          return await this.#packet(value, correlationId);
        case IMAGE_KIND_REFERENCE:
          return await this.#reference(value, correlationId, signal);
      }
    } catch (err) {
      this.#counts.failures += 1;
      // A refused packet, reference or metadata message ends its image; a refused chunk does not
      // (a good redelivery can still complete it), the reassembler reports when it gives up. A
      // retryable failure (an object store outage) ends nothing: the message is to be read again.
      const retryable = isFirestreamError(err) && err.retryable;
      if (kind === IMAGE_KIND_METADATA && correlationId !== undefined && !retryable) this.#dropMetadata(correlationId, 'corrupt');
      else if (kind !== IMAGE_KIND_CHUNK && imageKey !== undefined && !retryable) this.#drop(imageKey, correlationId, 'corrupt');
      if (signal?.aborted && !isFirestreamError(err)) throw imageAborted('decode', signal);
      throw err;
    }
  }

  /** Drops expired metadata messages (event `dropped`, reason `timeout`) and expired images in reassembly; returns how many. */
  sweep(): number {
    return this.#expire(this.#clock.monotonic()) + this.#reassembler.sweep();
  }

  /** Drops every image in reassembly and every pending metadata message (event `dropped`, reason `closed`). */
  close(): void {
    this.#reassembler.close();
    for (const correlationId of [...this.#pending.keys()]) this.#dropMetadata(correlationId, 'closed');
  }

  /** Counters and gauges; plain data. */
  getMetrics(): ImageMessageDecoderMetrics {
    return Object.freeze({
      messages: { ...this.#messages },
      images: { ...this.#images },
      bytes: { ...this.#bytes },
      ...this.#counts,
      pendingMetadata: this.#pending.size,
    });
  }

  /** A metadata message, kept under its correlation id (checked against the header), which is also its `imageKey`. */
  #metadata(value: Buffer, correlationId: string | undefined): ImageDecodeResult {
    const metadata = parseImageMetadataMessage(value, this.#maxMetadataBytes);
    if (correlationId !== undefined && metadata.correlation_id !== correlationId) {
      throw imageMessageCorrupt('correlation', `the metadata message says correlation id ${describeValue(metadata.correlation_id)}, its header ${describeValue(correlationId)}.`, {
        correlationId: describeValue(correlationId),
      });
    }
    const key = metadata.correlation_id;
    this.#pending.delete(key);
    this.#pending.set(key, { imageKey: key, metadata, deadline: this.#clock.monotonic() + this.#timeoutMs });
    for (const oldest of this.#pending.keys()) {
      if (this.#pending.size <= this.#maxPending) break;
      this.#dropMetadata(oldest, 'memory_cap');
    }
    return { status: 'metadata', imageKey: key, correlationId: key, metadata };
  }

  async #chunk(value: Buffer, correlationHeader: string | undefined): Promise<ImageDecodeResult> {
    const result = this.#reassembler.addChunk(value);
    if (result.status === 'pending') return { status: 'pending', imageKey: result.imageId, imageId: result.imageId, received: result.received, total: result.total };
    if (result.status === 'duplicate') {
      this.#counts.duplicates += 1;
      return { status: 'ignored', imageKey: result.imageId, reason: 'duplicate' };
    }
    if (!result.serialized) {
      const correlationId = correlationHeader ?? correlationFromImageId(result.imageId, result.image.length, result.sha256);
      return this.#hand(result.imageId, { route: 'chunked', correlationId, imageId: result.imageId, bytes: result.image, sha256: result.sha256, format: result.format });
    }
    return this.#chunkedPacket(result, correlationHeader);
  }

  /** A direct packet that went in chunks because it did not fit the topic. */
  async #chunkedPacket(result: ImageComplete, correlationHeader: string | undefined): Promise<ImageDecodeResult> {
    try {
      const image = await this.#serializer.deserializeImage(result.image, correlationHeader === undefined ? {} : { correlationId: correlationHeader });
      const correlationId = correlationHeader ?? correlationFromImageId(result.imageId, image.originalSize, image.sha256);
      return this.#hand(result.imageId, { route: 'chunked', correlationId, imageId: result.imageId, bytes: image.data, sha256: image.sha256, format: image.format });
    } catch (err) {
      this.#drop(result.imageId, correlationHeader, 'corrupt');
      throw err;
    }
  }

  async #packet(value: Buffer, correlationId: string | undefined): Promise<ImageDecodeResult> {
    if (correlationId === undefined) throw imageMessageCorrupt('correlation', `a packet has no ${IMAGE_CORRELATION_HEADER} header.`);
    const image = await this.#serializer.deserializeImage(value, { correlationId });
    return this.#hand(correlationId, { route: 'direct', correlationId, bytes: image.data, sha256: image.sha256, format: image.format });
  }

  async #reference(value: Buffer, correlationHeader: string | undefined, signal: AbortSignal | undefined): Promise<ImageDecodeResult> {
    if (this.#s3 === undefined) throw new InvalidOptionError('s3', undefined, 'must be an S3ReferenceHandler to read S3 reference messages (one arrived)');
    const reference = parseS3ImageReference(value);
    if (correlationHeader !== undefined && reference.correlation_id !== correlationHeader) {
      throw imageMessageCorrupt('correlation', `the reference says correlation id ${describeValue(reference.correlation_id)}, its header ${describeValue(correlationHeader)}.`, {
        correlationId: describeValue(correlationHeader),
      });
    }
    const bytes = await this.#s3.fetchAndVerify(reference, signal ? { signal } : {});
    const format = (IMAGE_FORMATS as readonly string[]).includes(reference.format) ? (reference.format as ImageFormat) : 'unknown';
    const correlationId = reference.correlation_id;
    return this.#hand(correlationId, { route: 's3', correlationId, sourceId: reference.source_id, bytes, sha256: reference.sha256, format, reference });
  }

  #hand(imageKey: string, image: AssembledImage): ImageDecodeResult {
    const pending = this.#pending.get(image.correlationId);
    this.#pending.delete(image.correlationId);
    const metadata = pending !== undefined && pending.metadata.sha256 === image.sha256 ? pending.metadata : undefined;
    const sourceId = image.sourceId ?? metadata?.source_id;
    this.#images[image.route] += 1;
    this.#bytes[image.route] += image.bytes.length;
    const complete: AssembledImage = Object.freeze({ ...image, ...(sourceId === undefined ? {} : { sourceId }), ...(metadata === undefined ? {} : { metadata }) });
    return { status: 'image', imageKey, image: complete };
  }

  #expire(now: number): number {
    let expired = 0;
    for (const [correlationId, entry] of this.#pending) {
      if (entry.deadline > now) break;
      this.#dropMetadata(correlationId, 'timeout');
      expired += 1;
    }
    return expired;
  }

  /** Gives up an image (and its pending metadata message). */
  #drop(imageKey: string, correlationId: string | undefined, reason: ImageDropReason): void {
    if (correlationId !== undefined) this.#dropMetadata(correlationId, reason);
    this.emit('dropped', { imageKey, reason, scope: 'image' });
  }

  /** Gives up a pending metadata message: its image, if it comes, is handed over without it. */
  #dropMetadata(correlationId: string, reason: ImageDropReason): void {
    if (!this.#pending.delete(correlationId)) return;
    this.#counts.metadataDropped += 1;
    this.emit('dropped', { imageKey: correlationId, reason, scope: 'metadata' });
  }
}

/**
 * The correlation id of a chunked image whose chunks carry no correlation header: the image id's
 * timestamp (`{source}_{timestamp}_{hash}`) with the image's size and SHA-256, as `ImagePublisher`
 * makes it.
 */
function correlationFromImageId(imageId: string, size: number, sha256: string): string {
  const timestamp = Number(/_(\d{1,16})_[0-9a-f]{16}$/.exec(imageId)?.[1] ?? 0);
  return createCorrelationId(timestamp, size, sha256);
}
