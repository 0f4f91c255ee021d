import { describe, expect, it } from 'vitest';
import type { FirestreamError } from '../../src/errors.js';
import { ErrorCodes } from '../../src/errors.js';
import { parseS3ImageReference, S3ImageReferenceSchema } from '../../src/imagery/s3-image-reference.js';

const valid = {
  storage_type: 's3_reference',
  s3_url: 's3://fire-images/images/landsat_8/2026/01/01/1767225600000_157286400_0123456789abcdef.h5',
  http_url: 'http://127.0.0.1:9000/fire-images/images/landsat_8/2026/01/01/1767225600000_157286400_0123456789abcdef.h5',
  bucket: 'fire-images',
  key: 'images/landsat_8/2026/01/01/1767225600000_157286400_0123456789abcdef.h5',
  image_size_bytes: 157_286_400,
  stored_size_bytes: 157_286_400,
  sha256: '0123456789abcdef'.repeat(4),
  compression: { algorithm: 'none' },
  format: 'hdf5',
  correlation_id: '1767225600000_157286400_0123456789abcdef',
  source_id: 'landsat_8',
  uploaded_at: '2026-01-01T00:00:00.000Z',
} as const;

function corrupt(value: unknown): FirestreamError {
  try {
    parseS3ImageReference(value);
  } catch (err) {
    return err as FirestreamError;
  }
  throw new Error('expected IMAGE_CORRUPT');
}

describe('S3 image references', () => {
  it('parses an object, its JSON text and its bytes alike, dropping unknown fields', () => {
    const withExtra = { ...valid, added_in_v2: true };
    expect(parseS3ImageReference(withExtra)).toEqual(valid);
    expect(parseS3ImageReference(JSON.stringify(valid))).toEqual(valid);
    expect(parseS3ImageReference(Buffer.from(JSON.stringify(valid)))).toEqual(valid);
    expect(S3ImageReferenceSchema.parse({ ...valid, compression: { algorithm: 'zstd', level: 3 }, stored_size_bytes: 10 }).compression).toEqual({ algorithm: 'zstd', level: 3 });
  });

  it.each([
    ['storage_type', { storage_type: 'inline' }],
    ['sha256', { sha256: 'XYZ' }],
    ['key', { key: 'images/../etc/passwd', s3_url: 's3://fire-images/images/../etc/passwd' }],
    ['s3_url', { s3_url: 's3://other/images/x.h5' }],
    ['stored_size_bytes', { stored_size_bytes: 1 }],
    ['compression.algorithm', { compression: { algorithm: 'brotli' } }],
    ['image_size_bytes', { image_size_bytes: -1 }],
    ['uploaded_at', { uploaded_at: 'yesterday' }],
    ['http_url', { http_url: 'javascript:alert(1)' }],
    ['http_url', { http_url: 'file:///etc/passwd' }],
    ['http_url', { http_url: 'ftp://fire-images/x.h5' }],
  ])('refuses a bad %s with IMAGE_CORRUPT naming the field', (field, change) => {
    const err = corrupt({ ...valid, ...change });
    expect([err.code, err.context.reason, err.context.field]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'reference', field]);
    expect(err.message).toContain(`field "${field}"`);
  });

  it('accepts http and https URLs only', () => {
    expect(parseS3ImageReference({ ...valid, http_url: 'https://fire-images.s3.us-east-1.amazonaws.com/x.h5' }).http_url).toBe('https://fire-images.s3.us-east-1.amazonaws.com/x.h5');
    expect(corrupt({ ...valid, http_url: 'data:text/html,<script>' }).message).toContain('field "http_url" must be an http:// or https:// URL');
  });

  it('refuses text that is not JSON, and a value that is not an object', () => {
    expect(corrupt('{not json').message).toMatch(/not valid JSON/);
    expect(corrupt(42).context.field).toBe('(root)');
  });
});
