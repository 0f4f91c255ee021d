/**
 * The wire format of one image chunk message: a binary header followed by the chunk's bytes.
 *
 * All integers are big-endian. Offsets in bytes:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | magic `FSCK` |
 * | 4 | 1 | format version (1) |
 * | 5 | 1 | flags: bit 0 = the image is a `BinaryImageSerializer` message; other bits 0 |
 * | 6 | 1 | image format code (0 = not given) |
 * | 7 | 1 | image id length L (1..255) |
 * | 8 | 4 | sequence (0-based) |
 * | 12 | 4 | total chunks |
 * | 16 | 4 | chunk size: the length of every chunk but the last |
 * | 20 | 4 | data length of this chunk |
 * | 24 | 8 | image size (uint64) |
 * | 32 | 32 | SHA-256 of this chunk's data |
 * | 64 | 32 | SHA-256 of the whole image |
 * | 96 | L | image id (ASCII, {@link IMAGE_ID_PATTERN}) |
 * | 96 + L | 4 | header check: the first 4 bytes of SHA-256 of bytes 0 .. 96 + L |
 * | 100 + L | n | the chunk's data |
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, FirestreamError } from '../errors.js';
import { IMAGE_ID_PATTERN } from './image-id.js';

/** The 4 bytes every chunk message starts with: ASCII `FSCK`. */
export const CHUNK_MAGIC = Buffer.from('FSCK', 'latin1');

/** Version of the chunk wire format written and read by this library. */
export const CHUNK_FORMAT_VERSION = 1;

/** Header bytes that do not depend on the image id (fixed fields and the 4-byte header check). */
export const CHUNK_FIXED_HEADER_BYTES = 100;

/** Flag bit: the chunked bytes are a `BinaryImageSerializer` message, not a bare image. */
export const CHUNK_FLAG_SERIALIZED = 0x01;

/** Most chunks one image may have (the field is an unsigned 32-bit integer). */
export const MAX_CHUNK_COUNT = 0xffff_ffff;

const ID_OFFSET = 96;
const KNOWN_FLAGS = CHUNK_FLAG_SERIALIZED;
const TWO_32 = 2 ** 32;
// Highest value of the upper 32 bits of a uint64 that keeps the whole value a safe integer.
const MAX_SAFE_HIGH = Math.floor(Number.MAX_SAFE_INTEGER / TWO_32);

/** What the header of one chunk says. */
export interface ImageChunkHeader {
  /** Id of the image the chunk belongs to. */
  readonly imageId: string;
  /** Position of the chunk, from 0 to `total − 1`. */
  readonly sequence: number;
  /** Number of chunks of the image (at least 1; an empty image has one empty chunk). */
  readonly total: number;
  /** Length of every chunk but the last, in bytes. */
  readonly chunkSize: number;
  /** Size of the whole image, in bytes. */
  readonly imageSize: number;
  /** Image format code (0 when not given). */
  readonly formatCode: number;
  /** Whether the image bytes are a `BinaryImageSerializer` message. */
  readonly serialized: boolean;
  /** SHA-256 of this chunk's data (32 bytes). */
  readonly chunkSha256: Buffer;
  /** SHA-256 of the whole image (32 bytes). */
  readonly imageSha256: Buffer;
}

/** A chunk message after strict parsing; `data` and the hashes are views into the message. */
export interface ParsedImageChunk extends ImageChunkHeader {
  /** Length of the header, in bytes (`100 + imageId.length`). */
  readonly headerBytes: number;
  /** The chunk's data (not yet checked against `chunkSha256`). */
  readonly data: Buffer;
}

/** Limits of {@link parseImageChunk}. */
export interface ParseImageChunkOptions {
  /** Largest image size a header may announce; larger ones throw `FIRESTREAM_IMAGE_TOO_LARGE`. */
  readonly maxImageBytes: number;
}

/** Header length of a chunk of the image with id `imageId` (ASCII, so one byte per character). */
export function chunkHeaderBytes(imageId: string): number {
  return CHUNK_FIXED_HEADER_BYTES + imageId.length;
}

/** Number of chunks an image of `imageSize` bytes has with chunks of `chunkSize` bytes (1 for an empty image). */
export function chunkCount(imageSize: number, chunkSize: number): number {
  if (imageSize === 0) return 1;
  const whole = Math.floor(imageSize / chunkSize);
  return whole * chunkSize < imageSize ? whole + 1 : whole;
}

