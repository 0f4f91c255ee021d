import { ErrorCodes, FirestreamError } from '../../errors.js';

/** Default upper bound of one decompressed batch: 64 MiB (stops decompression bombs). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Compression a topic can use; `none` sends record batches uncompressed. */
export type CompressionName = 'none' | 'gzip' | 'lz4' | 'zstd';

/** Every {@link CompressionName}, in a stable order. */
export const COMPRESSION_NAMES: readonly CompressionName[] = Object.freeze(['none', 'gzip', 'lz4', 'zstd']);

/**
 * The shape kafkajs expects from a compression codec: `compress` receives kafkajs's encoder
 * (whose `buffer` holds the serialized records), `decompress` a compressed record batch body.
 */
export interface KafkaCodec {
  /** Compresses the encoder's buffer. */
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  /** Decompresses a buffer produced by this codec (or any standard encoder of the format). */
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** Error for a codec that cannot be loaded in this runtime. */
export function codecUnavailable(codec: string, detail: string, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.CODEC_UNAVAILABLE, `Compression codec "${codec}" is not available: ${detail}`, {
    cause,
    context: { codec },
  });
}

/** Error for data that decompresses (or, for LZ4's block bound, could decompress) past `maxBytes`. */
export function decompressionLimitExceeded(codec: string, maxBytes: number, found?: number, foundIsBound = false): FirestreamError {
  const size = found === undefined ? '' : foundIsBound ? ` (its blocks can expand to ${found} bytes)` : ` (at least ${found} bytes)`;
  return new FirestreamError(
    ErrorCodes.CODEC_FAILED,
    `${codec} data decompresses past the limit of ${maxBytes} bytes${size}; raise "maxDecompressedBytes" if such batches are legitimate.`,
    { context: { codec, maxBytes, found, reason: 'limit' } },
  );
}

/** Error for corrupt compressed data. */
export function corruptData(codec: string, detail: string, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.CODEC_FAILED, `${codec} data is corrupt: ${detail}`, {
    cause,
    context: { codec, reason: 'corrupt' },
  });
}
