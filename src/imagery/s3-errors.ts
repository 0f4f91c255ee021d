import { FirestreamError } from '../errors.js';
import { scrubString } from '../core/secrets.js';
import { objectNotFound, objectStoreFailed } from './object-store-call.js';
import type { ObjectStoreFailureReason, ObjectStoreTarget } from './object-store-call.js';

/** What the AWS SDK puts on its errors (service errors and network failures alike). */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

const RETRYABLE_S3_CODES = new Set(['SlowDown', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout', 'NetworkingError']);

/** Node's codes of certificates the TLS check refuses (self-signed, unknown issuer, expired, other host). */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

function classify(status: number | undefined, s3Code: string | undefined, networkCode: string | undefined): { reason: ObjectStoreFailureReason; retryable: boolean } {
  if (s3Code === 'NoSuchKey' || (status === 404 && s3Code !== 'NoSuchBucket')) return { reason: 'not_found', retryable: false };
  if (s3Code === 'NoSuchBucket') return { reason: 'no_such_bucket', retryable: false };
  if (status === 429 || s3Code === 'SlowDown' || s3Code?.startsWith('Throttl') === true) return { reason: 'throttled', retryable: true };
  if (status === 401 || status === 403) return { reason: 'access_denied', retryable: false };
  if (status !== undefined && status >= 500) return { reason: 'server', retryable: true };
  if (status !== undefined) return { reason: 'client', retryable: status === 408 || RETRYABLE_S3_CODES.has(s3Code ?? '') };
  if (networkCode !== undefined && NETWORK_CODES.has(networkCode)) return { reason: 'network', retryable: true };
  if (networkCode === 'CredentialsProviderError') return { reason: 'access_denied', retryable: false };
  if (networkCode !== undefined && TLS_CODES.has(networkCode)) return { reason: 'tls', retryable: false };
  return { reason: 'client', retryable: false };
}

const HINTS: Partial<Record<ObjectStoreFailureReason, string>> = {
  access_denied: ' Check the access key id, secret and permissions of the store (and the endpoint and region).',
  no_such_bucket: ' Create the bucket first: firestream does not create buckets.',
  network: ' The store could not be reached; check the endpoint and the network.',
  tls: ' The TLS certificate of the endpoint could not be verified (self-signed, an unknown issuer, expired, or for another host): give the endpoint a certificate from a trusted CA, or add its CA with NODE_EXTRA_CA_CERTS; firestream never turns the check off.',
};

/**
 * A copy of an SDK error with what helps debugging: its name, scrubbed message and stack, `code`,
 * `$fault` and the request's `$metadata`. The other fields are left out: a service error carries
 * the fields of the server's answer, and AWS answers a `SignatureDoesNotMatch` with the canonical
 * request, whose headers include a session token.
 */
function sanitizedCause(err: unknown): Error {
  const shape = (err ?? {}) as SdkErrorShape & { stack?: unknown; $fault?: unknown };
  const copy = new Error(scrubString(str(shape.message) ?? String(err)));
  copy.name = str(shape.name) ?? 'Error';
  copy.stack = typeof shape.stack === 'string' ? scrubString(shape.stack) : `${copy.name}: ${copy.message}`;
  const meta = shape.$metadata as Record<string, unknown> | undefined;
  const $metadata = meta && Object.fromEntries(['httpStatusCode', 'requestId', 'extendedRequestId', 'cfId', 'attempts', 'totalRetryDelay'].filter((k) => meta[k] !== undefined).map((k) => [k, meta[k]]));
  const extra = { code: str(shape.code), $fault: str(shape.$fault), $metadata };
  return Object.assign(copy, Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)));
}

/**
 * Maps an AWS SDK error to `OBJECT_STORE_FAILED` (or keeps a `FirestreamError`): `context` gets
 * the reason, HTTP status, S3 error code and request id; `retryable` is true for 5xx, 408, 429,
 * throttling and network failures (connection refused or reset, DNS, socket timeouts); a
 * certificate the TLS check refuses is `tls`, a missing credential `access_denied`, any other
 * local error `client`. Neither the message nor `cause` holds credentials: the message is
 * scrubbed (URL passwords, secret-looking pairs) and never quotes the SDK's request, and `cause`
 * is a scrubbed copy of the SDK error (name, message, stack, `code`, `$fault`, `$metadata`), not
 * the error itself, whose other fields may echo the request.
 */
export function mapS3Error(err: unknown, target: ObjectStoreTarget): FirestreamError {
  if (err instanceof FirestreamError) return err;
  const shape = (err ?? {}) as SdkErrorShape;
  const rawStatus = shape.$metadata?.httpStatusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const s3Code = str(shape.Code) ?? (status !== undefined ? str(shape.name) : undefined);
  const networkCode = status === undefined ? (str(shape.code) ?? str(shape.name)) : undefined;
  const { reason, retryable } = classify(status, s3Code, networkCode);
  const details = { status, s3Code, networkCode, requestId: str(shape.$metadata?.requestId) };
  const cause = sanitizedCause(err);
  if (reason === 'not_found') return objectNotFound(target, cause);
  const what = status === undefined ? `${networkCode ?? 'network error'}` : `${s3Code ?? 'error'} (HTTP ${status})`;
  const detail = str(shape.message);
  const text = detail !== undefined && detail !== s3Code && detail !== 'UnknownError' ? `${what}: ${scrubString(detail)}.` : `${what}.`;
  return objectStoreFailed(target, reason, `${text}${HINTS[reason] ?? ''}`, { retryable, cause, details });
}
