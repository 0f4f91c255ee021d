import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { corruptData, decompressionLimitExceeded } from './codec.js';
import type { KafkaCodec } from './codec.js';

const gzip = promisify(zlib.gzip);
const unzip = promisify(zlib.unzip);

/**
 * kafkajs's gzip codec with a bounded decompression: the same format as the built-in codec (gzip
 * at zlib's default level), but decompressed output stops at `maxDecompressedBytes`.
 */
export function createGzipCodec(maxDecompressedBytes: number): KafkaCodec {
  return {
    compress: (encoder) => gzip(encoder.buffer),
    async decompress(buffer) {
      try {
        return await unzip(buffer, { maxOutputLength: maxDecompressedBytes });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw decompressionLimitExceeded('gzip', maxDecompressedBytes);
        throw corruptData('gzip', err instanceof Error ? err.message : String(err), err);
      }
    },
  };
}
