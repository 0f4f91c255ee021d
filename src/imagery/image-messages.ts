/**
 * The messages of the imagery topic: their kinds, headers and keys, shared by `ImagePublisher`
 * (which writes them) and `ImageMessageDecoder` (which reads them).
 *
 * @module
 */
import { z } from 'zod';
import { ErrorCodes, FirestreamError } from '../errors.js';
import type { OutgoingMessage } from '../producer/record-producer.js';
import { IMAGE_FORMATS } from './image-format.js';
import type { ImageFormat } from './image-format.js';
import { IMAGE_COMPRESSIONS } from './image-header.js';
import type { ImageCompression } from './image-header.js';
import { IMAGE_ID_HEADER, IMAGE_KIND_CHUNK, IMAGE_KIND_HEADER } from './image-id.js';
import { DEFAULT_MAX_METADATA_BYTES } from './image-metadata.js';
import type { ImageMetadataMessage, JsonValue } from './image-metadata.js';

/** Kafka header carrying the correlation id of every message of an image. */
export const IMAGE_CORRELATION_HEADER = 'firestream-correlation-id';

/** Value of {@link IMAGE_KIND_HEADER} on the JSON metadata message that starts every image. */
export const IMAGE_KIND_METADATA = 'metadata';

/** Value of {@link IMAGE_KIND_HEADER} on a direct packet (`BinaryImageSerializer` format). */
export const IMAGE_KIND_PACKET = 'packet';

/** Value of {@link IMAGE_KIND_HEADER} on an S3 reference message. */
export const IMAGE_KIND_REFERENCE = 'reference';

/** What a message on the imagery topic holds, from its {@link IMAGE_KIND_HEADER}. */
export type ImageMessageKind = typeof IMAGE_KIND_METADATA | typeof IMAGE_KIND_PACKET | typeof IMAGE_KIND_CHUNK | typeof IMAGE_KIND_REFERENCE;

/** Every {@link ImageMessageKind}. */
export const IMAGE_MESSAGE_KINDS: readonly ImageMessageKind[] = Object.freeze([IMAGE_KIND_METADATA, IMAGE_KIND_PACKET, IMAGE_KIND_CHUNK, IMAGE_KIND_REFERENCE]);

/**
 * How an image travelled: `direct` (metadata + one packet), `chunked` (metadata + chunks) or `s3`
 * (metadata + a reference to an object store).
 */
export type ImageRoute = 'direct' | 'chunked' | 's3';

/** Headers as a Kafka client hands them over (kafkajs: a value may be a list when a header repeats). */
export type IncomingHeaders = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;

