import { ErrorCodes, FirestreamError } from '../errors.js';

/**
 * What was wrong with a packet refused with `FIRESTREAM_IMAGE_CORRUPT`, in `err.context.reason`:
 *
 * - `truncated`: shorter than the 48-byte header
 * - `magic`, `version`, `flags`, `reserved`, `format`: a header field holds a value version 1 does not allow
 * - `size`: the sizes contradict each other or the compression flag (zero, stored ≠ original when
 *   uncompressed, stored ≥ original when compressed)
 * - `length`: the packet is not exactly header + stored size long (truncated payload or trailing bytes)
 * - `compression`: the payload does not decompress to exactly the original size
 * - `checksum`: the SHA-256 of the image differs from the header's
 * - `format-mismatch`: the image's magic bytes name another format than the header's format code
 * - `correlation`: the expected correlation id is malformed, or its size or hash part differs
 */
export type ImageCorruptReason =
  | 'truncated'
  | 'magic'
  | 'version'
  | 'flags'
  | 'reserved'
  | 'format'
  | 'size'
  | 'length'
  | 'compression'
  | 'checksum'
  | 'format-mismatch'
  | 'correlation';

/** A `FIRESTREAM_IMAGE_CORRUPT` error with `context.reason` and the values that explain it. */
export function imageCorrupt(reason: ImageCorruptReason, message: string, context: Record<string, unknown> = {}, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.IMAGE_CORRUPT, `Image packet is corrupt: ${message}`, { cause, context: { ...context, reason } });
}

/** A `FIRESTREAM_IMAGE_TOO_LARGE` error for `size` bytes over the `maxBytes` cap. */
export function imageTooLarge(what: string, size: number, maxBytes: number): FirestreamError {
  return new FirestreamError(
    ErrorCodes.IMAGE_TOO_LARGE,
    `${what} of ${size} bytes is over the limit of ${maxBytes} bytes ("maxImageBytes"); send larger images in chunks or through S3, or raise the limit.`,
    { context: { size, maxBytes } },
  );
}
