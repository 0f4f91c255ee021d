/**
 * Events, metrics and read options of `ImageAssembler`.
 *
 * @module
 */
import type { ImageDroppedEvent, ImageMessageDecoderMetrics } from './image-decode-types.js';

/** A message the assembler could not turn into an image; it reports it and goes on. */
export interface ImageAssemblerError {
  /** The decoder's (or the commit's) error. */
  readonly error: unknown;
  /** Where the message was, when a message failed. */
  readonly topic?: string;
  /** Partition of the message. */
  readonly partition?: number;
  /** Offset of the message. */
  readonly offset?: string;
  /** Its `firestream-image-kind`. */
  readonly kind?: string;
}

/** Events of an {@link ImageAssembler}. */
export interface ImageAssemblerEvents {
  /** A message was refused, or committing offsets failed; reading goes on. */
  error: [event: ImageAssemblerError];
  /** An image was given up by the decoder (see `ImageMessageDecoder`); after `timeout` or `memory_cap` it is read again. */
  dropped: [event: ImageDroppedEvent];
}

/** Counters and gauges of an {@link ImageAssembler}; plain data. */
export interface ImageAssemblerMetrics {
  /** Images handed to the loop. */
  readonly imagesYielded: number;
  /** Bytes of those images. */
  readonly bytesYielded: number;
  /** Messages refused (the `error` event with an offset). */
  readonly errors: number;
  /** Images decoded, waiting for the loop. */
  readonly buffered: number;
  /** Images read in part or whole and not yet released (they hold back the committed offset). */
  readonly openImages: number;
  /** Offset commits that succeeded. */
  readonly commits: number;
  /** Offset commits that failed (retried with the next commit; reported by the `error` event). */
  readonly commitFailures: number;
  /** Partitions sought back to read an image (or a message) again: images given up for time or memory, retryable failures. */
  readonly redeliveries: number;
  /** Messages that failed in a retryable way (reported by the `error` event, then read again). */
  readonly retryableFailures: number;
  /** The decoder's counters. */
  readonly decoder: ImageMessageDecoderMetrics;
}

/** Options of {@link ImageAssembler.images}. */
export interface ImageReadOptions {
  /** Ends the iteration with `ABORTED` and closes the assembler. */
  signal?: AbortSignal;
}
