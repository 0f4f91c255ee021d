import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { DEFAULT_ZSTD_LEVEL } from '../producer/codecs/zstd-codec.js';
import { selectZstdBackend } from '../producer/codecs/zstd-backends.js';
import type { ZstdBackend } from '../producer/codecs/zstd-backends.js';
import { s3ImageCorrupt } from './s3-image-reference.js';
import type { S3CompressionAlgorithm, S3ImageReference } from './s3-image-reference.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** Default gzip level: zlib's default, 6. */
export const DEFAULT_GZIP_LEVEL = 6;

/** The compression settings written to a reference. */
export type S3Compression = S3ImageReference['compression'];

let zstd: ZstdBackend | undefined;
const zstdBackend = (): ZstdBackend => (zstd ??= selectZstdBackend());

/** The level to use for `algorithm` when none is given. */
export function defaultLevel(algorithm: Exclude<S3CompressionAlgorithm, 'none'>): number {
  return algorithm === 'zstd' ? DEFAULT_ZSTD_LEVEL : DEFAULT_GZIP_LEVEL;
}

/** Compresses `data` with zstd (the producer's backends) or gzip at `level`. */
export function compressImage(data: Buffer, algorithm: Exclude<S3CompressionAlgorithm, 'none'>, level: number): Promise<Buffer> {
  return algorithm === 'zstd' ? zstdBackend().compress(data, level) : gzip(data, { level });
}

/**
 * Decompresses a downloaded object to exactly `imageSize` bytes: output past that size stops at
 * once (no decompression bomb), and corrupt data or another size is `IMAGE_CORRUPT`
 * (`reason: 'compression'` or `'size'`).
 */
export async function decompressImage(stored: Buffer, compression: S3Compression, imageSize: number, key: string): Promise<Buffer> {
  if (compression.algorithm === 'none') return stored;
  let image: Buffer;
  try {
    image = compression.algorithm === 'zstd'
      ? await zstdBackend().decompress(stored, imageSize)
      : await gunzip(stored, { maxOutputLength: Math.max(1, imageSize) });
  } catch (err) {
    const tooLong = (err as { code?: unknown; context?: { reason?: unknown } }).code === 'ERR_BUFFER_TOO_LARGE' || (err as { context?: { reason?: unknown } }).context?.reason === 'limit';
    if (tooLong) throw s3ImageCorrupt('size', `"${key}" decompresses to more than the ${imageSize} bytes of the reference.`, { key, expected: imageSize }, err);
    throw s3ImageCorrupt('compression', `"${key}" is not valid ${compression.algorithm} data.`, { key, algorithm: compression.algorithm }, err);
  }
  if (image.length !== imageSize) throw s3ImageCorrupt('size', `"${key}" decompresses to ${image.length} bytes, not the ${imageSize} of the reference.`, { key, expected: imageSize, actual: image.length });
  return image;
}
