import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ImagesSchema, S3Schema } from '../config/schema/images.js';
import { positiveInt, ratio } from '../config/schema/common.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import { ErrorCodes, FirestreamError, InvalidOptionError, isFirestreamError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';
import { createCorrelationId } from './correlation-id.js';
import { detectFormat } from './image-format.js';
import { isKeyInsidePrefix, validateKeyPrefix } from './object-key.js';
import type { ObjectStore, ObjectStoreCallOptions } from './object-store.js';
import { DEFAULT_OBJECT_MAX_BYTES } from './object-store.js';
import { resolveMaxBytes } from './object-store-call.js';
import { compressImage, decompressImage, defaultLevel } from './s3-compression.js';
import type { S3Compression } from './s3-compression.js';
import { buildS3ImageReference, parseS3ImageReference, s3ImageCorrupt, validateReferenceText } from './s3-image-reference.js';
import type { S3CompressionAlgorithm, S3ImageCorruptReason, S3ImageReference } from './s3-image-reference.js';
import { contentTypeFor, imageObjectKey } from './s3-object-naming.js';

const IMAGE_DEFAULTS = ImagesSchema.parse({});
const DEFAULT_PREFIX: string = S3Schema.shape.prefix.parse(undefined);

const OptionsSchema = z.strictObject({
  store: z.custom<ObjectStore>((v) => v !== null && typeof v === 'object' && ['put', 'get', 'head', 'delete', 'url'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function') && typeof (v as { bucket?: unknown }).bucket === 'string', 'must be an ObjectStore (bucket, put, get, head, delete, url)'),
  directMaxBytes: positiveInt().default(IMAGE_DEFAULTS.directMaxBytes),
  chunkedMaxBytes: positiveInt().default(IMAGE_DEFAULTS.chunkedMaxBytes),
  prefix: z.string().default(DEFAULT_PREFIX),
  compression: z
    .union([z.enum(['none', 'zstd', 'gzip']), z.strictObject({ algorithm: z.enum(['none', 'zstd', 'gzip']), level: z.int().min(-7).max(22).optional() })])
    .default('none'),
  minCompressionSavings: ratio().default(IMAGE_DEFAULTS.minCompressionSavings),
  maxImageBytes: z.int().min(0).default(DEFAULT_OBJECT_MAX_BYTES),
  clock: z.custom<Clock>((v) => v !== null && typeof v === 'object' && typeof (v as Clock).now === 'function', 'must be a Clock').optional(),
});

/** Options of {@link S3ReferenceHandler}; size defaults are those of the `images` configuration section. */
export interface S3ReferenceHandlerOptions {
  /** Where images go: `S3ObjectStore`, `InMemoryObjectStore` or your own {@link ObjectStore}. */
  store: ObjectStore;
  /** Images up to this size are sent whole (default 20 MiB, `images.directMaxBytes`). */
  directMaxBytes?: number;
  /** Images up to this size are chunked; larger ones go to the store (default 100 MiB, `images.chunkedMaxBytes`). */
  chunkedMaxBytes?: number;
  /** Key prefix of uploads, empty or ending with `/` (default `images/`, `images.s3.prefix`); fetches outside it are refused. */
  prefix?: string;
  /**
   * Compression before upload (default `none`: satellite formats are mostly compressed already).
   * `zstd` (level 3) or `gzip` (level 6), or `{ algorithm, level }`; kept only when it saves more
   * than `minCompressionSavings`.
   */
  compression?: S3CompressionAlgorithm | { algorithm: S3CompressionAlgorithm; level?: number };
  /** Share (0..1) of the size compression must save to be kept (default 0.1, `images.minCompressionSavings`). */
  minCompressionSavings?: number;
  /** Largest image `fetchAndVerify` accepts when the call sets no `maxBytes` (default 1 GiB). */
  maxImageBytes?: number;
  /** Time source for `uploaded_at` and default correlation ids (default the system clock). */
  clock?: Clock;
}

/** What is known about an image being uploaded. */
export interface S3UploadMeta {
  /** Source the image came from (`landsat_8`, …), 1 to 256 characters. */
  sourceId: string;
  /** Correlation id linking the image to its metadata record, 1 to 128 characters; default `{timestamp}_{size}_{first 16 hex of SHA-256}`. */
  correlationId?: string;
  /** Image format (`hdf5`, `tiff`, …), 1 to 32 characters; default: detected from the image's magic bytes (`unknown` when none matches). */
  format?: string;
  /** MIME type to store; default from the format (or the compression). */
  contentType?: string;
}

/** Options of {@link S3ReferenceHandler.fetchAndVerify}. */
export interface S3FetchOptions extends ObjectStoreCallOptions {
  /** Largest image to accept, in bytes (default the handler's `maxImageBytes`). */
  maxBytes?: number;
}

/** Counters of an {@link S3ReferenceHandler}. */
export interface S3ReferenceHandlerMetrics {
  /** Images uploaded. */
  readonly uploads: number;
  /** Uploads that failed. */
  readonly uploadFailures: number;
  /** Bytes of the uploaded images, before compression. */
  readonly uploadedImageBytes: number;
  /** Bytes stored (after compression). */
  readonly uploadedStoredBytes: number;
  /** Uploads stored compressed. */
  readonly compressedUploads: number;
  /** Images downloaded and verified. */
  readonly fetches: number;
  /** Fetches that failed verification (`IMAGE_CORRUPT`). */
  readonly verificationFailures: number;
  /** Fetches that failed otherwise (store errors, size limit). */
  readonly fetchFailures: number;
}

/** A fetch that failed verification. */
export interface S3VerificationFailure {
  /** Bucket and key the reference named, when it was readable. */
  readonly key: string | undefined;
  /** Why. */
  readonly reason: S3ImageCorruptReason;
  /** The `IMAGE_CORRUPT` error the fetch rejected with. */
  readonly error: FirestreamError;
}

/** Events of an {@link S3ReferenceHandler}. */
export interface S3ReferenceHandlerEvents {
  /** An image was uploaded; the reference to send. */
  uploaded: [reference: S3ImageReference];
  /** An image was downloaded and verified. */
  fetched: [reference: S3ImageReference];
  /** A downloaded image did not match its reference. */
  verificationFailed: [failure: S3VerificationFailure];
}

type Counters = { -readonly [K in keyof S3ReferenceHandlerMetrics]: number };

/**
 * Sends images over the chunking limit through an object store: `uploadImage` stores the bytes
 * (optionally compressed) under a key inside the prefix and returns the reference message to send
 * to Kafka instead; `fetchAndVerify` is the consumer side, which downloads, decompresses (capped)
 * and checks size and SHA-256 before handing the image over.
 */
export class S3ReferenceHandler extends TypedEmitter<S3ReferenceHandlerEvents> {
  readonly #store: ObjectStore;
  readonly #prefix: string;
  readonly #directMaxBytes: number;
  readonly #chunkedMaxBytes: number;
  readonly #compression: S3Compression;
  readonly #minSavings: number;
  readonly #maxImageBytes: number;
  readonly #clock: Clock;
  readonly #counters: Counters = { uploads: 0, uploadFailures: 0, uploadedImageBytes: 0, uploadedStoredBytes: 0, compressedUploads: 0, fetches: 0, verificationFailures: 0, fetchFailures: 0 };

  constructor(options: S3ReferenceHandlerOptions) {
    super();
    const o = parseOptions(OptionsSchema, options, 'S3ReferenceHandler');
    if (o.directMaxBytes > o.chunkedMaxBytes) throw new InvalidOptionError('S3ReferenceHandler.directMaxBytes', o.directMaxBytes, `must not exceed chunkedMaxBytes (${o.chunkedMaxBytes})`);
    this.#store = o.store;
    this.#prefix = validateKeyPrefix(o.prefix, 'S3ReferenceHandler.prefix');
    this.#directMaxBytes = o.directMaxBytes;
    this.#chunkedMaxBytes = o.chunkedMaxBytes;
    const spec = typeof o.compression === 'string' ? { algorithm: o.compression } : o.compression;
    this.#compression = spec.algorithm === 'none' ? { algorithm: 'none' } : { algorithm: spec.algorithm, level: spec.level ?? defaultLevel(spec.algorithm) };
    this.#minSavings = o.minCompressionSavings;
    this.#maxImageBytes = o.maxImageBytes;
    this.#clock = o.clock ?? systemClock;
  }

  /** True when an image of `size` bytes goes to the object store (over `chunkedMaxBytes`). */
  shouldUseS3(size: number): boolean {
    return size > this.#chunkedMaxBytes;
  }

  /** True when an image of `size` bytes is sent in chunks (over `directMaxBytes`, up to `chunkedMaxBytes`). */
  shouldUseChunking(size: number): boolean {
    return size > this.#directMaxBytes && size <= this.#chunkedMaxBytes;
  }

  /** Counters since construction. */
  getMetrics(): S3ReferenceHandlerMetrics {
    return Object.freeze({ ...this.#counters });
  }

  /**
   * Uploads `data` and resolves the reference message to send instead (validated by
   * {@link S3ImageReferenceSchema}). `meta` is checked before anything is uploaded
   * (`INVALID_OPTION` naming the field). Rejects with the store's error (`OBJECT_STORE_FAILED`,
   * `ABORTED`, …) when the upload fails; nothing is half-uploaded under the key then. Should the
   * reference still be invalid after the upload (a store answering a URL that is not HTTP(S)), the
   * object is deleted again and the upload rejects with `INVALID_RECORD`.
   */
  async uploadImage(data: Uint8Array, meta: S3UploadMeta, options: ObjectStoreCallOptions = {}): Promise<S3ImageReference> {
    if (!(data instanceof Uint8Array)) throw new InvalidOptionError('data', data, 'must be a Buffer or Uint8Array');
    const sourceId = validateReferenceText('source_id', meta?.sourceId);
    if (meta.correlationId !== undefined) validateReferenceText('correlation_id', meta.correlationId);
    if (meta.format !== undefined) validateReferenceText('format', meta.format);
    if (meta.contentType !== undefined && (typeof meta.contentType !== 'string' || meta.contentType === '')) throw new InvalidOptionError('meta.contentType', meta.contentType, 'must be a non-empty string');
    const image = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const sha256 = createHash('sha256').update(image).digest('hex');
    const startedAt = this.#clock.now();
    const correlationId = meta.correlationId ?? createCorrelationId(startedAt, image.length, sha256);
    const format = meta.format ?? detectFormat(image);
    const { stored, compression } = await this.#maybeCompress(image);
    const key = imageObjectKey(this.#prefix, sourceId, startedAt, correlationId, format, compression.algorithm, sha256);
    const { bucket } = this.#store;
    const fields: S3ImageReference = {
      storage_type: 's3_reference', s3_url: `s3://${bucket}/${key}`, http_url: this.#store.url(key), bucket, key,
      image_size_bytes: image.length, stored_size_bytes: stored.length, sha256, compression, format,
      correlation_id: correlationId, source_id: sourceId, uploaded_at: new Date(startedAt).toISOString(),
    };
    buildS3ImageReference(fields); // a reference that could not be sent stops the upload before it starts
    let reference: S3ImageReference;
    try {
      const put = await this.#store.put(key, stored, {
        ...options,
        contentLength: stored.length,
        contentType: meta.contentType ?? contentTypeFor(format, compression.algorithm),
        metadata: { sha256, 'image-size': String(image.length), compression: compression.algorithm },
      });
      try {
        reference = buildS3ImageReference({ ...fields, http_url: put.url, uploaded_at: new Date(this.#clock.now()).toISOString() });
      } catch (err) {
        await this.#store.delete(key).catch(() => undefined); // no reference will name it: best effort
        throw err;
      }
    } catch (err) {
      this.#counters.uploadFailures += 1;
      throw err;
    }
    const c = this.#counters;
    c.uploads += 1;
    c.uploadedImageBytes += image.length;
    c.uploadedStoredBytes += stored.length;
    if (compression.algorithm !== 'none') c.compressedUploads += 1;
    this.emit('uploaded', reference);
    return reference;
  }

  async #maybeCompress(image: Buffer): Promise<{ stored: Buffer; compression: S3Compression }> {
    const compression = this.#compression;
    if (compression.algorithm === 'none' || image.length === 0) return { stored: image, compression: { algorithm: 'none' } };
    const packed = await compressImage(image, compression.algorithm, compression.level);
    if (packed.length < image.length * (1 - this.#minSavings)) return { stored: packed, compression };
    return { stored: image, compression: { algorithm: 'none' } };
  }

  /**
   * Downloads the image of a reference (an object, or its JSON text or bytes) and verifies it:
   * the reference must name this store's bucket and a key inside the prefix; the object must be
   * `stored_size_bytes` long, decompress (capped) to `image_size_bytes` and have the SHA-256 of
   * the reference. Rejects with `IMAGE_CORRUPT` (`context.reason` an {@link S3ImageCorruptReason})
   * when it does not, `IMAGE_TOO_LARGE` over `maxBytes` (before downloading), or the store's error.
   */
  async fetchAndVerify(reference: unknown, options: S3FetchOptions = {}): Promise<Buffer> {
    const maxBytes = resolveMaxBytes(options.maxBytes, this.#maxImageBytes);
    let ref: S3ImageReference | undefined;
    try {
      ref = parseS3ImageReference(reference);
      const image = await this.#fetch(ref, { ...options, maxBytes });
      this.#counters.fetches += 1;
      this.emit('fetched', ref);
      return image;
    } catch (err) {
      if (isFirestreamError(err, ErrorCodes.IMAGE_CORRUPT)) {
        this.#counters.verificationFailures += 1;
        this.emit('verificationFailed', { key: ref?.key, reason: err.context.reason as S3ImageCorruptReason, error: err });
      } else this.#counters.fetchFailures += 1;
      throw err;
    }
  }

  async #fetch(ref: S3ImageReference, options: S3FetchOptions): Promise<Buffer> {
    const { key } = ref;
    if (ref.bucket !== this.#store.bucket) throw s3ImageCorrupt('reference', `the reference names bucket "${ref.bucket}", but this store reads bucket "${this.#store.bucket}".`, { key, bucket: ref.bucket });
    if (!isKeyInsidePrefix(key, this.#prefix)) throw s3ImageCorrupt('reference', `key "${key}" is outside the prefix "${this.#prefix}".`, { key, prefix: this.#prefix });
    const maxBytes = options.maxBytes ?? this.#maxImageBytes;
    if (ref.image_size_bytes > maxBytes || ref.stored_size_bytes > maxBytes) {
      throw new FirestreamError(ErrorCodes.IMAGE_TOO_LARGE, `The image "${key}" of ${ref.image_size_bytes} bytes is over the limit of ${maxBytes} bytes ("maxBytes"); raise it to fetch this image.`, {
        context: { key, size: ref.image_size_bytes, maxBytes },
      });
    }
    const { signal, timeoutMs } = options;
    let stored: Buffer;
    try {
      stored = await this.#store.get(key, { maxBytes: ref.stored_size_bytes, ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    } catch (err) {
      if (!isFirestreamError(err, ErrorCodes.IMAGE_TOO_LARGE)) throw err;
      throw s3ImageCorrupt('size', `"${key}" is larger than the ${ref.stored_size_bytes} bytes of the reference.`, { key, expected: ref.stored_size_bytes }, err);
    }
    if (stored.length !== ref.stored_size_bytes) throw s3ImageCorrupt('size', `"${key}" is ${stored.length} bytes, not the ${ref.stored_size_bytes} of the reference.`, { key, expected: ref.stored_size_bytes, actual: stored.length });
    const image = await decompressImage(stored, ref.compression, ref.image_size_bytes, key);
    const sha256 = createHash('sha256').update(image).digest('hex');
    if (sha256 !== ref.sha256) throw s3ImageCorrupt('checksum', `the SHA-256 of "${key}" is ${sha256}, not ${ref.sha256} as the reference says.`, { key, expected: ref.sha256, actual: sha256 });
    return image;
  }
}
