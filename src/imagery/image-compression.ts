import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { FirestreamError } from '../errors.js';
import { ErrorCodes, isFirestreamError } from '../errors.js';
import type { ZstdBackend, ZstdBackendName } from '../producer/codecs/zstd-backends.js';
import { selectZstdBackend } from '../producer/codecs/zstd-backends.js';
import { imageCorrupt } from './image-errors.js';
import type { ImageCompression } from './image-header.js';

const deflate = promisify(zlib.deflate);

/**
 * Which compression the serializer tries: `auto` tries zstd and falls back to zlib when zstd is
 * not available in this runtime; `zlib` only zlib (for consumers without zstd); `none` never
 * compresses.
 */
export type ImageCompressionMode = 'auto' | 'zlib' | 'none';

/** Settings of an {@link ImageCompressor}. */
export interface ImageCompressorSettings {
  /** Which compression to try. */
  readonly mode: ImageCompressionMode;
  /** Keep the compressed payload only when it saves more than this share (0..1) of the original. */
  readonly minSavings: number;
  /** zstd level. */
  readonly zstdLevel: number;
  /** zlib (deflate) level. */
  readonly zlibLevel: number;
  /** The zstd implementation, or the name of one to select on first use. */
  readonly zstd: ZstdBackend | ZstdBackendName;
}

/** What one compression attempt gave. */
export interface CompressionAttempt {
  /** The codec that ran (`none` when none was tried). */
  readonly codec: ImageCompression;
  /** The compressed bytes when they save enough; `undefined` when the original is to be stored. */
  readonly bytes: Buffer | undefined;
  /** True when zstd failed or was unavailable and zlib ran instead. */
  readonly fellBack: boolean;
}

const NOT_TRIED: CompressionAttempt = Object.freeze({ codec: 'none', bytes: undefined, fellBack: false });

/** Magic number of a zstd frame (little-endian on the wire). */
const ZSTD_MAGIC = 0xfd2fb528;
/** Bytes of the Dictionary_ID field by its 2-bit flag, and of Frame_Content_Size by its flag (RFC 8878 §3.1.1.1). */
const ZSTD_DICT_ID_BYTES = [0, 1, 2, 4] as const;
const ZSTD_FCS_BYTES = [0, 2, 4, 8] as const;

/**
 * Length of the zstd frame at the start of `data` (RFC 8878 §3.1.1), walking its block headers:
 * the payload must be exactly one zstd frame, as the compressor writes it, so trailing bytes, more
 * frames or skippable frames are refused as for zlib.
 */
function zstdFrameLength(data: Buffer): number {
  const fail = (detail: string): FirestreamError => imageCorrupt('compression', `the zstd payload ${detail}`, { codec: 'zstd' });
  if (data.length < 5 || data.readUInt32LE(0) !== ZSTD_MAGIC) throw fail('does not start with a zstd frame');
  const descriptor = data.readUInt8(4);
  const singleSegment = (descriptor & 0x20) !== 0;
  const fcsFlag = descriptor >>> 6;
  const fcsBytes = fcsFlag === 0 && singleSegment ? 1 : (ZSTD_FCS_BYTES[fcsFlag] ?? 0);
  let pos = 5 + (singleSegment ? 0 : 1) + (ZSTD_DICT_ID_BYTES[descriptor & 0x03] ?? 0) + fcsBytes;
  for (;;) {
    if (pos + 3 > data.length) throw fail('ends inside its frame');
    const header = data.readUIntLE(pos, 3);
    const type = (header >>> 1) & 0x03;
    // Raw and compressed blocks hold Block_Size bytes, an RLE block one byte (type 3 is reserved).
    if (type === 3) throw fail('has a block of the reserved type 3');
    pos += 3 + (type === 1 ? 1 : header >>> 3);
    if ((header & 0x01) !== 0) break;
  }
  pos += (descriptor & 0x04) !== 0 ? 4 : 0;
  if (pos > data.length) throw fail('ends inside its frame');
  return pos;
}

/** The error for a zstd payload the producer's backend refused, in terms of the image (not of a Kafka batch). */
function zstdFailure(err: FirestreamError, originalSize: number): FirestreamError {
  const reason = err.context['reason'];
  const detail =
    reason === 'limit'
      ? `decompresses past the original size in the header (${originalSize} bytes, itself at most maxImageBytes)`
      : reason === 'window'
        ? `needs a zstd window larger than an image of ${originalSize} bytes may use (2^${String(err.context['windowLogMax'])} bytes)`
        : `does not decompress to ${originalSize} bytes: ${err.message}`;
  return imageCorrupt('compression', `the zstd payload ${detail}`, { codec: 'zstd', originalSize }, err);
}

