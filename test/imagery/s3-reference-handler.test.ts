import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import type { ObjectStore } from '../../src/imagery/object-store.js';
import type { S3ImageReference } from '../../src/imagery/s3-image-reference.js';
import type { S3ReferenceHandlerOptions } from '../../src/imagery/s3-reference-handler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { rejection } from './rejection.js';

const MiB = 1_048_576;
const HDF5 = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function setup(options: Partial<S3ReferenceHandlerOptions> = {}): { store: InMemoryObjectStore; handler: S3ReferenceHandler; clock: FakeClock } {
  const clock = new FakeClock(Date.UTC(2026, 7, 15, 12));
  const store = new InMemoryObjectStore({ bucket: 'fire-images', clock });
  return { store, clock, handler: new S3ReferenceHandler({ store, clock, ...options }) };
}

/** Random (incompressible) bytes after the HDF5 magic. */
function noise(size: number): Buffer {
  const out = randomBytes(size);
  HDF5.copy(out);
  return out;
}

describe('S3ReferenceHandler thresholds', () => {
  it('uses the images defaults: direct up to 20 MiB, chunked up to 100 MiB, S3 above', () => {
    const { handler } = setup();
    expect([handler.shouldUseChunking(20 * MiB), handler.shouldUseChunking(20 * MiB + 1), handler.shouldUseChunking(100 * MiB), handler.shouldUseChunking(100 * MiB + 1)]).toEqual([false, true, true, false]);
    expect([handler.shouldUseS3(100 * MiB), handler.shouldUseS3(100 * MiB + 1)]).toEqual([false, true]);
  });

  it('refuses bad options, naming them', () => {
    const store = new InMemoryObjectStore();
    expect(() => new S3ReferenceHandler({ store, directMaxBytes: 10, chunkedMaxBytes: 5 })).toThrow(/directMaxBytes.*chunkedMaxBytes \(5\)/);
    expect(() => new S3ReferenceHandler({ store, prefix: 'images' })).toThrow(/prefix.*must end with "\/"/);
    expect(() => new S3ReferenceHandler({ store: {} as never })).toThrow(/S3ReferenceHandler\.store/);
    expect(() => new S3ReferenceHandler({ store, compression: 'brotli' as never })).toThrow(/S3ReferenceHandler\.compression/);
  });
});

