import type * as Lz4Module from 'lz4';
import { codecUnavailable, corruptData, decompressionLimitExceeded } from './codec.js';
import type { KafkaCodec } from './codec.js';

/**
 * LZ4 for Kafka, on the `lz4` package (native bindings).
 *
 * Kafka (record batch format v2) uses the standard LZ4 *frame* format with independent blocks.
 * Frames are written with 64 KiB blocks, as the Java client does, so brokers decompress with small
 * buffers. Before decoding, the frame's block headers are scanned to bound the output (each
 * compressed block counts at the frame's maximum block size, 64 KiB to 4 MiB): a frame whose
 * blocks could expand past `maxDecompressedBytes` is refused without being decoded.
 */

const LZ4_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };
/** Block size used when compressing (Kafka's Java client default). */
export const LZ4_BLOCK_MAX_SIZE = 64 << 10;

let loading: Promise<typeof Lz4Module> | undefined;

/** Loads the `lz4` package once; rejects with `CODEC_UNAVAILABLE` when it cannot be loaded. */
export function loadLz4(): Promise<typeof Lz4Module> {
  loading ??= import('lz4').then(
    (mod: typeof Lz4Module & { default?: typeof Lz4Module }) => mod.default ?? mod,
    (err: unknown) => {
      loading = undefined;
      throw codecUnavailable('lz4', 'the "lz4" package could not be loaded; install it (npm install lz4) or use another codec.', err);
    },
  );
  return loading;
}

/** The LZ4 frames found in a buffer and the most their blocks can expand to. */
export interface Lz4FrameScan {
  /** Upper bound of the decompressed size, from block headers alone. */
  readonly bound: number;
  /** `[start, end)` byte ranges of the data frames (skippable frames left out). */
  readonly frames: readonly (readonly [number, number])[];
}

/**
 * Scans the LZ4 frames in `input` from their headers alone: where each data frame lies and an
 * upper bound of the decompressed size. Throws `CODEC_FAILED` when the frame structure is malformed.
 */
export function scanLz4Frames(input: Buffer): Lz4FrameScan {
  let pos = 0;
  let bound = 0;
  const frames: [number, number][] = [];
  const need = (n: number): void => {
    if (pos + n > input.length) throw corruptData('lz4', `truncated frame at byte ${pos}`);
  };
  while (pos < input.length) {
    const start = pos;
    need(4);
    const magic = input.readUInt32LE(pos);
    pos += 4;
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(4);
      pos += 4 + input.readUInt32LE(pos);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw corruptData('lz4', `bad magic number 0x${magic.toString(16)} at byte ${pos - 4}`);
    need(2);
    const flg = input[pos] as number;
    const bd = input[pos + 1] as number;
    pos += 2;
    if (flg >> 6 !== 1) throw corruptData('lz4', `unsupported frame version ${flg >> 6}`);
    const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 0x7];
    if (blockMax === undefined) throw corruptData('lz4', `invalid block size id ${(bd >> 4) & 0x7}`);
    const blockChecksum = (flg & 0x10) !== 0;
    if (flg & 0x08) pos += 8; // declared content size: not trusted, the block scan bounds the output
    if (flg & 0x01) pos += 4;
    pos += 1; // header checksum
    for (;;) {
      need(4);
      const word = input.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw corruptData('lz4', `block of ${size} bytes exceeds the frame's ${blockMax}-byte block size`);
      bound += word & 0x80000000 ? size : blockMax;
      pos += size + (blockChecksum ? 4 : 0);
    }
    if (flg & 0x04) pos += 4; // content checksum
    if (pos > input.length) throw corruptData('lz4', 'truncated frame');
    frames.push([start, pos]);
  }
  return { bound, frames };
}

/**
 * Returns an upper bound of the decompressed size of the LZ4 frames in `input`, from block headers
 * alone. Throws `CODEC_FAILED` when the frame structure is malformed.
 */
export function lz4DecompressedSizeBound(input: Buffer): number {
  return scanLz4Frames(input).bound;
}

/** Decodes one LZ4 frame; the `lz4` decoder allocates one block-size buffer per compressed block. */
function decodeFrame(lz4: typeof Lz4Module, frame: Buffer, chunks: Buffer[]): void {
  const decoder = lz4.createDecoderStream();
  let failure: unknown;
  decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
  decoder.on('error', (err: unknown) => {
    failure ??= err;
  });
  decoder.end(frame); // the decoder processes a whole buffer synchronously
  if (failure !== undefined) throw corruptData('lz4', failure instanceof Error ? failure.message : String(failure), failure);
}

/** Creates the kafkajs LZ4 codec; `maxDecompressedBytes` bounds one decompressed batch. */
export function createLz4Codec(maxDecompressedBytes: number): KafkaCodec {
  return {
    async compress(encoder) {
      const lz4 = await loadLz4();
      return lz4.encode(encoder.buffer, { blockMaxSize: LZ4_BLOCK_MAX_SIZE, blockIndependence: true, streamChecksum: true });
    },
    async decompress(buffer) {
      const lz4 = await loadLz4();
      const { bound, frames } = scanLz4Frames(buffer);
      if (bound > maxDecompressedBytes) throw decompressionLimitExceeded('lz4', maxDecompressedBytes, bound, true);
      // One decoder per frame: the `lz4` decoder does not reset its content checksum between frames.
      const chunks: Buffer[] = [];
      for (const [start, end] of frames) decodeFrame(lz4, buffer.subarray(start, end), chunks);
      return Buffer.concat(chunks);
    },
  };
}
