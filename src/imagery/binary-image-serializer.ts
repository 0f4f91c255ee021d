import { constants as bufferConstants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { ImagesSchema } from '../config/schema/images.js';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import type { ZstdBackend, ZstdBackendName } from '../producer/codecs/zstd-backends.js';
import { DEFAULT_ZSTD_LEVEL } from '../producer/codecs/zstd-codec.js';
import { parseOptions } from '../producer/parse-options.js';
import { CORRELATION_HASH_HEX_CHARS, createCorrelationId, parseCorrelationId } from './correlation-id.js';
import type { ImageCompressionMode } from './image-compression.js';
import { ImageCompressor } from './image-compression.js';
import { imageCorrupt, imageTooLarge } from './image-errors.js';
import type { ImageFormat } from './image-format.js';
import { detectFormat, IMAGE_FORMATS } from './image-format.js';
import type { ImageCompression, ImageHeader } from './image-header.js';
import { IMAGE_HEADER_BYTES, MAX_IMAGE_PACKET_SIZE, readImageHeader, writeImageHeader } from './image-header.js';
import type { ImageMetadataInput, ImageMetadataMessage } from './image-metadata.js';
import { DEFAULT_MAX_METADATA_BYTES, parseImageMetadata } from './image-metadata.js';

/** Options of {@link BinaryImageSerializer}. */
export interface BinaryImageSerializerOptions {
  /**
   * Largest original image, in bytes, serialized or accepted from a packet (default: the
   * `images.directMaxBytes` default, 20 MiB). Also caps decompressed output. At most 4 GiB − 1.
   */
  readonly maxImageBytes?: number;
  /** Keep a compressed payload only when it saves more than this share, 0..1 (default: `images.minCompressionSavings`, 0.1). */
  readonly minCompressionSavings?: number;
  /** `auto` (zstd, falling back to zlib; default), `zlib` or `none`. */
  readonly compression?: ImageCompressionMode;
  /** zstd level, -7..22 (default 3). */
  readonly zstdLevel?: number;
  /** zlib level, 0..9 (default 6). */
  readonly zlibLevel?: number;
  /** zstd implementation: a backend name (default `auto`) or a backend object. */
  readonly zstdBackend?: ZstdBackendName | ZstdBackend;
  /**
   * Formats whose data is already entropy-coded, so compression is not tried (default `png`,
   * `jpeg`, `jp2`, `j2k`); `[]` tries every format.
   */
  readonly skipCompressionFormats?: readonly ImageFormat[];
  /** Most bytes of caller attributes once JSON-encoded (default 64 KiB). */
  readonly maxMetadataBytes?: number;
  /** Clock for the correlation id and the metadata timestamp (default the system clock). */
  readonly clock?: Clock;
}

/** What {@link BinaryImageSerializer.serializeImage} returns. */
export interface SerializedImage {
  /** JSON-serialisable description of the image, to send next to the packet. */
  readonly metadataMessage: ImageMetadataMessage;
  /** The 48-byte header followed by the (possibly compressed) image. */
  readonly packet: Buffer;
  /** `{timestamp}_{size}_{partialHash}`, also in `metadataMessage.correlation_id`. */
  readonly correlationId: string;
}

/** What {@link BinaryImageSerializer.deserializeImage} returns: the verified header and image. */
export interface DeserializedImage extends ImageHeader {
  /** The original image bytes. For an uncompressed packet, a view into the packet (no copy). */
  readonly data: Buffer;
}

/** Options of one {@link BinaryImageSerializer.deserializeImage} call. */
export interface DeserializeImageOptions {
  /** The correlation id from the metadata message: its size and hash parts must match the packet. */
  readonly correlationId?: string;
}

/** Counters of a {@link BinaryImageSerializer}; plain data. */
export interface BinaryImageSerializerMetrics {
  /** Images serialized. */
  readonly serialized: number;
  /** Original bytes of the images serialized. */
  readonly serializedBytes: number;
  /** Payload bytes written into packets (after compression, headers not counted). */
  readonly storedBytes: number;
  /** Images whose payload was kept compressed, by codec. */
  readonly compressed: Readonly<Record<Exclude<ImageCompression, 'none'>, number>>;
  /** Images compressed, but stored as is because compression saved too little. */
  readonly compressionNotKept: number;
  /** Compressions that fell back to zlib because zstd failed or was unavailable. */
  readonly zstdFallbacks: number;
  /** Packets read and verified. */
  readonly deserialized: number;
  /** Packets refused with `FIRESTREAM_IMAGE_CORRUPT`. */
  readonly corrupt: number;
  /** Images or packets refused with `FIRESTREAM_IMAGE_TOO_LARGE`. */
  readonly tooLarge: number;
}

const IMAGE_DEFAULTS = ImagesSchema.parse({});

/** Largest `maxImageBytes`: what the header's uint32 sizes and a Node Buffer (with the header) can hold. */
export const MAX_IMAGE_BYTES_LIMIT = Math.min(MAX_IMAGE_PACKET_SIZE, bufferConstants.MAX_LENGTH - IMAGE_HEADER_BYTES);

/** Formats not compressed by default: their data is already entropy-coded. */
export const DEFAULT_SKIP_COMPRESSION_FORMATS: readonly ImageFormat[] = Object.freeze(['png', 'jpeg', 'jp2', 'j2k']);

const isZstdBackend = (v: unknown): v is ZstdBackend =>
  typeof v === 'object' && v !== null && typeof (v as ZstdBackend).compress === 'function' && typeof (v as ZstdBackend).decompress === 'function';
const isClock = (v: unknown): v is Clock => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function';

const OptionsSchema = z.strictObject({
  maxImageBytes: z.int().min(1).max(MAX_IMAGE_BYTES_LIMIT).default(IMAGE_DEFAULTS.directMaxBytes),
  minCompressionSavings: z.number().min(0).max(1).default(IMAGE_DEFAULTS.minCompressionSavings),
  compression: z.enum(['auto', 'zlib', 'none']).default('auto'),
  zstdLevel: z.int().min(-7).max(22).default(DEFAULT_ZSTD_LEVEL),
  zlibLevel: z.int().min(0).max(9).default(6),
  zstdBackend: z.union([z.enum(['auto', 'node-zlib', 'zstd-napi']), z.custom<ZstdBackend>(isZstdBackend, 'must be a zstd backend name or object')]).default('auto'),
  skipCompressionFormats: z.array(z.enum(IMAGE_FORMATS as [ImageFormat, ...ImageFormat[]])).default([...DEFAULT_SKIP_COMPRESSION_FORMATS]),
  maxMetadataBytes: z.int().min(2).default(DEFAULT_MAX_METADATA_BYTES),
  clock: z.custom<Clock>(isClock, 'must be a Clock').default(systemClock),
});

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Turns an image into a JSON metadata message and a binary packet (a 48-byte header followed by
 * the image, compressed when that saves enough), and reads packets back strictly.
 *
 * The packet layout is specified in docs/imagery.md. Reading checks every header field and the
 * packet length before touching the payload, caps decompressed output at the header's original
 * size (itself capped by `maxImageBytes`), and verifies the SHA-256 and the format: every failure
 * is a `FIRESTREAM_IMAGE_CORRUPT` or `FIRESTREAM_IMAGE_TOO_LARGE` error.
 */
export class BinaryImageSerializer {
  readonly #maxImageBytes: number;
  readonly #maxMetadataBytes: number;
  readonly #skip: ReadonlySet<ImageFormat>;
  readonly #clock: Clock;
  readonly #compressor: ImageCompressor;
  #serialized = 0;
  #serializedBytes = 0;
  #storedBytes = 0;
  readonly #compressed = { zstd: 0, zlib: 0 };
  #compressionNotKept = 0;
  #zstdFallbacks = 0;
  #deserialized = 0;
  #corrupt = 0;
  #tooLarge = 0;

  /** @throws {@link InvalidOptionError} naming the bad option and value. */
  constructor(options: BinaryImageSerializerOptions = {}) {
    const parsed = parseOptions(OptionsSchema, options, '');
    this.#maxImageBytes = parsed.maxImageBytes;
    this.#maxMetadataBytes = parsed.maxMetadataBytes;
    this.#skip = new Set(parsed.skipCompressionFormats);
    this.#clock = parsed.clock;
    this.#compressor = new ImageCompressor({
      mode: parsed.compression,
      minSavings: parsed.minCompressionSavings,
      zstdLevel: parsed.zstdLevel,
      zlibLevel: parsed.zlibLevel,
      zstd: parsed.zstdBackend,
    });
  }

  /** The largest original image accepted, in bytes. */
  get maxImageBytes(): number {
    return this.#maxImageBytes;
  }

  /**
   * Serializes one image. `data` must not change until the promise settles.
   *
   * @throws `FIRESTREAM_INVALID_RECORD` for data that is not a non-empty `Buffer`/`Uint8Array` or
   * invalid metadata; `FIRESTREAM_IMAGE_TOO_LARGE` for data over `maxImageBytes`.
   */
  async serializeImage(data: Uint8Array, metadata: ImageMetadataInput): Promise<SerializedImage> {
    if (!(data instanceof Uint8Array) || data.length === 0) {
      throw new FirestreamError(ErrorCodes.INVALID_RECORD, `Image data must be a non-empty Buffer or Uint8Array (got ${describeBytes(data)}).`);
    }
    if (data.length > this.#maxImageBytes) {
      this.#tooLarge += 1;
      throw imageTooLarge('Image', data.length, this.#maxImageBytes);
    }
    const { sourceId, attributes } = parseImageMetadata(metadata, this.#maxMetadataBytes);
    const now = this.#clock.now();
    const original = asBuffer(data);
    const format = detectFormat(original);
    const digest = createHash('sha256').update(original).digest();
    const sha256 = digest.toString('hex');
    const correlationId = createCorrelationId(now, original.length, sha256);
    const stored = await this.#store(original, format);
    const compression: ImageCompression = stored.codec;
    const packet = Buffer.allocUnsafe(IMAGE_HEADER_BYTES + stored.bytes.length);
    writeImageHeader(packet, { format, compression, originalSize: original.length, storedSize: stored.bytes.length, sha256: digest });
    packet.set(stored.bytes, IMAGE_HEADER_BYTES);
    this.#serialized += 1;
    this.#serializedBytes += original.length;
    this.#storedBytes += stored.bytes.length;
    const metadataMessage: ImageMetadataMessage = Object.freeze({
      correlation_id: correlationId,
      source_id: sourceId,
      format,
      compression,
      image_size_bytes: original.length,
      stored_size_bytes: stored.bytes.length,
      sha256,
      timestamp: new Date(Math.floor(now)).toISOString(),
      metadata: attributes,
    });
    return { metadataMessage, packet, correlationId };
  }

  async #store(original: Buffer, format: ImageFormat): Promise<{ codec: ImageCompression; bytes: Buffer }> {
    if (this.#skip.has(format)) return { codec: 'none', bytes: original };
    const attempt = await this.#compressor.compress(original);
    if (attempt.fellBack) this.#zstdFallbacks += 1;
    if (attempt.bytes === undefined || attempt.codec === 'none') {
      if (attempt.codec !== 'none') this.#compressionNotKept += 1;
      return { codec: 'none', bytes: original };
    }
    this.#compressed[attempt.codec] += 1;
    return { codec: attempt.codec, bytes: attempt.bytes };
  }

  /**
   * Reads a packet strictly and returns the verified image: header fields, sizes and packet length
   * first (no allocation), then decompression capped at the original size, then the SHA-256, then
   * the format from the image's magic bytes.
   *
   * @throws `FIRESTREAM_IMAGE_CORRUPT` (see `ImageCorruptReason` in `err.context.reason`),
   * `FIRESTREAM_IMAGE_TOO_LARGE` for an original size over `maxImageBytes`,
   * `FIRESTREAM_CODEC_UNAVAILABLE` for a zstd packet when zstd cannot be loaded.
   */
  async deserializeImage(packet: Uint8Array, options: DeserializeImageOptions = {}): Promise<DeserializedImage> {
    if (!(packet instanceof Uint8Array)) throw new InvalidOptionError('packet', packet, 'must be a Buffer or Uint8Array');
    try {
      const image = await this.#read(asBuffer(packet), options.correlationId);
      this.#deserialized += 1;
      return image;
    } catch (err) {
      if (err instanceof FirestreamError && err.code === ErrorCodes.IMAGE_CORRUPT) this.#corrupt += 1;
      if (err instanceof FirestreamError && err.code === ErrorCodes.IMAGE_TOO_LARGE) this.#tooLarge += 1;
      throw err;
    }
  }

  async #read(packet: Buffer, correlationId: string | undefined): Promise<DeserializedImage> {
    const header = readImageHeader(packet, this.#maxImageBytes);
    if (correlationId !== undefined) checkCorrelation(correlationId, header);
    const payload = packet.subarray(IMAGE_HEADER_BYTES);
    const data = header.compression === 'none' ? payload : await this.#compressor.decompress(header.compression, payload, header.originalSize);
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (sha256 !== header.sha256) throw imageCorrupt('checksum', `SHA-256 ${sha256} of the image differs from the header's ${header.sha256}`, { expected: header.sha256, found: sha256 });
    const found = detectFormat(data);
    if (found !== header.format) throw imageCorrupt('format-mismatch', `the image's magic bytes say ${found}, the header says ${header.format}`, { expected: header.format, found });
    return { ...header, data };
  }

  /** A snapshot of the counters. */
  getMetrics(): BinaryImageSerializerMetrics {
    return {
      serialized: this.#serialized,
      serializedBytes: this.#serializedBytes,
      storedBytes: this.#storedBytes,
      compressed: { ...this.#compressed },
      compressionNotKept: this.#compressionNotKept,
      zstdFallbacks: this.#zstdFallbacks,
      deserialized: this.#deserialized,
      corrupt: this.#corrupt,
      tooLarge: this.#tooLarge,
    };
  }
}

function checkCorrelation(correlationId: string, header: ImageHeader): void {
  const parts = parseCorrelationId(correlationId);
  if (parts === undefined) throw imageCorrupt('correlation', `malformed correlation id ${JSON.stringify(String(correlationId).slice(0, 80))}`, { correlationId });
  const hash = header.sha256.slice(0, CORRELATION_HASH_HEX_CHARS);
  if (parts.size !== header.originalSize || parts.partialHash !== hash) {
    throw imageCorrupt('correlation', `correlation id ${correlationId} does not match the packet (size ${header.originalSize}, hash ${hash})`, { correlationId });
  }
}

function describeBytes(value: unknown): string {
  if (value instanceof Uint8Array) return 'an empty byte array';
  return value === null ? 'null' : typeof value;
}
