import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { S3Schema } from '../../src/config/schema/images.js';
import { ErrorCodes } from '../../src/errors.js';
import { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import { firestreamErrorOf } from './firestream-error-of.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('S3ObjectStore (no network)', () => {
  it('builds AWS, path-style and virtual-host URLs, percent-encoded, without endpoint credentials', () => {
    expect(new S3ObjectStore({ bucket: 'fire-images', region: 'us-west-2' }).url('images/a b.h5')).toBe('https://fire-images.s3.us-west-2.amazonaws.com/images/a%20b.h5');
    expect(new S3ObjectStore({ bucket: 'fire-images', region: 'us-west-2', forcePathStyle: true }).url('k')).toBe('https://s3.us-west-2.amazonaws.com/fire-images/k');
    expect(new S3ObjectStore({ bucket: 'fire-images', endpoint: 'http://user:pw@127.0.0.1:9000/', forcePathStyle: true }).url('a/é.tif')).toBe('http://127.0.0.1:9000/fire-images/a/%C3%A9.tif');
    expect(new S3ObjectStore({ bucket: 'fire-images', endpoint: 'https://minio.example.com' }).url('k')).toBe('https://fire-images.minio.example.com/k');
    expect(new S3ObjectStore({ bucket: 'fire.images', endpoint: 'https://minio.example.com' }).url('k')).toBe('https://minio.example.com/fire.images/k');
  });

  it('names the bad option and its value, but never a secret value', () => {
    const bad = firestreamErrorOf(() => new S3ObjectStore({ bucket: 'ab' }));
    expect([bad.code, bad.message]).toEqual([ErrorCodes.INVALID_OPTION, expect.stringMatching(/^Option "S3ObjectStore\.bucket" .* \(got "ab"\)\.$/)]);
    const secret = firestreamErrorOf(() => new S3ObjectStore({ bucket: 'fire-images', accessKeyId: 'AKID', secretAccessKey: 42 as unknown as string }));
    expect(secret.message).toMatch(/^Option "S3ObjectStore\.secretAccessKey" .* \(got "\[REDACTED\]"\)\.$/);
    const alone = firestreamErrorOf(() => new S3ObjectStore({ bucket: 'fire-images', secretAccessKey: SECRET }));
    expect(alone.message).toMatch(/accessKeyId.*together/);
    for (const err of [secret, alone]) expect(`${err.message}${JSON.stringify(err)}${inspect(err)}`).not.toContain(SECRET);
    expect(firestreamErrorOf(() => new S3ObjectStore({ bucket: 'fire-images', partSizeBytes: 1024 })).message).toMatch(/partSizeBytes.*at least 5242880/);
    const endpoint = firestreamErrorOf(() => new S3ObjectStore({ bucket: 'fire-images', endpoint: 'https://user:hunter2@exa mple.com' }));
    expect([endpoint.message, JSON.stringify(endpoint), inspect(endpoint)].join('\n')).not.toContain('hunter2'); // regression: the password was quoted
    expect(endpoint.message).toMatch(/S3ObjectStore\.endpoint.*user:\[REDACTED\]@exa mple\.com/);
    expect(firestreamErrorOf(() => new S3ObjectStore({ bucket: 'fire-images', verifyTls: false } as never)).code).toBe(ErrorCodes.INVALID_OPTION);
  });

  it('keeps credentials out of inspect and JSON', () => {
    const store = new S3ObjectStore({ bucket: 'fire-images', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: 'SESSIONTOKEN' });
    for (const text of [inspect(store, { depth: 10, showHidden: true }), JSON.stringify(store)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('SESSIONTOKEN');
    }
  });

  it('fromConfig takes the images.s3 section and leaves its prefix to the handler', () => {
    const s3 = S3Schema.parse({ bucket: 'fire-images', region: 'eu-west-1', forcePathStyle: true, accessKeyId: 'AKID', secretAccessKey: SECRET });
    const store = S3ObjectStore.fromConfig(s3, { queueSize: 2 });
    expect([store.bucket, store.url('k')]).toEqual(['fire-images', 'https://s3.eu-west-1.amazonaws.com/fire-images/k']);
  });

  it('checks keys, metadata and contentLength before any request', async () => {
    const store = new S3ObjectStore({ bucket: 'fire-images', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, importModule: () => Promise.reject(new Error('no request expected')) });
    await expect(store.put('../x', Buffer.from('x'))).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(store.put('k', Buffer.from('x'), { contentLength: 2 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(store.put('k', Buffer.from('x'), { metadata: { Bad: 'x' } })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(store.get('k', { maxBytes: -1 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(store.get('k', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
    expect(() => store.url('/abs')).toThrow(/must not start with/);
  });
});
