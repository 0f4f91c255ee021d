/**
 * The 48-byte header of a direct image packet (version 1), written and read strictly. The layout
 * is specified in docs/imagery.md; every multi-byte integer is big-endian.
 *
 * ```
 * offset size field
 *      0    4 magic "FSIM" (46 53 49 4D)
 *      4    1 version = 1
 *      5    1 format code (index in IMAGE_FORMATS)
 *      6    1 flags: bits 0-1 compression (0 none, 1 zstd, 2 zlib); bits 2-7 zero
 *      7    1 reserved, zero
 *      8    4 original size (uint32)
 *     12    4 stored size (uint32): payload bytes after the header
 *     16   32 SHA-256 of the original image
 * ```
 *
 * @module
 */
import type { ImageCorruptReason } from './image-errors.js';
import { imageCorrupt, imageTooLarge } from './image-errors.js';
import type { ImageFormat } from './image-format.js';
import { imageFormatCode, imageFormatOfCode } from './image-format.js';

/** Size of the packet header in bytes. */
export const IMAGE_HEADER_BYTES = 48;

/** The four ASCII bytes every packet starts with (FireStream IMage). */
export const IMAGE_PACKET_MAGIC = 'FSIM';

const MAGIC_BYTES = Buffer.from(IMAGE_PACKET_MAGIC, 'ascii');

/** The packet version this module writes and the only one it reads. */
export const IMAGE_PACKET_VERSION = 1;

/** Largest size a header can hold (the sizes are uint32): 4 GiB − 1 bytes. */
export const MAX_IMAGE_PACKET_SIZE = 0xffff_ffff;

/** How the payload of a packet is stored. */
export type ImageCompression = 'none' | 'zstd' | 'zlib';

/** Every {@link ImageCompression}, indexed by its code in the header's flag bits 0–1. */
export const IMAGE_COMPRESSIONS: readonly ImageCompression[] = Object.freeze(['none', 'zstd', 'zlib']);

const COMPRESSION_MASK = 0b11;
const SHA256_OFFSET = 16;
const SHA256_BYTES = 32;

/** The fields of a packet header. */
export interface ImageHeader {
  /** Packet version (always {@link IMAGE_PACKET_VERSION} for a header that was read). */
  readonly version: number;
  /** Format of the original image, from its magic bytes. */
  readonly format: ImageFormat;
  /** How the payload is stored. */
  readonly compression: ImageCompression;
  /** Size of the original image in bytes. */
  readonly originalSize: number;
  /** Size of the payload after the header in bytes (equal to `originalSize` when uncompressed). */
  readonly storedSize: number;
  /** SHA-256 of the original image, lowercase hex (64 characters). */
  readonly sha256: string;
}

/** What {@link writeImageHeader} writes. */
export interface ImageHeaderFields {
  /** Format of the original image. */
  readonly format: ImageFormat;
  /** How the payload is stored. */
  readonly compression: ImageCompression;
  /** Size of the original image in bytes. */
  readonly originalSize: number;
  /** Size of the payload in bytes. */
  readonly storedSize: number;
  /** The 32-byte SHA-256 digest of the original image. */
  readonly sha256: Uint8Array;
}

/** Writes a version-1 header into the first {@link IMAGE_HEADER_BYTES} bytes of `target`. */
export function writeImageHeader(target: Buffer, fields: ImageHeaderFields): void {
  MAGIC_BYTES.copy(target, 0);
  target[4] = IMAGE_PACKET_VERSION;
  target[5] = imageFormatCode(fields.format);
  target[6] = IMAGE_COMPRESSIONS.indexOf(fields.compression);
  target[7] = 0;
  target.writeUInt32BE(fields.originalSize, 8);
  target.writeUInt32BE(fields.storedSize, 12);
  target.set(fields.sha256.subarray(0, SHA256_BYTES), SHA256_OFFSET);
}

function fail(reason: ImageCorruptReason, message: string, context: Record<string, unknown> = {}): never {
  throw imageCorrupt(reason, message, context);
}

function checkSizes(compression: ImageCompression, originalSize: number, storedSize: number): void {
  const sizes = { originalSize, storedSize, compression };
  if (originalSize === 0) fail('size', 'the original size is 0', sizes);
  if (compression === 'none' && storedSize !== originalSize) {
    fail('size', `stored size ${storedSize} differs from original size ${originalSize} in an uncompressed packet`, sizes);
  }
  if (compression !== 'none' && (storedSize === 0 || storedSize >= originalSize)) {
    fail('size', `stored size ${storedSize} of a ${compression} packet is not between 1 and the original size ${originalSize} − 1`, sizes);
  }
}

/**
 * Reads and checks the header of `packet` without touching the payload or allocating by its sizes: magic,
 * version, format code, flags, reserved byte, the sizes against each other, the packet length
 * (exactly header + stored size), then the original size against `maxImageBytes` (the stored
 * size is never larger).
 *
 * @throws `FIRESTREAM_IMAGE_CORRUPT` (with `context.reason`, see {@link ImageCorruptReason}) or
 * `FIRESTREAM_IMAGE_TOO_LARGE` when a size is over `maxImageBytes`.
 */
export function readImageHeader(packet: Uint8Array, maxImageBytes: number): ImageHeader {
  if (packet.length < IMAGE_HEADER_BYTES) fail('truncated', `${packet.length} bytes is shorter than the ${IMAGE_HEADER_BYTES}-byte header`, { length: packet.length });
  const view = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (MAGIC_BYTES.compare(view, 0, 4) !== 0) fail('magic', `bad magic 0x${view.toString('hex', 0, 4)} (expected "FSIM")`, { magic: view.toString('hex', 0, 4) });
  const version = view[4] as number;
  if (version !== IMAGE_PACKET_VERSION) fail('version', `unsupported version ${version} (this reader knows version ${IMAGE_PACKET_VERSION})`, { version });
  const formatCode = view[5] as number;
  const format = imageFormatOfCode(formatCode);
  if (format === undefined) fail('format', `unknown format code ${formatCode}`, { formatCode });
  const flags = view[6] as number;
  const compression = IMAGE_COMPRESSIONS[flags & COMPRESSION_MASK];
  if (compression === undefined || (flags & ~COMPRESSION_MASK) !== 0) fail('flags', `invalid flags 0b${flags.toString(2).padStart(8, '0')}`, { flags });
  if (view[7] !== 0) fail('reserved', `reserved byte 7 is ${view[7]}, not 0`, { reserved: view[7] });
  const originalSize = view.readUInt32BE(8);
  const storedSize = view.readUInt32BE(12);
  checkSizes(compression, originalSize, storedSize);
  if (packet.length !== IMAGE_HEADER_BYTES + storedSize) {
    const problem = packet.length < IMAGE_HEADER_BYTES + storedSize ? 'truncated payload' : 'trailing bytes';
    fail('length', `${problem}: the packet is ${packet.length} bytes, the header says ${IMAGE_HEADER_BYTES} + ${storedSize}`, { length: packet.length, storedSize });
  }
  if (originalSize > maxImageBytes) throw imageTooLarge('Image', originalSize, maxImageBytes);
  return { version, format, compression, originalSize, storedSize, sha256: view.toString('hex', SHA256_OFFSET, SHA256_OFFSET + SHA256_BYTES) };
}
