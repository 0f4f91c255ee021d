import { validateObjectKey } from './object-key.js';
import type { S3CompressionAlgorithm } from './s3-image-reference.js';

/** File extension and MIME type per image format (as `detectFormat` names them). */
const FORMATS: Readonly<Record<string, readonly [string, string]>> = {
  tiff: ['.tif', 'image/tiff'],
  bigtiff: ['.tif', 'image/tiff'],
  jp2: ['.jp2', 'image/jp2'],
  j2k: ['.j2k', 'image/x-jp2-codestream'],
  png: ['.png', 'image/png'],
  hdf5: ['.h5', 'application/x-hdf5'],
  jpeg: ['.jpg', 'image/jpeg'],
  netcdf: ['.nc', 'application/x-netcdf'],
};

const COMPRESSED: Readonly<Record<Exclude<S3CompressionAlgorithm, 'none'>, readonly [string, string]>> = {
  zstd: ['.zst', 'application/zstd'],
  gzip: ['.gz', 'application/gzip'],
};

/** MIME type of a stored image: the format's, or that of its compression. */
export function contentTypeFor(format: string, compression: S3CompressionAlgorithm): string {
  if (compression !== 'none') return COMPRESSED[compression][1];
  return FORMATS[format]?.[1] ?? 'application/octet-stream';
}

/** One key segment from free text: characters other than `A-Z a-z 0-9 . _ -` become `_`, at most 128. */
export function keySegment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  return safe === '' || /^\.+$/.test(safe) ? '_' : safe;
}

/** Hex digits of the image's SHA-256 in its key (64 bits). */
export const KEY_HASH_HEX_DIGITS = 16;

/**
 * The key of an uploaded image: `<prefix><source>/<yyyy>/<mm>/<dd>/<correlationId>_<sha><ext>`,
 * where `<sha>` is the first {@link KEY_HASH_HEX_DIGITS} hex digits of the image's SHA-256, with
 * `.zst`/`.gz` after the format's extension when compressed. Source and correlation id are made
 * safe ({@link keySegment}), so the key always stays inside the prefix; since that mapping is
 * lossy (`landsat 8` and `landsat_8` give the same segment), the hash keeps different images
 * under different keys, while the same image uploaded again lands on the same key.
 */
export function imageObjectKey(prefix: string, sourceId: string, uploadedAt: number, correlationId: string, format: string, compression: S3CompressionAlgorithm, sha256: string): string {
  const day = new Date(uploadedAt).toISOString().slice(0, 10).replaceAll('-', '/');
  const ext = `${FORMATS[format]?.[0] ?? '.bin'}${compression === 'none' ? '' : COMPRESSED[compression][0]}`;
  return validateObjectKey(`${prefix}${keySegment(sourceId)}/${day}/${keySegment(correlationId)}_${sha256.slice(0, KEY_HASH_HEX_DIGITS)}${ext}`);
}
