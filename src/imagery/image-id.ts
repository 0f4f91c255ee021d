/**
 * Image ids of chunked images: `{source}_{timestamp}_{hash}`, and the Kafka headers that carry them.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';

/** Longest image id on the wire, in bytes (its length travels in one byte). */
export const MAX_IMAGE_ID_LENGTH = 255;

/** Longest source part of an image id made by {@link createImageId}; longer source ids are cut. */
export const MAX_IMAGE_ID_SOURCE_LENGTH = 128;

/** Characters of the `hash` part: the first 16 hex characters (64 bits) of the image's SHA-256. */
export const IMAGE_ID_HASH_LENGTH = 16;

/** Characters an image id may hold: ASCII letters, digits, `.`, `_` and `-` (safe in keys, headers, logs and file names). */
export const IMAGE_ID_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;

/** Kafka header naming what a message on the imagery topic holds; `chunk` for a chunk. */
export const IMAGE_KIND_HEADER = 'firestream-image-kind';

/** Kafka header carrying the image id of a chunk. */
export const IMAGE_ID_HEADER = 'firestream-image-id';

/** Value of {@link IMAGE_KIND_HEADER} on chunk messages. */
export const IMAGE_KIND_CHUNK = 'chunk';

/** Whether `id` is a well-formed image id (1 to 255 characters from {@link IMAGE_ID_PATTERN}). */
export function isValidImageId(id: string): boolean {
  return IMAGE_ID_PATTERN.test(id);
}

/**
 * The source part of an image id: every character outside `A-Z a-z 0-9 . _ -` becomes `-`, and the
 * result is cut to {@link MAX_IMAGE_ID_SOURCE_LENGTH} characters. `firms_viirs_snpp` stays as it
 * is; `station 7/ä` becomes `station-7--`.
 */
export function sanitizeImageSource(sourceId: string): string {
  return sourceId.replace(/[^A-Za-z0-9._-]/gu, '-').slice(0, MAX_IMAGE_ID_SOURCE_LENGTH);
}

/**
 * Makes the id of an image: `{source}_{timestamp}_{hash}`, where `source` is
 * {@link sanitizeImageSource}`(sourceId)`, `timestamp` the decimal epoch milliseconds and `hash`
 * the first 16 hex characters of the image's SHA-256. The same image from the same source at the
 * same timestamp always gets the same id, so a re-sent image is recognised as a duplicate.
 *
 * @throws {@link InvalidOptionError} for an empty source id, a timestamp that is not a
 *   non-negative safe integer, or a hash that is not 64 hex characters.
 */
export function createImageId(sourceId: string, timestamp: number, sha256Hex: string): string {
  if (typeof sourceId !== 'string' || sourceId.length === 0) throw new InvalidOptionError('sourceId', sourceId, 'must be a non-empty string');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidOptionError('timestamp', timestamp, 'must be a non-negative integer (epoch milliseconds)');
  }
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new InvalidOptionError('sha256', sha256Hex, 'must be 64 lowercase hex characters');
  return `${sanitizeImageSource(sourceId)}_${timestamp}_${sha256Hex.slice(0, IMAGE_ID_HASH_LENGTH)}`;
}
