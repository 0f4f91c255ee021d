import type { KafkaCodec } from './codec.js';
import type { ZstdBackend } from './zstd-backends.js';

/** Default zstd level: 3, the balance the FIRMS benchmarks chose. */
export const DEFAULT_ZSTD_LEVEL = 3;

/**
 * Creates the kafkajs zstd codec on a backend. Kafka expects standard zstd frames, which both
 * backends write; `maxDecompressedBytes` bounds one decompressed batch.
 */
export function createZstdCodec(backend: ZstdBackend, level: number, maxDecompressedBytes: number): KafkaCodec {
  return {
    compress: (encoder) => backend.compress(encoder.buffer, level),
    decompress: (buffer) => backend.decompress(buffer, maxDecompressedBytes),
  };
}