/** The first value of header `name` as text, or `undefined`. */
export function headerText(headers: IncomingHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? (raw[0] as Buffer | string | undefined) : (raw as Buffer | string | undefined);
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Headers of an image message of `kind`; `imageId` is set on every message of a chunked image. */
export function imageMessageHeaders(kind: ImageMessageKind, correlationId: string, imageId?: string): Record<string, string> {
  const headers: Record<string, string> = { [IMAGE_KIND_HEADER]: kind, [IMAGE_CORRELATION_HEADER]: correlationId };
  if (imageId !== undefined) headers[IMAGE_ID_HEADER] = imageId;
  return headers;
}

/**
 * Bytes a message takes in a record batch as far as firestream can count them: value, key, header
 * names and values, plus `overheadBytes` for the framing it cannot count.
 */
export function messageBytes(message: OutgoingMessage, overheadBytes: number): number {
  let bytes = overheadBytes + byteLength(message.value) + byteLength(message.key ?? null);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + byteLength(value);
  return bytes;
}

function byteLength(value: Buffer | string | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/**
 * Splits `messages` into consecutive groups, in order, whose {@link messageBytes} add up to at most
 * `budgetBytes`; a message larger than the budget goes alone. Kafka checks `max.message.bytes`
 * against a whole record batch, and a client puts all messages of one partition and request into
 * one batch, so each group is one request the broker accepts.
 */
export function groupByBytes(messages: readonly OutgoingMessage[], budgetBytes: number, overheadBytes: number): OutgoingMessage[][] {
  const groups: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let used = 0;
  for (const message of messages) {
    const size = messageBytes(message, overheadBytes);
    if (current.length > 0 && used + size > budgetBytes) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(message);
    used += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** What {@link imageMetadataMessage} needs. */
export interface ImageMetadataFields {
  /** Correlation id of the image. */
  readonly correlationId: string;
  /** Source id. */
  readonly sourceId: string;
  /** Image format. */
  readonly format: ImageFormat;
  /** Size of the image in bytes. */
  readonly imageSize: number;
  /** SHA-256 of the image, lowercase hex. */
  readonly sha256: string;
  /** Epoch ms of the correlation id. */
  readonly timestamp: number;
  /** Validated caller attributes. */
  readonly attributes: Readonly<Record<string, JsonValue>>;
}

/**
 * The metadata message of a chunked or S3 image, in the shape `BinaryImageSerializer` gives direct
 * images: `compression` is `none` and `stored_size_bytes` the image size, because chunks carry the
 * image as is (an S3 reference says itself how its object is stored).
 */
export function imageMetadataMessage(fields: ImageMetadataFields): ImageMetadataMessage {
  return Object.freeze({
    correlation_id: fields.correlationId,
    source_id: fields.sourceId,
    format: fields.format,
    compression: 'none',
    image_size_bytes: fields.imageSize,
    stored_size_bytes: fields.imageSize,
    sha256: fields.sha256,
    timestamp: new Date(Math.floor(fields.timestamp)).toISOString(),
    metadata: fields.attributes,
  });
}

/** zod schema of an {@link ImageMetadataMessage} read from the topic; unknown fields are dropped. */
export const ImageMetadataMessageSchema = z.object({
  correlation_id: z.string().min(1).max(128),
  source_id: z.string().min(1),
  format: z.enum(IMAGE_FORMATS as [ImageFormat, ...ImageFormat[]]),
  compression: z.enum(IMAGE_COMPRESSIONS as [ImageCompression, ...ImageCompression[]]),
  image_size_bytes: z.int().min(0),
  stored_size_bytes: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  timestamp: z.iso.datetime(),
  metadata: z.record(z.string(), z.json()),
});

/** Bytes a metadata message may take beyond its caller attributes (the fixed fields, with room to spare). */
export const METADATA_ENVELOPE_BYTES = 4_096;

/** Deepest nesting of arrays and objects read in a metadata message. */
export const MAX_METADATA_DEPTH = 64;

/** Deepest nesting of `[` and `{` in JSON text, outside strings; stops counting past `limit`. */
function jsonDepth(text: Buffer, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return deepest;
}

/**
 * Parses a metadata message (JSON bytes) whose caller attributes take at most `maxMetadataBytes`
 * (the message at most that plus {@link METADATA_ENVELOPE_BYTES}), nested at most
 * {@link MAX_METADATA_DEPTH} deep; both are checked before the JSON is parsed.
 *
 * @throws `FIRESTREAM_IMAGE_CORRUPT` (`context.reason: 'metadata'`) naming the first bad field.
 */
export function parseImageMetadataMessage(value: Uint8Array, maxMetadataBytes = DEFAULT_MAX_METADATA_BYTES): ImageMetadataMessage {
  const maxBytes = maxMetadataBytes + METADATA_ENVELOPE_BYTES;
  if (value.byteLength > maxBytes) {
    throw imageMessageCorrupt('metadata', `the metadata message is ${value.byteLength} bytes, more than ${maxBytes} (maxMetadataBytes ${maxMetadataBytes} + ${METADATA_ENVELOPE_BYTES}).`, {
      bytes: value.byteLength,
      maxBytes,
    });
  }
  const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (jsonDepth(text, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH) {
    throw imageMessageCorrupt('metadata', `the metadata message nests arrays or objects more than ${MAX_METADATA_DEPTH} deep.`, { maxDepth: MAX_METADATA_DEPTH });
  }
  let input: unknown;
  try {
    input = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw imageMessageCorrupt('metadata', 'the metadata message is not valid JSON.', {}, err);
  }
  const result = ImageMetadataMessageSchema.safeParse(input);
  if (result.success) return Object.freeze(result.data) as ImageMetadataMessage;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(root)';
  throw imageMessageCorrupt('metadata', `field "${field}" of the metadata message ${issue?.message ?? 'is invalid'}.`, { field });
}

/**
 * Why a message of the imagery topic was refused, beyond the packet, chunk and reference checks:
 * `empty` (no value), `metadata` (a metadata message that is not valid), `correlation` (a missing
 * correlation header, or one that disagrees with the message).
 */
export type ImageMessageCorruptReason = 'empty' | 'metadata' | 'correlation';

/** A `FIRESTREAM_IMAGE_CORRUPT` error about an image message, with `context.reason`. */
export function imageMessageCorrupt(reason: ImageMessageCorruptReason, message: string, context: Record<string, unknown> = {}, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.IMAGE_CORRUPT, `Image message is corrupt: ${message}`, { cause, context: { ...context, reason } });
}

/** The error an image publish, decode or read rejects with when its AbortSignal aborts (`ABORTED`). */
export function imageAborted(operation: string, signal: AbortSignal): FirestreamError {
  return new FirestreamError(ErrorCodes.ABORTED, `Image ${operation} was aborted by its AbortSignal.`, { cause: signal.reason, context: { operation } });
}
