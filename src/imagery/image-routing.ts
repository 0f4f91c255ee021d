/**
 * The route of an image by its size.
 *
 * @module
 */
import type { ImageRoute } from './image-messages.js';

/** The size thresholds of {@link routeBySize} (the `images.directMaxBytes` and `images.chunkedMaxBytes` settings). */
export interface ImageSizeThresholds {
  /** Images up to this many bytes go direct. */
  readonly directMaxBytes: number;
  /** Larger images up to this many bytes go in chunks; larger ones through S3. */
  readonly chunkedMaxBytes: number;
}

/**
 * The route of an image of `size` bytes: `direct` up to `directMaxBytes`, `chunked` up to
 * `chunkedMaxBytes`, `s3` above. (A direct packet that does not fit the topic's
 * `max.message.bytes` is chunked instead; `ImagePublisher` decides that once the packet is built.)
 */
export function routeBySize(size: number, thresholds: ImageSizeThresholds): ImageRoute {
  if (size <= thresholds.directMaxBytes) return 'direct';
  if (size <= thresholds.chunkedMaxBytes) return 'chunked';
  return 's3';
}
