import { inspect } from 'node:util';
import { NoSuchBucket, NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { mapS3Error } from '../../src/imagery/s3-errors.js';

const target = { operation: 'put', bucket: 'images-bucket', key: 'images/a.h5' } as const;

function serviceError(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'REQ1' }, message });
}

const network = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });

describe('mapS3Error', () => {
  it.each([
    ['NoSuchKey', new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'The specified key does not exist.' }), 'not_found', false],
    ['HEAD 404', serviceError('NotFound', 404, 'UnknownError'), 'not_found', false],
    ['NoSuchBucket', new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'The specified bucket does not exist' }), 'no_such_bucket', false],
    ['InvalidAccessKeyId', serviceError('InvalidAccessKeyId', 403, 'Forbidden'), 'access_denied', false],
    ['SignatureDoesNotMatch', serviceError('SignatureDoesNotMatch', 403), 'access_denied', false],
    ['SlowDown 503', serviceError('SlowDown', 503), 'throttled', true],
    ['429', serviceError('TooManyRequests', 429), 'throttled', true],
    ['InternalError 500', serviceError('InternalError', 500), 'server', true],
    ['RequestTimeout 400', serviceError('RequestTimeout', 400), 'client', true],
    ['EntityTooLarge 400', serviceError('EntityTooLarge', 400), 'client', false],
    ['ECONNREFUSED', network('ECONNREFUSED'), 'network', true],
    ['ECONNRESET', network('ECONNRESET'), 'network', true],
    ['TimeoutError', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 'network', true],
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'access_denied', false],
    ['other local error', new TypeError('bad body'), 'client', false],
    ['self-signed certificate', Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls', false],
    ['unknown issuer', Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'tls', false],
    ['certificate for another host', Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'tls', false],
  ])('%s → %s (retryable %s)', (_name, err, reason, retryable) => {
    const mapped = mapS3Error(err, target);
    expect([mapped.code, mapped.context.reason, mapped.retryable]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, reason, retryable]);
    expect(mapped.cause).toMatchObject({ name: (err as Error).name, message: (err as Error).message });
    expect(mapped.context).toMatchObject({ operation: 'put', bucket: 'images-bucket', key: 'images/a.h5' });
  });

  it('names the S3 code, status and request id, and hints at credentials for 403', () => {
    const mapped = mapS3Error(serviceError('InvalidAccessKeyId', 403, 'Forbidden'), target);
    expect(mapped.message).toBe('Object store put of "images/a.h5" in bucket "images-bucket" failed: InvalidAccessKeyId (HTTP 403): Forbidden. Check the access key id, secret and permissions of the store (and the endpoint and region).');
    expect(mapped.context).toMatchObject({ status: 403, s3Code: 'InvalidAccessKeyId', requestId: 'REQ1' });
  });

  it('scrubs credentials an error message may carry', () => {
    const err = network('ENOTFOUND');
    err.message = 'getaddrinfo ENOTFOUND for https://AKID:verysecret@s3.example.com/?X-Amz-Credential=x&X-Amz-Signature=abc123&secret_key=s3cr3t';
    const mapped = mapS3Error(err, target);
    for (const text of [mapped.message, JSON.stringify(mapped), inspect(mapped.context)]) {
      expect(text).not.toMatch(/verysecret|abc123|s3cr3t/);
    }
  });

  it('says what to do about a certificate that fails verification', () => {
    const mapped = mapS3Error(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), target);
    expect(mapped.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate\. The TLS certificate of the endpoint could not be verified .*NODE_EXTRA_CA_CERTS/);
  });

  it('regression: the cause is a scrubbed copy, without the fields of the answer that may echo credentials', () => {
    const err = serviceError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided.');
    Object.assign(err, { CanonicalRequest: 'PUT\n/images/a.h5\nx-amz-security-token:SESSIONTOKEN123', StringToSign: 'AWS4-HMAC-SHA256' });
    const network = Object.assign(new Error('connect to https://AKID:verysecret@s3.example.com failed'), { code: 'ECONNRESET' });
    for (const mapped of [mapS3Error(err, target), mapS3Error(network, target)]) {
      const views = [inspect(mapped, { depth: 10, showHidden: true }), JSON.stringify(mapped), String((mapped.cause as Error).stack)];
      for (const text of views) expect(text).not.toMatch(/SESSIONTOKEN123|verysecret/);
    }
    expect(mapS3Error(err, target).cause).toMatchObject({ name: 'SignatureDoesNotMatch', $fault: 'client', $metadata: { httpStatusCode: 403, requestId: 'REQ1' } });
    expect(mapS3Error(network, target).cause).toMatchObject({ name: 'Error', code: 'ECONNRESET', message: 'connect to https://AKID:[REDACTED]@s3.example.com failed' });
  });

  it('keeps a FirestreamError as it is', () => {
    const own = new FirestreamError(ErrorCodes.ABORTED, 'aborted');
    expect(mapS3Error(own, target)).toBe(own);
  });
});
