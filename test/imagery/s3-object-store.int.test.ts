// S3ObjectStore and S3ReferenceHandler against a real S3-compatible server: the S3Proxy the
// global setup starts (test/setup/global-s3.ts), or the server S3_ENDPOINT names.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import type { ObjectStore, StoredObject } from '../../src/imagery/object-store.js';
import type { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import { runObjectStoreContract } from '../../src/testing/object-store-contract.js';
import { s3TestEnv, testS3Store, uniqueKeyPrefix } from '../helpers/s3.js';
import { rejection } from './rejection.js';

const MiB = 1_048_576;
const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

const stores: S3ObjectStore[] = [];
const store = (overrides: Parameters<typeof testS3Store>[0] = {}): S3ObjectStore => {
  const s = testS3Store(overrides);
  stores.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

/** Synthetic HDF5 image: the magic, then incompressible bytes. */
function syntheticHdf5(size: number): Buffer {
  const image = randomBytes(size);
  HDF5_MAGIC.copy(image, 0);
  return image;
}

runObjectStoreContract('S3ObjectStore (S3Proxy)', () => ({ store: store(), newKey: () => uniqueKeyPrefix('contract').slice(0, -1) }), { describe, it, expect, beforeAll, afterAll }, { timeoutMs: 60_000 });

describe('S3ReferenceHandler against a real S3 server', () => {
  it('uploads a 150 MB HDF5 image in parts and fetches it back with the same SHA-256', async () => {
    const s3 = store();
    const prefix = uniqueKeyPrefix('big');
    // Keeps what the real store answered to each put (its ETag tells a multipart upload).
    const puts: StoredObject[] = [];
    const recording: ObjectStore = {
      bucket: s3.bucket,
      put: async (key, body, options) => {
        const stored = await s3.put(key, body, options);
        puts.push(stored);
        return stored;
      },
      get: (key, options) => s3.get(key, options),
      head: (key, options) => s3.head(key, options),
      delete: (key, options) => s3.delete(key, options),
      url: (key) => s3.url(key),
    };
    const handler = new S3ReferenceHandler({ store: recording, prefix });
    const image = syntheticHdf5(150 * MiB);
    const sha256 = createHash('sha256').update(image).digest('hex');
    expect(handler.shouldUseS3(image.length)).toBe(true);

    let started = performance.now();
    const reference = await handler.uploadImage(image, { sourceId: 'landsat_8', format: 'hdf5' });
    const uploadSeconds = (performance.now() - started) / 1000;
    expect(reference).toMatchObject({ storage_type: 's3_reference', bucket: s3TestEnv().bucket, image_size_bytes: image.length, stored_size_bytes: image.length, sha256, format: 'hdf5', compression: { algorithm: 'none' } });
    expect(reference.key.startsWith(prefix) && reference.key.endsWith('.h5')).toBe(true);
    // A multipart upload's ETag ends in -<parts>: 150 MiB in 8 MiB parts is 19 parts.
    expect(puts.map((p) => [p.key, p.etag?.replace(/^.*-/, 'parts: ')])).toEqual([[reference.key, 'parts: 19']]);
    expect((await s3.head(reference.key))?.size).toBe(image.length);

    started = performance.now();
    const fetched = await handler.fetchAndVerify(JSON.stringify(reference), { maxBytes: 200 * MiB });
    const downloadSeconds = (performance.now() - started) / 1000;
    expect(createHash('sha256').update(fetched).digest('hex')).toBe(sha256);
    expect(fetched.subarray(0, 8).equals(HDF5_MAGIC)).toBe(true);
    console.info(`[s3] 150 MiB: upload ${(150 / uploadSeconds).toFixed(1)} MiB/s (${uploadSeconds.toFixed(2)} s), fetch+verify ${(150 / downloadSeconds).toFixed(1)} MiB/s (${downloadSeconds.toFixed(2)} s)`);
    await s3.delete(reference.key);
  }, 300_000);

  it('uploads a stream of unknown length larger than a part in parts, bytes in order', async () => {
    const s3 = store();
    const key = `${uniqueKeyPrefix('unsized')}big.bin`;
    const body = randomBytes(20 * MiB);
    const pieces = Array.from({ length: 20 }, (_, i) => body.subarray(i * MiB, (i + 1) * MiB));
    const stored = await s3.put(key, Readable.from(pieces));
    expect(stored.etag?.replace(/^.*-/, 'parts: ')).toBe('parts: 3'); // 8 + 8 + 4 MiB
    expect((await s3.get(key)).equals(body)).toBe(true);
    await s3.delete(key);
  });

  it('round-trips a zstd-compressed image and refuses a tampered one with IMAGE_CORRUPT', async () => {
    const s3 = store();
    const handler = new S3ReferenceHandler({ store: s3, prefix: uniqueKeyPrefix('zstd'), compression: 'zstd' });
    const image = Buffer.concat([HDF5_MAGIC, Buffer.alloc(6 * MiB, 'fire pixels ')]);
    const reference = await handler.uploadImage(image, { sourceId: 'goes_16', format: 'hdf5' });
    expect(reference.compression).toEqual({ algorithm: 'zstd', level: 3 });
    expect(reference.stored_size_bytes).toBeLessThan(image.length / 10);
    expect((await handler.fetchAndVerify(reference)).equals(image)).toBe(true);

    const plain = new S3ReferenceHandler({ store: s3, prefix: uniqueKeyPrefix('tamper') });
    const raw = await plain.uploadImage(Buffer.from('original image'), { sourceId: 'goes_16' });
    await s3.put(raw.key, Buffer.from('tampered image'));
    const err = await rejection(plain.fetchAndVerify(raw));
    expect([err.code, err.context.reason]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'checksum']);
    await Promise.all([s3.delete(reference.key), s3.delete(raw.key)]);
  });

  it('refuses references outside the prefix or bucket and keys that escape, before any request', async () => {
    const s3 = store();
    const handler = new S3ReferenceHandler({ store: s3, prefix: uniqueKeyPrefix('escape') });
    const reference = await handler.uploadImage(Buffer.from('x'), { sourceId: 'src' });
    const outside = { ...reference, key: 'other/secret.bin', s3_url: `s3://${reference.bucket}/other/secret.bin` };
    expect((await rejection(handler.fetchAndVerify(outside))).context.reason).toBe('reference');
    const traversal = { ...reference, key: `${reference.key}/../../x`, s3_url: `s3://${reference.bucket}/${reference.key}/../../x` };
    expect((await rejection(handler.fetchAndVerify(traversal))).code).toBe(ErrorCodes.IMAGE_CORRUPT);
    const otherBucket = { ...reference, bucket: 'another-bucket', s3_url: `s3://another-bucket/${reference.key}` };
    expect((await rejection(handler.fetchAndVerify(otherBucket))).context.reason).toBe('reference');
    for (const key of ['../outside', '/abs', 'a/../../b', 'ctl\u0001']) {
      expect((await rejection(s3.put(key, Buffer.from('x')))).code).toBe(ErrorCodes.INVALID_OPTION);
    }
    await s3.delete(reference.key);
  });
});

describe('S3ObjectStore errors against a real S3 server', () => {
  it('wrong credentials: access_denied, not retryable, and no secret in message, context, JSON or inspect', async () => {
    const secret = `wrong-${randomBytes(12).toString('hex')}`;
    const { secretAccessKey } = s3TestEnv();
    const bad = store({ secretAccessKey: secret, sessionToken: `token-${randomBytes(8).toString('hex')}` });
    const err = await rejection(bad.put(`${uniqueKeyPrefix('creds')}x`, Buffer.from('x')));
    expect([err.code, err.retryable, err.context.reason, err.context.status]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, false, 'access_denied', 403]);
    const views = [err.message, JSON.stringify(err.context), JSON.stringify(err), inspect(err, { depth: 8 }), inspect(bad, { depth: 8 }), JSON.stringify(bad)];
    for (const text of views) {
      expect(text.includes(secret) || text.includes(secretAccessKey) || text.includes('token-')).toBe(false);
    }
  });

  it('a missing bucket is no_such_bucket; a closed port is a retryable network failure; a passed deadline a retryable timeout', async () => {
    const missing = await rejection(store({ bucket: `missing-${randomBytes(4).toString('hex')}` }).put('k', Buffer.from('x')));
    expect([missing.context.reason, missing.retryable]).toEqual(['no_such_bucket', false]);

    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const closed = await rejection(store({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }).get('k'));
    expect([closed.code, closed.context.reason, closed.retryable]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, 'network', true]);

    const slow = await rejection(store().put(`${uniqueKeyPrefix('slow')}big`, randomBytes(40 * MiB), { timeoutMs: 5 }));
    expect([slow.context.reason, slow.retryable]).toEqual(['timeout', true]);
  });

  it('an aborted multipart upload leaves no object and no unfinished upload behind', async () => {
    const s3 = store();
    const prefix = uniqueKeyPrefix('abort');
    const key = `${prefix}big.bin`;
    const controller = new AbortController();
    const pending = s3.put(key, randomBytes(64 * MiB), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await rejection(pending)).code).toBe(ErrorCodes.ABORTED);
    const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3TestEnv();
    const raw = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
    try {
      // The parts in flight finish, then the upload is aborted in the background.
      await expect.poll(async () => (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? [], { timeout: 10_000, interval: 200 }).toEqual([]);
    } finally {
      raw.destroy();
    }
    expect(await s3.head(key)).toBe(undefined);
  });

  it('regression: a put of one request aborted or timed out in flight stores nothing', async () => {
    // 48 MiB in one request (parts of 64 MiB) takes most of a second to send: the abort falls in it.
    const s3 = store({ partSizeBytes: 64 * MiB });
    await s3.head('warm-up'); // the SDK is loaded: the deadline falls in the request
    const prefix = uniqueKeyPrefix('single');
    const controller = new AbortController();
    const aborted = rejection(s3.put(`${prefix}aborted.bin`, randomBytes(48 * MiB), { signal: controller.signal }));
    const late = rejection(s3.put(`${prefix}late.bin`, randomBytes(48 * MiB), { timeoutMs: 50 }));
    setTimeout(() => controller.abort(), 50);
    const [abortErr, lateErr] = await Promise.all([aborted, late]);
    expect([abortErr.code, lateErr.context.reason]).toEqual([ErrorCodes.ABORTED, 'timeout']);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect([await s3.head(`${prefix}aborted.bin`), await s3.head(`${prefix}late.bin`)]).toEqual([undefined, undefined]);
  });

  it('regression: a deadline that passes while the SDK is loading stores nothing', async () => {
    const slowImport = async (specifier: string): Promise<unknown> => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return import(specifier);
    };
    const s3 = store({ importModule: slowImport });
    const key = `${uniqueKeyPrefix('loading')}k.bin`;
    const err = await rejection(s3.put(key, randomBytes(24 * MiB), { timeoutMs: 20 }));
    expect([err.context.reason, err.retryable]).toEqual(['timeout', true]);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await s3.head(key)).toBe(undefined);
  });
});