describe('S3ReferenceHandler uploads', () => {
  it('stores the image under prefix/source/date/correlation id and returns a valid reference', async () => {
    const { store, handler } = setup();
    const image = noise(4096);
    const uploaded: S3ImageReference[] = [];
    handler.on('uploaded', (r) => uploaded.push(r));
    const ref = await handler.uploadImage(image, { sourceId: 'landsat 8/../x', format: 'hdf5' });
    const correlation = `${Date.UTC(2026, 7, 15, 12)}_4096_${sha(image).slice(0, 16)}`;
    const key = `images/landsat_8_.._x/2026/08/15/${correlation}_${sha(image).slice(0, 16)}.h5`;
    expect(ref).toEqual({
      storage_type: 's3_reference', s3_url: `s3://fire-images/${key}`, http_url: `http://in-memory.invalid/fire-images/${key}`, bucket: 'fire-images', key,
      image_size_bytes: 4096, stored_size_bytes: 4096, sha256: sha(image), compression: { algorithm: 'none' }, format: 'hdf5',
      correlation_id: correlation, source_id: 'landsat 8/../x', uploaded_at: '2026-08-15T12:00:00.000Z',
    });
    expect(store.keys()).toEqual([key]);
    expect(store.object(key)).toMatchObject({ contentType: 'application/x-hdf5', metadata: { sha256: sha(image), 'image-size': '4096', compression: 'none' } });
    expect(uploaded).toEqual([ref]);
    expect(handler.getMetrics()).toMatchObject({ uploads: 1, uploadedImageBytes: 4096, uploadedStoredBytes: 4096, compressedUploads: 0 });
  });

  it('uses the given correlation id and an unknown format by default', async () => {
    const { handler } = setup({ prefix: '' });
    const image = Buffer.from('plain bytes');
    const ref = await handler.uploadImage(image, { sourceId: 'src', correlationId: 'abc_1' });
    expect([ref.correlation_id, ref.format, ref.key]).toEqual(['abc_1', 'unknown', `src/2026/08/15/abc_1_${sha(image).slice(0, 16)}.bin`]);
  });

  it('regression: different images whose source and correlation id map to the same key segments get different keys', async () => {
    const { store, handler } = setup();
    const a = await handler.uploadImage(Buffer.from('image A'), { sourceId: 'landsat 8', correlationId: 'scene/001' });
    const b = await handler.uploadImage(Buffer.from('image B'), { sourceId: 'landsat_8', correlationId: 'scene_001' });
    expect(a.key).not.toBe(b.key);
    expect(store.keys()).toHaveLength(2);
    expect([(await handler.fetchAndVerify(a)).toString(), (await handler.fetchAndVerify(b)).toString()]).toEqual(['image A', 'image B']);
    const again = await handler.uploadImage(Buffer.from('image A'), { sourceId: 'landsat 8', correlationId: 'scene/001' });
    expect(again.key).toBe(a.key); // the same image lands on the same key
  });

  it.each([
    ['meta.correlationId', { sourceId: 's', correlationId: 'c'.repeat(129) }, /"meta\.correlationId" must be a string of 1 to 128 characters .*\(got "ccc/],
    ['meta.correlationId', { sourceId: 's', correlationId: '' }, /"meta\.correlationId" must be a string of 1 to 128/],
    ['meta.sourceId', { sourceId: 'x'.repeat(257) }, /"meta\.sourceId" must be a string of 1 to 256 characters/],
    ['meta.sourceId', { sourceId: '' }, /"meta\.sourceId"/],
    ['meta.format', { sourceId: 's', format: '' }, /"meta\.format" must be a string of 1 to 32 characters .*\(got ""\)/],
    ['meta.format', { sourceId: 's', format: 'f'.repeat(33) }, /"meta\.format"/],
    ['meta.contentType', { sourceId: 's', contentType: 42 }, /"meta\.contentType"/],
  ])('regression: refuses a bad %s before uploading anything (INVALID_OPTION)', async (option, meta, message) => {
    const { store, handler } = setup();
    const err = await rejection(handler.uploadImage(noise(100), meta as never));
    expect([err.code, err.context.option, err.message]).toEqual([ErrorCodes.INVALID_OPTION, option, expect.stringMatching(message)]);
    expect([store.keys(), handler.getMetrics().uploads]).toEqual([[], 0]);
  });

  it('regression: a reference that turns out invalid after the upload deletes the object and rejects with INVALID_RECORD', async () => {
    const { store } = setup();
    const badUrls: ObjectStore = {
      bucket: store.bucket,
      put: async (key, body, options) => ({ ...(await store.put(key, body, options)), url: 'file:///etc/passwd' }),
      get: (key, options) => store.get(key, options),
      head: (key, options) => store.head(key, options),
      delete: (key, options) => store.delete(key, options),
      url: (key) => store.url(key),
    };
    const handler = new S3ReferenceHandler({ store: badUrls });
    const err = await rejection(handler.uploadImage(noise(100), { sourceId: 's' }));
    expect([err.code, err.context.field, err.message]).toEqual([ErrorCodes.INVALID_RECORD, 'http_url', expect.stringContaining('"file:///etc/passwd"')]);
    expect(store.keys()).toEqual([]);
    expect(handler.getMetrics()).toMatchObject({ uploads: 0, uploadFailures: 1 });
  });

  it('detects the format from the magic bytes when none is given', async () => {
    const { handler } = setup();
    const image = noise(2048);
    const ref = await handler.uploadImage(image, { sourceId: 'viirs' });
    expect([ref.format, ref.key.endsWith('.h5'), ref.correlation_id]).toEqual(['hdf5', true, `${Date.UTC(2026, 7, 15, 12)}_2048_${sha(image).slice(0, 16)}`]);
  });

  it.each(['zstd', 'gzip'] as const)('compresses with %s when it saves enough, and fetches the original back', async (algorithm) => {
    const { store, handler } = setup({ compression: algorithm });
    const image = Buffer.concat([HDF5, Buffer.alloc(200_000, 'smoke plume ')]);
    const ref = await handler.uploadImage(image, { sourceId: 'goes_16', format: 'hdf5' });
    expect(ref.compression).toEqual({ algorithm, level: algorithm === 'zstd' ? 3 : 6 });
    expect(ref.key.endsWith(algorithm === 'zstd' ? '.h5.zst' : '.h5.gz')).toBe(true);
    expect(store.object(ref.key)?.contentType).toBe(algorithm === 'zstd' ? 'application/zstd' : 'application/gzip');
    expect(ref.stored_size_bytes).toBeLessThan(image.length / 10);
    expect((await handler.fetchAndVerify(ref)).equals(image)).toBe(true);
    expect(handler.getMetrics()).toMatchObject({ compressedUploads: 1, fetches: 1 });
  });

  it('stores incompressible images uncompressed even with compression on', async () => {
    const { handler } = setup({ compression: { algorithm: 'zstd', level: 1 } });
    const ref = await handler.uploadImage(noise(50_000), { sourceId: 'modis' });
    expect([ref.compression, ref.stored_size_bytes]).toEqual([{ algorithm: 'none' }, 50_000]);
  });

  it('passes a store failure on and counts it, storing no reference', async () => {
    const { store, handler } = setup();
    store.failNext('put');
    const err = await rejection(handler.uploadImage(noise(100), { sourceId: 's' }));
    expect([err.code, err.retryable]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, true]);
    expect(handler.getMetrics()).toMatchObject({ uploads: 0, uploadFailures: 1 });
    await expect(handler.uploadImage(noise(100), { sourceId: '' })).rejects.toThrow(/meta\.sourceId/);
    const aborted = await rejection(handler.uploadImage(noise(100), { sourceId: 's' }, { signal: AbortSignal.abort() }));
    expect(aborted.code).toBe(ErrorCodes.ABORTED);
  });
});

describe('S3ReferenceHandler fetchAndVerify', () => {
  async function uploaded(options: Partial<S3ReferenceHandlerOptions> = {}, image = noise(10_000)) {
    const ctx = setup(options);
    const ref = await ctx.handler.uploadImage(image, { sourceId: 'viirs', format: 'hdf5' });
    return { ...ctx, ref, image };
  }

  it('returns the verified image and emits fetched', async () => {
    const { handler, ref, image } = await uploaded();
    const fetched: string[] = [];
    handler.on('fetched', (r) => fetched.push(r.key));
    expect((await handler.fetchAndVerify(Buffer.from(JSON.stringify(ref)))).equals(image)).toBe(true);
    expect(fetched).toEqual([ref.key]);
  });

  it.each([
    ['checksum', (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([b[b.length - 1]! ^ 1])])],
    ['size', (b: Buffer) => b.subarray(0, -1)],
    ['size', (b: Buffer) => Buffer.concat([b, Buffer.alloc(1)])],
  ] as const)('refuses a tampered object: %s', async (reason, tamper) => {
    const { store, handler, ref, image } = await uploaded();
    const failures: string[] = [];
    handler.on('verificationFailed', (f) => failures.push(`${f.reason} ${f.key}`));
    store.tamper(ref.key, tamper(image));
    const err = await rejection(handler.fetchAndVerify(ref));
    expect([err.code, err.context.reason, err.context.key]).toEqual([ErrorCodes.IMAGE_CORRUPT, reason, ref.key]);
    expect(failures).toEqual([`${reason} ${ref.key}`]);
    expect(handler.getMetrics()).toMatchObject({ fetches: 0, verificationFailures: 1 });
  });

  it('refuses compressed data that is corrupt, or that expands past the reference size (a bomb)', async () => {
    const { store, handler, ref } = await uploaded({ compression: 'gzip' }, Buffer.alloc(100_000, 'a'));
    store.tamper(ref.key, Buffer.alloc(ref.stored_size_bytes, 7));
    expect((await rejection(handler.fetchAndVerify(ref))).context.reason).toBe('compression');
    const bomb = gzipSync(Buffer.alloc(2 * MiB));
    const bombRef = { ...ref, stored_size_bytes: bomb.length };
    store.tamper(ref.key, bomb);
    const err = await rejection(handler.fetchAndVerify(bombRef));
    expect([err.code, err.context.reason]).toEqual([ErrorCodes.IMAGE_CORRUPT, 'size']);
  });

  it('refuses references to another bucket or outside the prefix without reading', async () => {
    const { store, handler, ref } = await uploaded();
    store.failNext('get', new Error('must not be read'));
    for (const bad of [
      { ...ref, bucket: 'other-bucket', s3_url: `s3://other-bucket/${ref.key}` },
      { ...ref, key: 'private/x.h5', s3_url: `s3://${ref.bucket}/private/x.h5` },
      { ...ref, key: 'images/../x.h5', s3_url: `s3://${ref.bucket}/images/../x.h5` },
    ]) {
      expect((await rejection(handler.fetchAndVerify(bad))).context.reason).toBe('reference');
    }
  });

  it('refuses an image over maxBytes with IMAGE_TOO_LARGE before reading it', async () => {
    const { store, handler, ref } = await uploaded({ maxImageBytes: 9_999 });
    store.failNext('get', new Error('must not be read'));
    const err = await rejection(handler.fetchAndVerify(ref));
    expect([err.code, err.context.maxBytes]).toEqual([ErrorCodes.IMAGE_TOO_LARGE, 9_999]);
    expect((await rejection(handler.fetchAndVerify(ref, { maxBytes: 100 }))).context.maxBytes).toBe(100);
    expect(handler.getMetrics().fetchFailures).toBe(2);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -5, 1.5, '100'])('regression: refuses maxBytes %s with INVALID_OPTION instead of lifting the limit', async (maxBytes) => {
    const { handler, ref } = await uploaded({ maxImageBytes: 10 });
    const err = await rejection(handler.fetchAndVerify(ref, { maxBytes: maxBytes as number }));
    expect([err.code, err.context.option]).toEqual([ErrorCodes.INVALID_OPTION, 'maxBytes']);
  });

  it('passes store failures on: a missing object is OBJECT_STORE_FAILED not_found', async () => {
    const { store, handler, ref } = await uploaded();
    await store.delete(ref.key);
    const err = await rejection(handler.fetchAndVerify(ref));
    expect([err.code, err.context.reason]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, 'not_found']);
  });
});
