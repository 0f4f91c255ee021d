import kafkajs from 'kafkajs';
import type { CompressionTypes } from 'kafkajs';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { parseOptions } from '../parse-options.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';
import { createGzipCodec } from './gzip-codec.js';
import { createLz4Codec } from './lz4-codec.js';
import { selectZstdBackend } from './zstd-backends.js';
import type { ZstdBackendName } from './zstd-backends.js';
import { createZstdCodec, DEFAULT_ZSTD_LEVEL } from './zstd-codec.js';

// kafkajs is CommonJS and Node cannot see `CompressionCodecs` as a named export: use the default.
const { CompressionCodecs, CompressionTypes: Types } = kafkajs;

/** Options of {@link registerCompressionCodecs}. */
export interface CompressionCodecOptions {
  /** zstd compression level, -7..22 (default 3). */
  zstdLevel?: number;
  /** Upper bound of one decompressed batch in bytes (default 64 MiB, at least 4 MiB); larger batches are refused. */
  maxDecompressedBytes?: number;
  /** zstd implementation (default `auto`: node:zlib when it has zstd, else zstd-napi). */
  zstdBackend?: ZstdBackendName;
}

/** The codec settings in effect after {@link registerCompressionCodecs}. */
export interface RegisteredCodecs {
  /** zstd level in use. */
  readonly zstdLevel: number;
  /** Decompression bound in use. */
  readonly maxDecompressedBytes: number;
  /** zstd implementation in use. */
  readonly zstdBackend: 'node-zlib' | 'zstd-napi';
}

/** Smallest accepted `maxDecompressedBytes`: 4 MiB, the largest LZ4 block, so no valid frame is refused by the LZ4 bound alone. */
export const MIN_MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024;

const codecOptionsSchema = z.object({
  zstdLevel: z.int().min(-7).max(22).default(DEFAULT_ZSTD_LEVEL),
  maxDecompressedBytes: z.int().min(MIN_MAX_DECOMPRESSED_BYTES).max(2 ** 31 - 1).default(DEFAULT_MAX_DECOMPRESSED_BYTES),
  zstdBackend: z.enum(['auto', 'node-zlib', 'zstd-napi']).default('auto'),
});

let registered: { key: string; settings: RegisteredCodecs } | undefined;

/**
 * Installs firestream's gzip (bounded), LZ4 and zstd codecs into kafkajs's process-wide
 * `CompressionCodecs`. Idempotent: a second call with the same options does nothing. kafkajs
 * codecs are global, so the settings are too: a call with different options replaces them for
 * every kafkajs client in the process, and says so through `logger` (a warning naming the
 * settings replaced and the new ones). Codec packages load lazily on first use; a missing one
 * fails that use with `CODEC_UNAVAILABLE`.
 */
export function registerCompressionCodecs(options: CompressionCodecOptions = {}, logger?: Logger): RegisteredCodecs {
  const parsed = parseOptions(codecOptionsSchema, options, 'codecs');
  const key = JSON.stringify(parsed);
  if (registered?.key === key) return registered.settings;
  const backend = selectZstdBackend(parsed.zstdBackend);
  const gzip = createGzipCodec(parsed.maxDecompressedBytes);
  const lz4 = createLz4Codec(parsed.maxDecompressedBytes);
  const zstd = createZstdCodec(backend, parsed.zstdLevel, parsed.maxDecompressedBytes);
  CompressionCodecs[Types.GZIP] = () => gzip;
  CompressionCodecs[Types.LZ4] = () => lz4;
  CompressionCodecs[Types.ZSTD] = () => zstd;
  const settings: RegisteredCodecs = Object.freeze({
    zstdLevel: parsed.zstdLevel,
    maxDecompressedBytes: parsed.maxDecompressedBytes,
    zstdBackend: backend.name,
  });
  const previous = registered?.settings;
  registered = { key, settings };
  if (previous && describeSettings(previous) !== describeSettings(settings)) {
    logger?.warn(
      { component: 'producer', previous, current: settings },
      `Compression codec settings are process-wide: ${describeSettings(previous)} were replaced by ${describeSettings(settings)} for every kafkajs client in this process.`,
    );
  }
  return settings;
}

/**
 * Makes sure firestream's codecs are installed: registers the defaults when no settings were
 * registered yet, and otherwise leaves the settings in force (another producer's) unchanged.
 */
export function ensureCompressionCodecs(): RegisteredCodecs {
  return registered?.settings ?? registerCompressionCodecs();
}

/** The codec settings in force, or `undefined` before the first registration. */
export function registeredCompressionCodecs(): RegisteredCodecs | undefined {
  return registered?.settings;
}

function describeSettings(s: RegisteredCodecs): string {
  return `{ zstdLevel: ${s.zstdLevel}, maxDecompressedBytes: ${s.maxDecompressedBytes}, zstdBackend: ${s.zstdBackend} }`;
}

/** Maps a compression name to kafkajs's `CompressionTypes`. */
export function kafkaCompressionType(name: 'none' | 'gzip' | 'lz4' | 'zstd'): CompressionTypes {
  switch (name) {
    case 'gzip':
      return Types.GZIP;
    case 'lz4':
      return Types.LZ4;
    case 'zstd':
      return Types.ZSTD;
    default:
      return Types.None;
  }
}