/** Data length of chunk `sequence` of `total` chunks. */
function expectedDataLength(header: Pick<ImageChunkHeader, 'sequence' | 'total' | 'chunkSize' | 'imageSize'>): number {
  return header.sequence < header.total - 1 ? header.chunkSize : header.imageSize - (header.total - 1) * header.chunkSize;
}

function headerCheck(headerWithoutCheck: Buffer): number {
  return createHash('sha256').update(headerWithoutCheck).digest().readUInt32BE(0);
}

/**
 * Writes one chunk message: header then `data`, in one allocation. The caller guarantees that the
 * header fields are consistent (as `ImageChunkManager` does); nothing is checked here.
 */
export function encodeImageChunk(header: ImageChunkHeader, data: Uint8Array): Buffer {
  const idLength = header.imageId.length;
  const headerBytes = CHUNK_FIXED_HEADER_BYTES + idLength;
  const out = Buffer.allocUnsafe(headerBytes + data.length);
  CHUNK_MAGIC.copy(out, 0);
  out.writeUInt8(CHUNK_FORMAT_VERSION, 4);
  out.writeUInt8(header.serialized ? CHUNK_FLAG_SERIALIZED : 0, 5);
  out.writeUInt8(header.formatCode, 6);
  out.writeUInt8(idLength, 7);
  out.writeUInt32BE(header.sequence, 8);
  out.writeUInt32BE(header.total, 12);
  out.writeUInt32BE(header.chunkSize, 16);
  out.writeUInt32BE(data.length, 20);
  out.writeUInt32BE(Math.floor(header.imageSize / TWO_32), 24);
  out.writeUInt32BE(header.imageSize % TWO_32, 28);
  header.chunkSha256.copy(out, 32, 0, 32);
  header.imageSha256.copy(out, 64, 0, 32);
  out.write(header.imageId, ID_OFFSET, 'latin1');
  out.writeUInt32BE(headerCheck(out.subarray(0, ID_OFFSET + idLength)), ID_OFFSET + idLength);
  out.set(data, headerBytes);
  return out;
}

function corrupt(message: string, context: Record<string, unknown> = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.IMAGE_CORRUPT, `Image chunk is corrupt: ${message}.`, { context });
}

/** `bytes` as a Buffer over the same memory (no copy). */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the magic, version, flags and id length, and checks the header check; returns the id length. */
function readPrelude(buf: Buffer): number {
  if (buf.length < CHUNK_FIXED_HEADER_BYTES + 1) throw corrupt(`${buf.length} bytes is shorter than the smallest chunk header (${CHUNK_FIXED_HEADER_BYTES + 1} bytes)`, { length: buf.length });
  if (!CHUNK_MAGIC.equals(buf.subarray(0, 4))) throw corrupt(`magic is 0x${buf.toString('hex', 0, 4)}, not "FSCK" (0x${CHUNK_MAGIC.toString('hex')})`);
  const version = buf.readUInt8(4);
  if (version !== CHUNK_FORMAT_VERSION) throw corrupt(`format version ${version} is not supported (expected ${CHUNK_FORMAT_VERSION})`, { version });
  const flags = buf.readUInt8(5);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw corrupt(`unknown flag bits 0x${flags.toString(16)}`, { flags });
  const idLength = buf.readUInt8(7);
  if (idLength === 0) throw corrupt('image id length is 0');
  if (buf.length < CHUNK_FIXED_HEADER_BYTES + idLength) {
    throw corrupt(`${buf.length} bytes is shorter than the header with a ${idLength}-byte image id (${CHUNK_FIXED_HEADER_BYTES + idLength} bytes)`, { length: buf.length, idLength });
  }
  const expected = headerCheck(buf.subarray(0, ID_OFFSET + idLength));
  const found = buf.readUInt32BE(ID_OFFSET + idLength);
  if (expected !== found) throw corrupt(`header check 0x${found.toString(16)} does not match the header (0x${expected.toString(16)})`);
  return idLength;
}

