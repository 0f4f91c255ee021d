import { z } from 'zod';
import { ErrorCodes, FirestreamError, InvalidOptionError, describeValue } from '../errors.js';
import { objectKeyProblem } from './object-key.js';

/** How the stored object of an S3 reference is compressed: `none`, `zstd` or `gzip` (RFC 1952). */
export type S3CompressionAlgorithm = 'none' | 'zstd' | 'gzip';

/**
 * The message a producer sends instead of an image that went to an object store, and that a
 * consumer parses (with {@link parseS3ImageReference}) before it downloads and verifies the image
 * (`S3ReferenceHandler.fetchAndVerify`). Snake_case fields, as on the wire. Unknown fields are
 * dropped, so a newer producer may add fields without breaking older consumers.
 */
export const S3ImageReferenceSchema = z
  .object({
    storage_type: z.literal('s3_reference'),
    s3_url: z.string().startsWith('s3://').describe('`s3://<bucket>/<key>`.'),
    http_url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).describe('HTTP(S) URL of the object (no credentials; access needs them).'),
    bucket: z.string().min(1).max(255),
    key: z.string().superRefine((key, ctx) => {
      const problem = objectKeyProblem(key);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
    image_size_bytes: z.int().min(0).describe('Size of the original image.'),
    stored_size_bytes: z.int().min(0).describe('Size of the stored object (after compression).'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters').describe('SHA-256 of the original image.'),
    compression: z.discriminatedUnion('algorithm', [
      z.object({ algorithm: z.literal('none') }),
      z.object({ algorithm: z.literal('zstd'), level: z.int() }),
      z.object({ algorithm: z.literal('gzip'), level: z.int() }),
    ]),
    format: z.string().min(1).max(32).describe('Image format from its magic bytes (`hdf5`, `tiff`, …, `unknown`).'),
    correlation_id: z.string().min(1).max(128).describe('Links the reference to the image\'s metadata record.'),
    source_id: z.string().min(1).max(256),
    uploaded_at: z.iso.datetime().describe('When the upload finished (ISO 8601, UTC).'),
  })
  .superRefine((ref, ctx) => {
    if (ref.s3_url !== `s3://${ref.bucket}/${ref.key}`) {
      ctx.addIssue({ code: 'custom', path: ['s3_url'], message: `must be "s3://" + bucket + "/" + key (s3://${ref.bucket}/${ref.key})` });
    }
    if (ref.compression.algorithm === 'none' && ref.stored_size_bytes !== ref.image_size_bytes) {
      ctx.addIssue({ code: 'custom', path: ['stored_size_bytes'], message: `must equal image_size_bytes (${ref.image_size_bytes}) when the object is not compressed` });
    }
  });

/** An S3 reference message (see {@link S3ImageReferenceSchema}). */
export type S3ImageReference = z.output<typeof S3ImageReferenceSchema>;

/**
 * What was wrong with an S3-stored image refused with `FIRESTREAM_IMAGE_CORRUPT`, in
 * `err.context.reason`: `reference` (the message is malformed, or names another bucket or a key
 * outside the prefix), `size` (the object or the decompressed image has another size than the
 * reference says), `compression` (the object does not decompress), `checksum` (SHA-256 differs).
 */
export type S3ImageCorruptReason = 'reference' | 'size' | 'compression' | 'checksum';

/** A `FIRESTREAM_IMAGE_CORRUPT` error about an S3-stored image. */
export function s3ImageCorrupt(reason: S3ImageCorruptReason, message: string, context: Record<string, unknown> = {}, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.IMAGE_CORRUPT, `S3 image reference check failed: ${message}`, { cause, context: { ...context, reason } });
}

/** The first problem zod found in `input`: the field's dotted path, the message and the value there. */
function firstIssue(error: z.ZodError, input: unknown): { field: string; message: string; received: unknown } {
  const issue = error.issues[0];
  let received: unknown = input;
  for (const part of issue?.path ?? []) received = received !== null && typeof received === 'object' ? (received as Record<PropertyKey, unknown>)[part] : undefined;
  return { field: issue?.path.map(String).join('.') || '(root)', message: issue?.message ?? 'is invalid', received };
}

/**
 * Parses an S3 reference message (an object, or its JSON text or bytes).
 *
 * @throws `FirestreamError` `IMAGE_CORRUPT` (`reason: 'reference'`) naming the first bad field.
 */
export function parseS3ImageReference(value: unknown): S3ImageReference {
  let input = value;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      input = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    } catch (err) {
      throw s3ImageCorrupt('reference', 'the reference is not valid JSON.', {}, err);
    }
  }
  const result = S3ImageReferenceSchema.safeParse(input);
  if (result.success) return result.data;
  const { field, message, received } = firstIssue(result.error, input);
  throw s3ImageCorrupt('reference', `field "${field}" ${message} (got ${describeValue(received)}).`, { field });
}

/**
 * Builds the reference of an upload from its fields, checked by {@link S3ImageReferenceSchema}.
 *
 * @throws `FirestreamError` `INVALID_RECORD` naming the first bad field and its value.
 */
export function buildS3ImageReference(fields: S3ImageReference): S3ImageReference {
  const result = S3ImageReferenceSchema.safeParse(fields);
  if (result.success) return result.data;
  const { field, message, received } = firstIssue(result.error, fields);
  throw new FirestreamError(ErrorCodes.INVALID_RECORD, `The S3 reference of "${fields.key}" would be invalid: field "${field}" ${message} (got ${describeValue(received)}).`, {
    context: { key: fields.key, field },
  });
}

/** Reference fields an upload's caller sets, and the option that sets each. */
const CALLER_FIELDS = { source_id: 'meta.sourceId', correlation_id: 'meta.correlationId', format: 'meta.format' } as const;

/**
 * Checks a value the caller of an upload gives for a reference field (`source_id`,
 * `correlation_id`, `format`) against {@link S3ImageReferenceSchema}, before anything is uploaded.
 *
 * @throws {@link InvalidOptionError} naming the option (`meta.sourceId`, …) and the value.
 */
export function validateReferenceText(field: keyof typeof CALLER_FIELDS, value: unknown): string {
  const schema = S3ImageReferenceSchema.shape[field];
  if (typeof value === 'string' && schema.safeParse(value).success) return value;
  throw new InvalidOptionError(CALLER_FIELDS[field], value, `must be a string of ${schema.minLength ?? 0} to ${schema.maxLength ?? 'any number of'} characters (the reference's ${field})`);
}
