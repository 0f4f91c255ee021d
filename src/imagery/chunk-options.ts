/**
 * Options of {@link ImageChunkManager} and {@link ImageReassembler}: validation, defaults (taken
 * from the `images` config schema) and the functions that read them from a {@link StreamConfig}.
 *
 * @module
 */
import { constants as bufferConstants } from 'node:buffer';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { positiveInt, nonNegativeInt, durationMs } from '../config/schema/common.js';
import { ImagesSchema } from '../config/schema/images.js';
import type { StreamConfig } from '../config/schema/index.js';
import { InvalidOptionError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';

const IMAGE_DEFAULTS = ImagesSchema.parse({});

/** Kafka's default `message.max.bytes` (1 MiB + 12 bytes): the limit of a topic that sets no `max.message.bytes`. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Default {@link ImageChunkManagerOptions.recordOverheadBytes}: room in a Kafka message for the
 * record batch header (61 bytes), the record's own framing (at most about 40 bytes of varints and
 * attributes) and headers other parts add (`firestream-record-id`, `firestream-source-id`, …).
 */
export const DEFAULT_RECORD_OVERHEAD_BYTES = 512;

/** Default {@link ImageReassemblerOptions.rememberCompleted}. */
export const DEFAULT_REMEMBER_COMPLETED = 10_000;

/** Default {@link ImageReassemblerOptions.rememberDropped}. */
export const DEFAULT_REMEMBER_DROPPED = 10_000;

/** Default {@link ImageReassemblerOptions.evictAfterIdleMs}: 30 s without a new chunk. */
export const DEFAULT_EVICT_AFTER_IDLE_MS = 30_000;

/** Largest chunk (and largest Kafka message): 2^31 − 1 bytes. */
export const MAX_CHUNK_SIZE_BYTES = 2 ** 31 - 1;

const maxBufferBytes = Math.min(bufferConstants.MAX_LENGTH, Number.MAX_SAFE_INTEGER);
const imageBytes = () => positiveInt().max(maxBufferBytes, `must be at most ${maxBufferBytes} (the largest Buffer of this Node.js)`);

/** Options of {@link ImageChunkManager}. Defaults are those of the `images` config section. */
export interface ImageChunkManagerOptions {
  /** Target chunk size in bytes (default `images.chunkSizeBytes`, 5 MiB); cut further to fit the topic. */
  readonly chunkSizeBytes?: number;
  /** Largest image accepted, in bytes (default `images.chunkedMaxBytes`, 100 MiB). */
  readonly maxImageBytes?: number;
  /** `max.message.bytes` of the target topic; when absent, chunks are bounded by `chunkSizeBytes` alone. */
  readonly topicMaxMessageBytes?: number;
  /** Bytes kept free in every message for Kafka's framing and other headers (default {@link DEFAULT_RECORD_OVERHEAD_BYTES}). */
  readonly recordOverheadBytes?: number;
  /** Time source of the default image timestamp (wall-clock time); the system clock by default. */
  readonly clock?: Clock;
}

/** Options of {@link ImageReassembler}. Defaults are those of the `images` config section. */
export interface ImageReassemblerOptions {
  /** Memory cap of all images in progress, in bytes (default `images.maxReassemblyBytes`, 256 MiB). */
  readonly maxReassemblyBytes?: number;
  /** Largest image accepted, in bytes (default the smaller of `images.chunkedMaxBytes` and `maxReassemblyBytes`). */
  readonly maxImageBytes?: number;
  /** How long an image may stay incomplete after its first chunk, in ms (default `images.reassemblyTimeoutMs`, 5 min). */
  readonly reassemblyTimeoutMs?: number;
  /** How many completed image ids are remembered to report late duplicates (default {@link DEFAULT_REMEMBER_COMPLETED}; 0 remembers none). */
  readonly rememberCompleted?: number;
  /**
   * How many ids of images dropped (timeout, memory cap, superseded) are remembered, each for
   * `reassemblyTimeoutMs`, so that their late chunks are refused instead of starting them again
   * (default {@link DEFAULT_REMEMBER_DROPPED}; 0 remembers none).
   */
  readonly rememberDropped?: number;
  /**
   * How long an image in progress must have gone without a new chunk before it may be evicted to
   * admit a new image when memory is full, in ms (default {@link DEFAULT_EVICT_AFTER_IDLE_MS}).
   * Images that received a chunk more recently are never evicted: the new image's chunk is refused
   * instead (retryable). 0 lets any image be evicted, least recently active first.
   */
  readonly evictAfterIdleMs?: number;
  /** Period of a sweep timer (unref'd) in ms; 0 (default) runs no timer: expiry then happens in `addChunk()` and `sweep()`. */
  readonly sweepIntervalMs?: number;
  /** Time source (monotonic time for expiry); the system clock by default. */
  readonly clock?: Clock;
}

const managerSchema = z.object({
  chunkSizeBytes: positiveInt().max(MAX_CHUNK_SIZE_BYTES).default(IMAGE_DEFAULTS.chunkSizeBytes),
  maxImageBytes: imageBytes().default(IMAGE_DEFAULTS.chunkedMaxBytes),
  topicMaxMessageBytes: positiveInt().max(MAX_CHUNK_SIZE_BYTES).optional(),
  recordOverheadBytes: nonNegativeInt().max(MAX_CHUNK_SIZE_BYTES).default(DEFAULT_RECORD_OVERHEAD_BYTES),
});

const reassemblerSchema = z.object({
  maxReassemblyBytes: imageBytes().default(IMAGE_DEFAULTS.maxReassemblyBytes),
  maxImageBytes: imageBytes().optional(),
  reassemblyTimeoutMs: ImagesSchema.shape.reassemblyTimeoutMs,
  rememberCompleted: nonNegativeInt().max(10_000_000).default(DEFAULT_REMEMBER_COMPLETED),
  rememberDropped: nonNegativeInt().max(10_000_000).default(DEFAULT_REMEMBER_DROPPED),
  evictAfterIdleMs: durationMs().default(DEFAULT_EVICT_AFTER_IDLE_MS),
  sweepIntervalMs: durationMs().default(0),
});

/** Validated manager options. */
export type ResolvedChunkManagerOptions = z.output<typeof managerSchema> & { readonly clock: Clock };

/** Validated reassembler options. */
export type ResolvedReassemblerOptions = Required<z.output<typeof reassemblerSchema>> & { readonly clock: Clock };

function checkClock(clock: unknown): Clock {
  if (clock === undefined) return systemClock;
  const c = clock as Partial<Clock> | null;
  if (c === null || typeof c !== 'object' || typeof c.now !== 'function' || typeof c.monotonic !== 'function') {
    throw new InvalidOptionError('clock', clock, 'must have now() and monotonic() methods');
  }
  return clock as Clock;
}

function withoutClock<T extends { clock?: Clock }>(options: T): Omit<T, 'clock'> {
  const { clock: _clock, ...rest } = options;
  return rest;
}

/** Validates {@link ImageChunkManagerOptions}; throws {@link InvalidOptionError} naming the bad option. */
export function resolveChunkManagerOptions(options: ImageChunkManagerOptions = {}): ResolvedChunkManagerOptions {
  const parsed = parseOptions(managerSchema, withoutClock(options), '');
  return { ...parsed, clock: checkClock(options.clock) };
}

/** Validates {@link ImageReassemblerOptions}; throws {@link InvalidOptionError} naming the bad option. */
export function resolveReassemblerOptions(options: ImageReassemblerOptions = {}): ResolvedReassemblerOptions {
  const parsed = parseOptions(reassemblerSchema, withoutClock(options), '');
  const maxImageBytes = parsed.maxImageBytes ?? Math.min(IMAGE_DEFAULTS.chunkedMaxBytes, parsed.maxReassemblyBytes);
  if (maxImageBytes > parsed.maxReassemblyBytes) {
    throw new InvalidOptionError('maxImageBytes', maxImageBytes, `must not exceed maxReassemblyBytes (${parsed.maxReassemblyBytes})`);
  }
  return { ...parsed, maxImageBytes, clock: checkClock(options.clock) };
}

/**
 * Options of an {@link ImageChunkManager} from the `images` and `topics` sections: chunk size,
 * `chunkedMaxBytes` as the largest image, and the `maxMessageBytes` of `images.topic` (Kafka's
 * default {@link KAFKA_DEFAULT_MAX_MESSAGE_BYTES} when the topic sets none or is not declared).
 */
export function imageChunkManagerOptionsFromConfig(config: Pick<StreamConfig, 'images' | 'topics'>): ImageChunkManagerOptions {
  const topic = config.topics.find((t) => t.name === config.images.topic);
  return {
    chunkSizeBytes: config.images.chunkSizeBytes,
    maxImageBytes: config.images.chunkedMaxBytes,
    topicMaxMessageBytes: topic?.maxMessageBytes ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
  };
}

/** Options of an {@link ImageReassembler} from the `images` section. */
export function imageReassemblerOptionsFromConfig(config: Pick<StreamConfig, 'images'>): ImageReassemblerOptions {
  return {
    maxReassemblyBytes: config.images.maxReassemblyBytes,
    maxImageBytes: Math.min(config.images.chunkedMaxBytes, config.images.maxReassemblyBytes),
    reassemblyTimeoutMs: config.images.reassemblyTimeoutMs,
  };
}
