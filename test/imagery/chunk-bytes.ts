import { createHash } from 'node:crypto';
import { FirestreamError } from '../../src/errors.js';

/** Every header field of a chunk message, written as-is (no consistency checks), for crafting test input. */
export interface RawChunkFields {
  magic: string;
  version: number;
  flags: number;
  formatCode: number;
  imageId: string;
  idLength: number;
  sequence: number;
  total: number;
  chunkSize: number;
  dataLength: number;
  sizeHigh: number;
  sizeLow: number;
  chunkSha256: Buffer;
  imageSha256: Buffer;
}

export const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/**
 * Writes a chunk message from raw fields, independently of src/ (it pins the documented layout):
 * 96 fixed bytes, the id, a 4-byte check (first 4 bytes of SHA-256 of what precedes it), the data.
 */
export function rawChunk(fields: Partial<RawChunkFields> & { imageId: string }, data: Buffer): Buffer {
  const f: RawChunkFields = {
    magic: 'FSCK',
    version: 1,
    flags: 0,
    formatCode: 0,
    idLength: fields.imageId.length,
    sequence: 0,
    total: 1,
    chunkSize: Math.max(1, data.length),
    dataLength: data.length,
    sizeHigh: 0,
    sizeLow: data.length,
    chunkSha256: sha256(data),
    imageSha256: sha256(data),
    ...fields,
  };
  const header = Buffer.alloc(96 + f.imageId.length);
  header.write(f.magic, 0, 'latin1');
  header.writeUInt8(f.version, 4);
  header.writeUInt8(f.flags, 5);
  header.writeUInt8(f.formatCode, 6);
  header.writeUInt8(f.idLength, 7);
  header.writeUInt32BE(f.sequence, 8);
  header.writeUInt32BE(f.total, 12);
  header.writeUInt32BE(f.chunkSize, 16);
  header.writeUInt32BE(f.dataLength, 20);
  header.writeUInt32BE(f.sizeHigh, 24);
  header.writeUInt32BE(f.sizeLow, 28);
  f.chunkSha256.copy(header, 32);
  f.imageSha256.copy(header, 64);
  header.write(f.imageId, 96, 'latin1');
  return Buffer.concat([header, reseal(header), data]);
}

/** The 4-byte header check of `header` (the bytes before the check). */
function reseal(header: Buffer): Buffer {
  return sha256(header).subarray(0, 4);
}

/** Recomputes the header check of a (mutated) chunk message in place, so that deeper checks run. */
export function resealInPlace(message: Buffer): Buffer {
  const idLength = message.readUInt8(7);
  const end = 96 + idLength;
  if (message.length >= end + 4) reseal(message.subarray(0, end)).copy(message, end);
  return message;
}

/** The FirestreamError `fn` throws, or undefined when it returns; any other throw is passed on. */
export function firestreamErrorOf(fn: () => unknown): FirestreamError | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof FirestreamError) return err;
    throw err;
  }
  return undefined;
}
