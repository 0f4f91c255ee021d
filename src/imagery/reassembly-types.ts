/**
 * Results, events and metrics of {@link ImageReassembler}.
 *
 * @module
 */
import type { FirestreamError } from '../errors.js';
import type { ImageFormat } from './image-format.js';

/** {@link ImageReassembler.addChunk} stored a new chunk; the image still lacks chunks. */
export interface ChunkPending {
  readonly status: 'pending';
  /** Id of the image. */
  readonly imageId: string;
  /** Sequence of the chunk just added. */
  readonly sequence: number;
  /** Distinct chunks of the image received so far. */
  readonly received: number;
  /** Number of chunks of the image. */
  readonly total: number;
}

/** {@link ImageReassembler.addChunk} got a chunk it already had, or one of an image already completed. */
export interface ChunkDuplicate {
  readonly status: 'duplicate';
  /** Id of the image. */
  readonly imageId: string;
  /** Sequence of the duplicate chunk. */
  readonly sequence: number;
  /** Distinct chunks of the image received so far (`total` after completion). */
  readonly received: number;
  /** Number of chunks of the image. */
  readonly total: number;
  /** Whether the image had already been completed (a late redelivery). */
  readonly afterCompletion: boolean;
}

/** {@link ImageReassembler.addChunk} completed an image: every chunk arrived and the whole SHA-256 matched. */
export interface ImageComplete {
  readonly status: 'complete';
  /** Id of the image. */
  readonly imageId: string;
  /** The image (owned by the caller; the reassembler keeps no reference). */
  readonly image: Buffer;
  /** SHA-256 of the image, lowercase hex (verified). */
  readonly sha256: string;
  /** Number of chunks it came in. */
  readonly total: number;
  /** Image format from the chunk headers (`unknown` when not given, or for a code this version does not know). */
  readonly format: ImageFormat;
  /** The format code as sent (0 when not given). */
  readonly formatCode: number;
  /** Whether the image bytes are a `BinaryImageSerializer` message. */
  readonly serialized: boolean;
  /** Time from the first chunk to completion, in ms (monotonic clock). */
  readonly durationMs: number;
}

/** Outcome of {@link ImageReassembler.addChunk}. */
export type ChunkAddResult = ChunkPending | ChunkDuplicate | ImageComplete;

/** Why an image in progress was given up. */
export type IncompleteReason = 'timeout' | 'memory_cap' | 'closed';

/** Payload of the `incomplete` event: an image was dropped before all its chunks arrived. */
export interface ImageIncompleteEvent {
  /** Id of the image. */
  readonly imageId: string;
  /** Distinct chunks received. */
  readonly received: number;
  /** Number of chunks of the image. */
  readonly total: number;
  /** Size of the image, in bytes. */
  readonly imageSize: number;
  /** Time since the first chunk, in ms. */
  readonly ageMs: number;
  /** `timeout` (reassemblyTimeoutMs passed), `memory_cap` (idle, evicted for a newer image) or `closed`. */
  readonly reason: IncompleteReason;
  /** A `FIRESTREAM_IMAGE_INCOMPLETE` error describing the loss, for logs or a dead-letter queue. */
  readonly error: FirestreamError;
}

/**
 * Payload of the `superseded` event: chunks of the same image (same size, format, flags and
 * SHA-256) arrived chunked another way, so the earlier attempt was dropped and the newer one
 * started; chunks of the earlier chunking are then refused as late.
 */
export interface ImageSupersededEvent {
  /** Id of the image. */
  readonly imageId: string;
  /** Distinct chunks of the earlier attempt received. */
  readonly received: number;
  /** Number of chunks of the earlier attempt. */
  readonly total: number;
  /** Chunk size of the earlier attempt. */
  readonly chunkSize: number;
  /** Number of chunks of the newer attempt. */
  readonly newTotal: number;
  /** Chunk size of the newer attempt. */
  readonly newChunkSize: number;
  /** Time since the earlier attempt's first chunk, in ms. */
  readonly ageMs: number;
}

