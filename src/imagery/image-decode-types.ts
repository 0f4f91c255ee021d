/**
 * Messages in, results, events and metrics of `ImageMessageDecoder`.
 *
 * @module
 */
import type { ImageFormat } from './image-format.js';
import type { ImageMetadataMessage } from './image-metadata.js';
import type { ImageMessageKind, ImageRoute, IncomingHeaders } from './image-messages.js';
import type { IncompleteReason } from './reassembly-types.js';
import type { S3ImageReference } from './s3-image-reference.js';

/** One message of the imagery topic, as a Kafka consumer hands it over. */
export interface IncomingImageMessage {
  /** Message headers. */
  readonly headers?: IncomingHeaders;
  /** Message key. */
  readonly key?: Buffer | string | null;
  /** Message value. */
  readonly value: Buffer | null;
}

/** An image given back whole and verified against its SHA-256. */
export interface AssembledImage {
  /** How it travelled. */
  readonly route: ImageRoute;
  /** Its correlation id. */
  readonly correlationId: string;
  /** Image id, for a chunked image. */
  readonly imageId?: string;
  /** Source id, from the metadata message or the S3 reference. */
  readonly sourceId?: string;
  /** The original bytes. */
  readonly bytes: Buffer;
  /** Verified SHA-256 of `bytes`, lowercase hex. */
  readonly sha256: string;
  /** Format of the image. */
  readonly format: ImageFormat;
  /** The image's metadata message (with the producer's attributes), when it was read before the image. */
  readonly metadata?: ImageMetadataMessage;
  /** The S3 reference, on the `s3` route. */
  readonly reference?: S3ImageReference;
}

/**
 * Outcome of {@link ImageMessageDecoder.decode}. `imageKey` ties the messages of one image together
 * (its image id when chunked, else its correlation id); `ignored` messages are not image messages
 * (no or unknown `firestream-image-kind`) or duplicate chunks.
 */
export type ImageDecodeResult =
  | { readonly status: 'image'; readonly imageKey: string; readonly image: AssembledImage }
  | { readonly status: 'pending'; readonly imageKey: string; readonly imageId: string; readonly received: number; readonly total: number }
  | { readonly status: 'metadata'; readonly imageKey: string; readonly correlationId: string; readonly metadata: ImageMetadataMessage }
  | { readonly status: 'ignored'; readonly imageKey?: string; readonly reason: 'unknown-kind' | 'duplicate' };

/** Why the decoder gave up an image before handing it over: the reassembler's reasons, or `corrupt`. */
export type ImageDropReason = IncompleteReason | 'corrupt';

/** Payload of the `dropped` event. */
export interface ImageDroppedEvent {
  /** The `imageKey` of the image's messages. */
  readonly imageKey: string;
  /** Why: chunks or the image missing at expiry (`timeout`), evicted for newer ones (`memory_cap`), `closed`, or a message of it refused (`corrupt`). */
  readonly reason: ImageDropReason;
  /**
   * `image`: the image itself was given up (`imageKey` as in its decode results); only `corrupt`
   * means its messages are bad, after `timeout` or `memory_cap` reading them again can complete it.
   * `metadata`: only a pending metadata message was let go (`imageKey` is its correlation id);
   * its image, when it comes, is handed over without it.
   */
  readonly scope: 'image' | 'metadata';
}

/** Events of an {@link ImageMessageDecoder}. */
export interface ImageMessageDecoderEvents {
  /** An image (or a pending metadata message) was given up; see {@link ImageDroppedEvent.scope}. */
  dropped: [event: ImageDroppedEvent];
}

/** Counters of an {@link ImageMessageDecoder}; plain data. */
export interface ImageMessageDecoderMetrics {
  /** Messages decoded, by kind. */
  readonly messages: Readonly<Record<ImageMessageKind, number>>;
  /** Images handed over, by route. */
  readonly images: Readonly<Record<ImageRoute, number>>;
  /** Image bytes handed over, by route. */
  readonly bytes: Readonly<Record<ImageRoute, number>>;
  /** Messages without a known `firestream-image-kind`. */
  readonly unknownKind: number;
  /** Duplicate chunks. */
  readonly duplicates: number;
  /** Messages refused with an error. */
  readonly failures: number;
  /** Metadata messages waiting for their image. */
  readonly pendingMetadata: number;
  /** Metadata messages dropped unused (expired, evicted, closed). */
  readonly metadataDropped: number;
}
