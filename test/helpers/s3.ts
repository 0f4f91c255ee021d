import { randomBytes } from 'node:crypto';
import { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import type { S3ObjectStoreOptions } from '../../src/imagery/s3-object-store.js';

/** The S3-compatible server the integration tests use (see test/setup/global-s3.ts). */
export interface S3TestEnv {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * S3_ENDPOINT, S3_REGION, S3_BUCKET and the credentials: set by the developer, or by the global
 * setup for the S3Proxy it started.
 */
export function s3TestEnv(): S3TestEnv {
  const { S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = process.env;
  if (!S3_ENDPOINT || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) {
    throw new Error('S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are not set: run integration tests through `npm test` (the global setup starts S3Proxy)');
  }
  return { endpoint: S3_ENDPOINT, region: S3_REGION ?? 'us-east-1', bucket: S3_BUCKET ?? 'firestream-test', accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY };
}

/** An S3ObjectStore on the test server (path style), with `overrides`. */
export function testS3Store(overrides: Partial<S3ObjectStoreOptions> = {}): S3ObjectStore {
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3TestEnv();
  return new S3ObjectStore({ endpoint, region, bucket, accessKeyId, secretAccessKey, forcePathStyle: true, ...overrides });
}

/** A key prefix no other test run uses, ending with `/`. */
export function uniqueKeyPrefix(name: string): string {
  return `test-${name}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`;
}
