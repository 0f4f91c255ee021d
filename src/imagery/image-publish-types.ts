/**
 * What `ImagePublisher.publish` takes and reports, its events and metrics.
 *
 * @module
 */
import type { ImageFormat } from './image-format.js';
import type { JsonValue } from './image-metadata.js';
import type { ImageRoute } from './image-messages.js';
import type { S3ImageReference } from './s3-image-reference.js';

/** What the caller says about an image to publish. */
export interface PublishImageMeta {
  /** Id of the source the image came from (non-empty, no spaces). */
  readonly sourceId: string;
  /** Free-form JSON facts about the image, carried in the metadata message's `metadata` field. */
  readonly attributes?: Readonly<Record<string, JsonValue>>;
  /**
   * Format of the image on the chunked and S3 routes (default: detected from its magic bytes). A
   * direct packet always records the detected format, since its reader checks the two agree.
   */
  readonly format?: ImageFormat;
}

/** Options of one {@link ImagePublisher.publish} call. */
export interface PublishImageOptions {
  /** Aborts the publish between sends and during the upload and each send; it rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** Deadline of each producer send and of the upload, in ms (default: theirs). */
  timeoutMs?: number;
}

/** What {@link ImagePublisher.publish} did with an image. */
export interface PublishedImage {
  /** How the image travelled. */
  readonly route: ImageRoute;
  /** Correlation id carried by every message of the image (`firestream-correlation-id` header). */
  readonly correlationId: string;
  /** Image id of a chunked image (also its Kafka key). */
  readonly imageId?: string;
  /** SHA-256 of the image, lowercase hex. */
  readonly sha256: string;
  /** Format of the image. */
  readonly format: ImageFormat;
  /** Size of the image in bytes. */
  readonly bytes: number;
  /** Kafka messages written, metadata message included. */
  readonly messages: number;
  /** True when a direct-size image went in chunks because its packet did not fit `topicMaxMessageBytes`. */
  readonly directFallback: boolean;
  /** The S3 reference sent, on the `s3` route. */
  readonly reference?: S3ImageReference;
}

/** A publish that failed. */
export interface ImagePublishFailure {
  /** Source id given. */
  readonly sourceId: string;
  /** Size of the image in bytes. */
  readonly bytes: number;
  /** The route chosen by size. */
  readonly route: ImageRoute;
  /** The error `publish` rejected with. */
  readonly error: unknown;
}

/** Events of an {@link ImagePublisher}. */
export interface ImagePublisherEvents {
  /** Every message of an image was acknowledged. */
  published: [image: PublishedImage];
  /** A publish rejected (nothing, or only some of the image's messages, were written). */
  failed: [failure: ImagePublishFailure];
}

/** Counters of an {@link ImagePublisher}; plain data. */
export interface ImagePublisherMetrics {
  /** Images published, by route. */
  readonly images: Readonly<Record<ImageRoute, number>>;
  /** Image bytes published, by route. */
  readonly bytes: Readonly<Record<ImageRoute, number>>;
  /** Kafka messages written for published images. */
  readonly messages: number;
  /** Direct-size images sent in chunks because the packet did not fit the topic. */
  readonly directFallbacks: number;
  /** Publishes that rejected. */
  readonly failures: number;
}