/** Decompresses zlib data with output capped at `originalSize`; trailing input is refused. */
function inflateExact(stored: Buffer, originalSize: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.inflate(stored, { info: true, maxOutputLength: originalSize }, (err, result) => {
      if (err) return reject(err);
      const { buffer, engine } = result as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      if (engine.bytesWritten !== stored.length) {
        reject(imageCorrupt('compression', `${stored.length - engine.bytesWritten} bytes follow the end of the zlib stream`, { codec: 'zlib' }));
      } else resolve(buffer);
    });
  });
}

/**
 * Compresses and decompresses image payloads with the producer's zstd backends and `node:zlib`.
 * zstd unavailability is remembered: after one `FIRESTREAM_CODEC_UNAVAILABLE`, zlib is used
 * directly.
 */
export class ImageCompressor {
  readonly #settings: ImageCompressorSettings;
  #zstd: ZstdBackend | undefined;
  #zstdUnavailable = false;

  constructor(settings: ImageCompressorSettings) {
    this.#settings = settings;
    if (typeof settings.zstd !== 'string') this.#zstd = settings.zstd;
  }

  #zstdBackend(): ZstdBackend {
    this.#zstd ??= selectZstdBackend(this.#settings.zstd as ZstdBackendName);
    return this.#zstd;
  }

  async #zstdCompress(data: Buffer): Promise<Buffer | undefined> {
    if (this.#zstdUnavailable) return undefined;
    try {
      return await this.#zstdBackend().compress(data, this.#settings.zstdLevel);
    } catch (err) {
      if (isFirestreamError(err, ErrorCodes.CODEC_UNAVAILABLE)) this.#zstdUnavailable = true;
      return undefined;
    }
  }

  /**
   * Tries the configured compression on `data`. The result carries the compressed bytes only
   * when they save more than `minSavings` of the original size (and so are always shorter).
   */
  async compress(data: Buffer): Promise<CompressionAttempt> {
    const { mode, minSavings, zlibLevel } = this.#settings;
    if (mode === 'none') return NOT_TRIED;
    let codec: ImageCompression = 'zstd';
    let fellBack = false;
    let bytes = mode === 'auto' ? await this.#zstdCompress(data) : undefined;
    if (bytes === undefined) {
      fellBack = mode === 'auto';
      codec = 'zlib';
      bytes = await deflate(data, { level: zlibLevel });
    }
    const saved = data.length - bytes.length;
    return { codec, bytes: bytes.length > 0 && saved > minSavings * data.length ? bytes : undefined, fellBack };
  }

  /**
   * Decompresses a payload to exactly `originalSize` bytes. The output is capped at `originalSize`
   * while it is produced, so no allocation goes past it (plus zstd's window, bounded by the
   * producer's zstd backend).
   *
   * @throws `FIRESTREAM_IMAGE_CORRUPT` (`reason: 'compression'`) for data that is corrupt, expands
   * past `originalSize`, stops short of it, or is not exactly one stream (trailing bytes, a second
   * zlib stream, more zstd frames or a skippable frame); `FIRESTREAM_CODEC_UNAVAILABLE` when zstd
   * cannot be loaded in this runtime.
   */
  async decompress(codec: Exclude<ImageCompression, 'none'>, stored: Buffer, originalSize: number): Promise<Buffer> {
    let out: Buffer;
    try {
      out = codec === 'zstd' ? await this.#zstdBackend().decompress(stored, originalSize) : await inflateExact(stored, originalSize);
    } catch (err) {
      if (isFirestreamError(err, ErrorCodes.CODEC_UNAVAILABLE) || isFirestreamError(err, ErrorCodes.IMAGE_CORRUPT)) throw err;
      if (isFirestreamError(err, ErrorCodes.CODEC_FAILED) && codec === 'zstd') throw zstdFailure(err, originalSize);
      const detail = err instanceof Error ? err.message : String(err);
      throw imageCorrupt('compression', `the ${codec} payload does not decompress to ${originalSize} bytes: ${detail}`, { codec, originalSize }, err);
    }
    if (out.length !== originalSize) {
      throw imageCorrupt('compression', `the ${codec} payload decompresses to ${out.length} bytes, the header says ${originalSize}`, { codec, originalSize, found: out.length });
    }
    if (codec === 'zstd') {
      const frame = zstdFrameLength(stored);
      if (frame !== stored.length) throw imageCorrupt('compression', `${stored.length - frame} bytes follow the end of the zstd frame`, { codec: 'zstd' });
    }
    return out;
  }
}
