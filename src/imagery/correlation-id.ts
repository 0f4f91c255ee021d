import { InvalidOptionError } from '../errors.js';

/** Hex characters of the SHA-256 kept in a correlation id (16, that is 64 bits). */
export const CORRELATION_HASH_HEX_CHARS = 16;

/** The three parts of a correlation id `{timestamp}_{size}_{partialHash}`. */
export interface CorrelationIdParts {
  /** When the image was serialized, epoch milliseconds (from the injected clock). */
  readonly timestamp: number;
  /** Size of the original image in bytes. */
  readonly size: number;
  /** The first {@link CORRELATION_HASH_HEX_CHARS} hex characters of the image's SHA-256. */
  readonly partialHash: string;
}

const PATTERN = /^(0|[1-9]\d{0,15})_(0|[1-9]\d{0,15})_([0-9a-f]{16})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The correlation id linking an image's metadata message and its binary packet:
 * `{timestamp}_{size}_{partialHash}`, for example `1767225600000_1048576_3a7bd3e2360a3d29`.
 *
 * @param timestamp - Epoch milliseconds (fractions are dropped).
 * @param size - Size of the original image in bytes.
 * @param sha256Hex - The image's SHA-256 as 64 lowercase hex characters.
 * @throws {@link InvalidOptionError} for a negative or non-finite timestamp or size, or a malformed hash.
 */
export function createCorrelationId(timestamp: number, size: number, sha256Hex: string): string {
  if (!Number.isFinite(timestamp) || timestamp < 0 || timestamp > Number.MAX_SAFE_INTEGER) {
    throw new InvalidOptionError('timestamp', timestamp, 'must be a finite, non-negative epoch time in milliseconds');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidOptionError('size', size, 'must be a non-negative integer');
  if (!SHA256_HEX.test(sha256Hex)) throw new InvalidOptionError('sha256Hex', sha256Hex, 'must be 64 lowercase hex characters');
  return `${Math.floor(timestamp)}_${size}_${sha256Hex.slice(0, CORRELATION_HASH_HEX_CHARS)}`;
}

/**
 * The parts of a correlation id, or `undefined` when `id` is not exactly
 * `{timestamp}_{size}_{partialHash}` (decimal integers without leading zeros, 16 lowercase hex).
 */
export function parseCorrelationId(id: string): CorrelationIdParts | undefined {
  const match = typeof id === 'string' ? PATTERN.exec(id) : null;
  if (!match) return undefined;
  const timestamp = Number(match[1]);
  const size = Number(match[2]);
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(size)) return undefined;
  return { timestamp, size, partialHash: match[3] as string };
}