/** Payload of the `complete` event. */
export interface ImageCompleteEvent {
  /** Id of the image. */
  readonly imageId: string;
  /** Size of the image, in bytes. */
  readonly imageSize: number;
  /** Number of chunks. */
  readonly total: number;
  /** Time from the first chunk to completion, in ms. */
  readonly durationMs: number;
}

/** Payload of the `imageCorrupt` event: all chunks arrived but the whole image failed its SHA-256; it was dropped. */
export interface ImageCorruptEvent {
  /** Id of the image. */
  readonly imageId: string;
  /** Size of the image, in bytes. */
  readonly imageSize: number;
  /** Number of chunks. */
  readonly total: number;
  /** The error thrown to the caller. */
  readonly error: FirestreamError;
}

/**
 * Why a chunk was refused: `malformed`, `too_large` (over `maxImageBytes` or the cap), `chunk_checksum`,
 * `inconsistent` (disagrees with earlier chunks of the image), `memory_cap` (its image does not fit
 * now; retryable) or `late` (its image was dropped or its chunking superseded).
 */
export type ChunkRejectReason = 'malformed' | 'too_large' | 'chunk_checksum' | 'inconsistent' | 'memory_cap' | 'late';

/** Payload of the `chunkRejected` event: `addChunk()` threw for this chunk; images in progress are unchanged. */
export interface ChunkRejectedEvent {
  /** Id of the image, when the header was readable. */
  readonly imageId?: string;
  /** Sequence of the chunk, when the header was readable. */
  readonly sequence?: number;
  /** What was wrong. */
  readonly reason: ChunkRejectReason;
  /** The error thrown to the caller. */
  readonly error: FirestreamError;
}

/** Events of an {@link ImageReassembler}. */
export interface ImageReassemblerEvents {
  /** An image was completed and verified. */
  complete: [ImageCompleteEvent];
  /** An image was given up before it was complete. */
  incomplete: [ImageIncompleteEvent];
  /** An attempt of an image was replaced by the same image chunked another way. */
  superseded: [ImageSupersededEvent];
  /** A complete image failed its whole-image SHA-256 and was dropped. */
  imageCorrupt: [ImageCorruptEvent];
  /** A chunk was refused. */
  chunkRejected: [ChunkRejectedEvent];
}

/** Counters and gauges of an {@link ImageReassembler}; plain data. */
export interface ImageReassemblerMetrics {
  /** Images being reassembled now. */
  readonly imagesInProgress: number;
  /** Bytes of image buffers in progress (what `maxReassemblyBytes` caps; chunk bitmaps are not counted). */
  readonly bytesInProgress: number;
  /** The memory cap, `maxReassemblyBytes`. */
  readonly maxReassemblyBytes: number;
  /** Images whose first chunk was accepted. */
  readonly imagesStarted: number;
  /** Images completed and verified. */
  readonly imagesCompleted: number;
  /** Images dropped after `reassemblyTimeoutMs`. */
  readonly imagesExpired: number;
  /** Idle images dropped to make room for a new one under the cap. */
  readonly imagesEvicted: number;
  /** Attempts dropped for the same image chunked another way. */
  readonly imagesSuperseded: number;
  /** Images dropped because the whole image failed its SHA-256. */
  readonly imagesCorrupt: number;
  /** Images dropped by `close()`. */
  readonly imagesClosed: number;
  /** New chunks stored. */
  readonly chunksAccepted: number;
  /** Chunks already held, or of an image already completed. */
  readonly duplicateChunks: number;
  /** Chunks refused as malformed, inconsistent or failing their SHA-256. */
  readonly corruptChunks: number;
  /** Chunks refused because their image is over `maxImageBytes` or the cap. */
  readonly oversizeChunks: number;
  /** Chunks refused (retryable) because their new image did not fit in memory then. */
  readonly memoryCapRefusals: number;
  /** Chunks refused because their image had been dropped or their chunking superseded. */
  readonly lateChunks: number;
  /** Completed image ids remembered for duplicate detection. */
  readonly completedIdsRemembered: number;
  /** Dropped image ids remembered to refuse their late chunks. */
  readonly droppedIdsRemembered: number;
}
