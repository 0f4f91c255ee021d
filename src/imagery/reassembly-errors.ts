/**
 * Errors {@link ImageReassembler} throws for chunks it refuses: one that disagrees with its image,
 * memory full now, or the chunk's image already given up.
 *
 * @module
 */
import { ErrorCodes, FirestreamError } from '../errors.js';
import type { ParsedImageChunk } from './chunk-header.js';
import type { DroppedImage } from './reassembly-state.js';

/** The limits {@link memoryFullError} names. */
interface MemoryLimits {
  readonly maxReassemblyBytes: number;
  readonly evictAfterIdleMs: number;
}

/**
 * `FIRESTREAM_IMAGE_TOO_LARGE` (`context.reason` `memory_cap`): the first chunk seen of an image does
 * not fit next to the images in progress, and too few of them have been idle long enough to evict.
 * Retryable for chunk 0; any other chunk of the image is refused as late until chunk 0 starts it.
 */
export function memoryFullError(chunk: ParsedImageChunk, bytesInProgress: number, imagesInProgress: number, limits: MemoryLimits): FirestreamError {
  const { imageId, sequence, imageSize } = chunk;
  return new FirestreamError(
    ErrorCodes.IMAGE_TOO_LARGE,
    `Image ${imageId} (${imageSize} bytes) does not fit now: ${bytesInProgress} of maxReassemblyBytes (${limits.maxReassemblyBytes}) are held by ${imagesInProgress} images in progress, too few of them idle for evictAfterIdleMs (${limits.evictAfterIdleMs} ms) to make room; chunk ${sequence} was not stored, ${sequence === 0 ? 'add it again later' : 'and the image now starts again only from chunk 0'}.`,
    {
      retryable: sequence === 0,
      context: { imageId, sequence, imageSize, bytesInProgress, imagesInProgress, maxReassemblyBytes: limits.maxReassemblyBytes, reason: 'memory_cap' },
    },
  );
}

/**
 * `FIRESTREAM_IMAGE_INCOMPLETE` (`context.reason` `late`): a chunk of an image dropped (timeout,
 * eviction) or of a chunking superseded by a newer one, in the last `reassemblyTimeoutMs`.
 */
export function lateChunkError(chunk: ParsedImageChunk, drop: DroppedImage, now: number): FirestreamError {
  const { imageId, sequence, chunkSize } = chunk;
  const ago = now - drop.droppedAt;
  const why =
    drop.reason === 'superseded'
      ? `its chunking (chunk size ${chunkSize}) was superseded by another chunking of the same image ${ago} ms ago`
      : `the image was ${drop.reason === 'refused' ? 'refused for memory (memory_cap)' : `dropped (${drop.reason})`} ${ago} ms ago; redeliver it from chunk 0 to reassemble it`;
  return new FirestreamError(ErrorCodes.IMAGE_INCOMPLETE, `Image ${imageId}: late chunk ${sequence} was not stored: ${why}.`, {
    context: { imageId, sequence, chunkSize, droppedReason: drop.reason, droppedAgoMs: ago, reason: 'late' },
  });
}

/** `FIRESTREAM_IMAGE_CORRUPT`: a chunk disagrees with earlier chunks of its image id on `field` (another image). */
export function inconsistentChunkError(chunk: ParsedImageChunk, field: string): FirestreamError {
  const { imageId, sequence } = chunk;
  return new FirestreamError(ErrorCodes.IMAGE_CORRUPT, `Image chunk is corrupt: image ${imageId}: chunk ${sequence} disagrees with earlier chunks on ${field}.`, {
    context: { imageId, sequence, field },
  });
}