/**
 * Parses one chunk message strictly, without copying or allocating more than the id string.
 * Every length is checked before it is used: the header must be whole and unchanged (its check),
 * the image id well-formed, `sequence < total`, `total` equal to the chunk count of `imageSize`
 * and `chunkSize`, and the data length equal both to what that chunk must hold and to the bytes
 * that follow the header. The data's SHA-256 is not checked here (see {@link verifyChunkData}).
 *
 * @throws {@link FirestreamError} `FIRESTREAM_IMAGE_CORRUPT` for any malformed or inconsistent
 *   header, `FIRESTREAM_IMAGE_TOO_LARGE` when it announces an image over `maxImageBytes`.
 */
export function parseImageChunk(message: Uint8Array, options: ParseImageChunkOptions): ParsedImageChunk {
  if (!(message instanceof Uint8Array)) throw corrupt(`a chunk message must be a Buffer or Uint8Array, not ${typeof message}`);
  const buf = bufferView(message);
  const idLength = readPrelude(buf);
  const imageId = buf.toString('latin1', ID_OFFSET, ID_OFFSET + idLength);
  if (!IMAGE_ID_PATTERN.test(imageId)) throw corrupt('image id has characters outside A-Z a-z 0-9 . _ -');
  const sequence = buf.readUInt32BE(8);
  const total = buf.readUInt32BE(12);
  const chunkSize = buf.readUInt32BE(16);
  const dataLength = buf.readUInt32BE(20);
  const high = buf.readUInt32BE(24);
  const context = { imageId, sequence, total, chunkSize, dataLength };
  if (high > MAX_SAFE_HIGH) throw tooLarge(imageId, `more than ${Number.MAX_SAFE_INTEGER} bytes`, options.maxImageBytes);
  const imageSize = high * TWO_32 + buf.readUInt32BE(28);
  if (imageSize > options.maxImageBytes) throw tooLarge(imageId, `${imageSize} bytes`, options.maxImageBytes);
  if (total === 0) throw corrupt(`image ${imageId}: total chunks is 0`, context);
  if (sequence >= total) throw corrupt(`image ${imageId}: sequence ${sequence} is not below the total ${total}`, context);
  if (chunkSize === 0) throw corrupt(`image ${imageId}: chunk size is 0`, context);
  const count = chunkCount(imageSize, chunkSize);
  if (count !== total) throw corrupt(`image ${imageId}: ${imageSize} bytes in chunks of ${chunkSize} make ${count} chunks, not ${total}`, { ...context, imageSize });
  const expectedLength = expectedDataLength({ sequence, total, chunkSize, imageSize });
  if (dataLength !== expectedLength) {
    throw corrupt(`image ${imageId}: chunk ${sequence} announces ${dataLength} data bytes, not ${expectedLength}`, { ...context, imageSize });
  }
  const headerBytes = CHUNK_FIXED_HEADER_BYTES + idLength;
  if (buf.length - headerBytes !== dataLength) {
    throw corrupt(`image ${imageId}: chunk ${sequence} has ${buf.length - headerBytes} data bytes after its header, not ${dataLength}`, { ...context, imageSize });
  }
  return {
    imageId,
    sequence,
    total,
    chunkSize,
    imageSize,
    formatCode: buf.readUInt8(6),
    serialized: (buf.readUInt8(5) & CHUNK_FLAG_SERIALIZED) !== 0,
    chunkSha256: buf.subarray(32, 64),
    imageSha256: buf.subarray(64, 96),
    headerBytes,
    data: buf.subarray(headerBytes),
  };
}

function tooLarge(imageId: string, size: string, maxImageBytes: number): FirestreamError {
  return new FirestreamError(ErrorCodes.IMAGE_TOO_LARGE, `Image ${imageId} announces ${size}, over the limit of ${maxImageBytes} bytes (maxImageBytes).`, {
    context: { imageId, maxImageBytes },
  });
}

/**
 * Checks a parsed chunk's data against its SHA-256.
 *
 * @throws {@link FirestreamError} `FIRESTREAM_IMAGE_CORRUPT` naming the image and sequence on a mismatch.
 */
export function verifyChunkData(chunk: ParsedImageChunk): void {
  const actual = createHash('sha256').update(chunk.data).digest();
  if (!actual.equals(chunk.chunkSha256)) {
    throw corrupt(`image ${chunk.imageId}: chunk ${chunk.sequence} data does not match its SHA-256`, {
      imageId: chunk.imageId,
      sequence: chunk.sequence,
      expected: chunk.chunkSha256.toString('hex'),
      actual: actual.toString('hex'),
    });
  }
}
