import { z } from 'zod';
import { positiveDurationMs, positiveInt, ratio } from './common.js';
import { ALWAYS, readable } from './refine.js';
import { topicNameSchema } from './topic-name.js';

const MiB = 1_048_576;

/** An S3-compatible object store for images over the chunking limit. */
export const S3Schema = z
  .strictObject({
    bucket: z.string().min(3).max(63).describe('Bucket name.'),
    region: z.string().min(1).default('us-east-1').describe('Region.'),
    endpoint: z.url().optional().describe('Endpoint URL of an S3-compatible server (MinIO, …); AWS when absent. A password in it is redacted in logs.'),
    forcePathStyle: z.boolean().default(false).describe('Use path-style URLs (most S3-compatible servers need it).'),
    prefix: z.string().default('images/').describe('Key prefix of uploaded objects.'),
    accessKeyId: z.string().min(1).optional().describe('Access key id; the SDK credential chain when absent.'),
    secretAccessKey: z.string().min(1).optional().describe('Secret access key. Secret: redacted in logs.'),
    sessionToken: z.string().min(1).optional().describe('Session token of temporary credentials. Secret: redacted in logs.'),
  })
  .superRefine((s3, ctx) => {
    if (!readable(ctx, ['accessKeyId'], ['secretAccessKey'])) return;
    if ((s3.accessKeyId === undefined) !== (s3.secretAccessKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [s3.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'], message: 'accessKeyId and secretAccessKey must be given together' });
    }
  }, ALWAYS);

/** Binary images: sent whole, in chunks, or through S3 by size. Sizes in bytes (MiB = 1,048,576 bytes). */
export const ImagesSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Handle binary images; when false, image records are refused and `topic` need not be declared in `topics`.'),
    topic: topicNameSchema.default('wildfire-satellite-imagery').describe('Topic of image records, chunks and S3 references.'),
    directMaxBytes: positiveInt().default(20 * MiB).describe('Images up to this size are sent in one record (20 MiB).'),
    chunkedMaxBytes: positiveInt().default(100 * MiB).describe('Images up to this size are chunked; larger ones go to S3 (100 MiB).'),
    chunkSizeBytes: positiveInt().default(5 * MiB).describe("Size of one chunk (5 MiB); never more than the topic's maxMessageBytes."),
    reassemblyTimeoutMs: positiveDurationMs().default(300_000).describe('How long a consumer waits for the missing chunks of an image, in ms.'),
    maxReassemblyBytes: positiveInt().default(256 * MiB).describe('Memory cap of the image buffers being reassembled, in bytes (at least chunkedMaxBytes; per-chunk bookkeeping is not counted).'),
    minCompressionSavings: ratio().default(0.1).describe('Compress an image only when that saves more than this share (0..1) of its size.'),
    s3: S3Schema.optional().describe('Object store for images over chunkedMaxBytes; such images are refused when absent.'),
  })
  .superRefine((images, ctx) => {
    if (readable(ctx, ['chunkSizeBytes'], ['directMaxBytes']) && images.chunkSizeBytes > images.directMaxBytes) {
      ctx.addIssue({ code: 'custom', path: ['chunkSizeBytes'], message: `must not exceed images.directMaxBytes (${images.directMaxBytes})` });
    }
    if (readable(ctx, ['directMaxBytes'], ['chunkedMaxBytes']) && images.directMaxBytes > images.chunkedMaxBytes) {
      ctx.addIssue({ code: 'custom', path: ['directMaxBytes'], message: `must not exceed images.chunkedMaxBytes (${images.chunkedMaxBytes})` });
    }
    if (readable(ctx, ['maxReassemblyBytes'], ['chunkedMaxBytes']) && images.maxReassemblyBytes < images.chunkedMaxBytes) {
      ctx.addIssue({ code: 'custom', path: ['maxReassemblyBytes'], message: `must be at least images.chunkedMaxBytes (${images.chunkedMaxBytes}) to reassemble the largest chunked image` });
    }
  }, ALWAYS);
