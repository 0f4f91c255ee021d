/**
 * Image format detection by magic bytes, and the test that tells an image record from a JSON one.
 *
 * @module
 */

/**
 * An image format firestream recognises by its first bytes. `unknown` is any other data.
 *
 * - `tiff`: classic TIFF (and GeoTIFF), little-endian `II*\0` or big-endian `MM\0*`
 * - `bigtiff`: BigTIFF, `II+\0` or `MM\0+`
 * - `jp2`: a JPEG 2000 file in the JP2 box format (signature box `0000000C 6A502020 0D0A870A`)
 * - `j2k`: a raw JPEG 2000 codestream (`FF4F FF51`: SOC then SIZ marker)
 * - `png`: PNG (`89 50 4E 47 0D 0A 1A 0A`)
 * - `hdf5`: HDF5, and so NetCDF-4 (`89 48 44 46 0D 0A 1A 0A` at byte 0, 512, 1024, 2048, …)
 * - `jpeg`: JPEG / JFIF / EXIF (`FF D8 FF`)
 * - `netcdf`: NetCDF classic, 64-bit offset or 64-bit data (`CDF\x01`, `CDF\x02`, `CDF\x05`)
 */
export type ImageFormat = 'unknown' | 'tiff' | 'bigtiff' | 'jp2' | 'j2k' | 'png' | 'hdf5' | 'jpeg' | 'netcdf';

/**
 * Every {@link ImageFormat}, indexed by its format code in the packet header (version 1): the
 * position in this list is the code, so the order is part of the wire format and never changes.
 */
export const IMAGE_FORMATS: readonly ImageFormat[] = Object.freeze(['unknown', 'tiff', 'bigtiff', 'jp2', 'j2k', 'png', 'hdf5', 'jpeg', 'netcdf']);

/** The header's format code of `format`. */
export function imageFormatCode(format: ImageFormat): number {
  return IMAGE_FORMATS.indexOf(format);
}

/** The format of a header format code, or `undefined` for a code packet version 1 does not define. */
export function imageFormatOfCode(code: number): ImageFormat | undefined {
  return IMAGE_FORMATS[code];
}

const sig = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

/** Signatures checked at byte 0, in order; the first match wins (no two overlap). */
const SIGNATURES: readonly (readonly [ImageFormat, Uint8Array])[] = [
  ['tiff', sig(0x49, 0x49, 0x2a, 0x00)],
  ['tiff', sig(0x4d, 0x4d, 0x00, 0x2a)],
  ['bigtiff', sig(0x49, 0x49, 0x2b, 0x00)],
  ['bigtiff', sig(0x4d, 0x4d, 0x00, 0x2b)],
  ['jp2', sig(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a)],
  ['j2k', sig(0xff, 0x4f, 0xff, 0x51)],
  ['png', sig(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)],
  ['jpeg', sig(0xff, 0xd8, 0xff)],
  ['netcdf', sig(0x43, 0x44, 0x46, 0x01)],
  ['netcdf', sig(0x43, 0x44, 0x46, 0x02)],
  ['netcdf', sig(0x43, 0x44, 0x46, 0x05)],
];

const HDF5_SIGNATURE = sig(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * Furthest offset at which the HDF5 superblock is looked for (1 MiB). HDF5 allows a user block of
 * any power of two from 512 bytes before it; larger user blocks are not seen as HDF5.
 */
export const HDF5_MAX_SIGNATURE_OFFSET = 1 << 20;

function startsWithAt(bytes: Uint8Array, signature: Uint8Array, offset: number): boolean {
  if (offset + signature.length > bytes.length) return false;
  for (let i = 0; i < signature.length; i += 1) {
    if (bytes[offset + i] !== signature[i]) return false;
  }
  return true;
}

function isHdf5(bytes: Uint8Array): boolean {
  if (startsWithAt(bytes, HDF5_SIGNATURE, 0)) return true;
  for (let offset = 512; offset <= HDF5_MAX_SIGNATURE_OFFSET; offset *= 2) {
    if (startsWithAt(bytes, HDF5_SIGNATURE, offset)) return true;
  }
  return false;
}

/**
 * The format of `bytes` from its magic bytes, or `unknown`. Reads at most the first 12 bytes, and
 * for HDF5 the 8 bytes at each power of two from 512 to {@link HDF5_MAX_SIGNATURE_OFFSET}.
 */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  for (const [format, signature] of SIGNATURES) {
    if (startsWithAt(bytes, signature, 0)) return format;
  }
  return isHdf5(bytes) ? 'hdf5' : 'unknown';
}

/** Fields of a record object that may carry image bytes, in the order they are read. */
export const IMAGE_DATA_FIELDS: readonly string[] = Object.freeze(['image_data', 'imageData']);

/**
 * The image bytes of a record: the record itself when it is a `Buffer`/`Uint8Array` in a known
 * format, or the `Buffer`/`Uint8Array` in its first {@link IMAGE_DATA_FIELDS} field that holds
 * bytes in a known format. `undefined` for anything else (bytes of an unknown format included).
 */
export function imageBytesOf(record: unknown): Uint8Array | undefined {
  if (record instanceof Uint8Array) return detectFormat(record) === 'unknown' ? undefined : record;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  for (const field of IMAGE_DATA_FIELDS) {
    if (!Object.hasOwn(record, field)) continue;
    const value = (record as Record<string, unknown>)[field];
    if (value instanceof Uint8Array && detectFormat(value) !== 'unknown') return value;
  }
  return undefined;
}

/**
 * True when `record` is image data: a `Buffer`/`Uint8Array` whose magic bytes name a known
 * {@link ImageFormat}, or an object whose `image_data` (or `imageData`) own field holds such bytes.
 */
export function isImageData(record: unknown): boolean {
  return imageBytesOf(record) !== undefined;
}
