import { createHash, randomFillSync } from 'node:crypto';
import type { IncomingImageMessage } from '../../src/imagery/image-decode-types.js';
import type { StoredMessage } from '../../src/testing/in-memory-producer.js';

/** Magic numbers of the formats the image tests use. */
export const MAGIC = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  tiff: [0x49, 0x49, 0x2a, 0x00],
  hdf5: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a],
} as const;

/** `size` random (incompressible) bytes that start with the magic number of `format`. */
export function syntheticImage(format: keyof typeof MAGIC, size: number): Buffer {
  const image = Buffer.allocUnsafe(size);
  randomFillSync(image);
  Buffer.from(MAGIC[format]).copy(image);
  return image;
}

/** SHA-256 of `bytes`, lowercase hex. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A message the in-memory producer stored, as a consumer would hand it to the decoder. */
export function incoming(message: StoredMessage): IncomingImageMessage {
  return { key: message.key, value: message.value, headers: message.headers };
}
