import { Readable } from 'node:stream';
import { ErrorCodes, FirestreamError, InvalidOptionError, isFirestreamError } from '../errors.js';
import { withDeadline } from '../producer/deadline.js';
import { validateObjectKey, validateObjectMetadata } from './object-key.js';
import type { ObjectPutOptions, ObjectStoreCallOptions } from './object-store.js';

/** An object-store operation, as named in errors. */
export type ObjectStoreOperation = 'put' | 'get' | 'head' | 'delete';

/**
 * Why an object-store call failed, in `err.context.reason` of `OBJECT_STORE_FAILED`:
 * `not_found` (no such object), `no_such_bucket`, `access_denied` (credentials or permissions),
 * `timeout` (the call's deadline passed), `network` (no HTTP answer), `tls` (the endpoint's
 * certificate failed verification), `throttled`, `server` (5xx), `client` (another 4xx),
 * `invalid_response`.
 */
export type ObjectStoreFailureReason = 'not_found' | 'no_such_bucket' | 'access_denied' | 'timeout' | 'network' | 'tls' | 'throttled' | 'server' | 'client' | 'invalid_response';

/** Where a call went: the operation, bucket and key (never credentials). */
export interface ObjectStoreTarget {
  /** The operation. */
  readonly operation: ObjectStoreOperation;
  /** The bucket. */
  readonly bucket: string;
  /** The object key. */
  readonly key: string;
}

/** An `OBJECT_STORE_FAILED` error for `target`; `details` lands in `context` next to the target. */
export function objectStoreFailed(target: ObjectStoreTarget, reason: ObjectStoreFailureReason, message: string, options: { retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {}): FirestreamError {
  const { operation, bucket, key } = target;
  return new FirestreamError(ErrorCodes.OBJECT_STORE_FAILED, `Object store ${operation} of "${key}" in bucket "${bucket}" failed: ${message}`, {
    retryable: options.retryable ?? false,
    cause: options.cause,
    context: { operation, bucket, key, reason, ...options.details },
  });
}

/** The error of a read of a missing object. */
export function objectNotFound(target: ObjectStoreTarget, cause?: unknown): FirestreamError {
  return objectStoreFailed(target, 'not_found', 'no such object.', { cause });
}

/** The `IMAGE_TOO_LARGE` error of a read refused because the object is (at least) `size` bytes. */
export function objectTooLarge(target: ObjectStoreTarget, size: number, maxBytes: number): FirestreamError {
  return new FirestreamError(
    ErrorCodes.IMAGE_TOO_LARGE,
    `Object "${target.key}" in bucket "${target.bucket}" is ${size} bytes or more, over the read limit of ${maxBytes} bytes ("maxBytes"); raise the limit to read it.`,
    { context: { operation: target.operation, bucket: target.bucket, key: target.key, size, maxBytes } },
  );
}

/**
 * Checks the arguments of a `put`: the key, the metadata, and `contentLength` (a non-negative
 * integer, equal to the length of a Buffer body).
 *
 * @throws {@link InvalidOptionError} naming the bad argument.
 */
export function validatePut(key: string, body: Buffer | Readable, options: ObjectPutOptions): void {
  validateObjectKey(key);
  validateObjectMetadata(options.metadata);
  const { contentLength } = options;
  if (contentLength === undefined) return;
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) throw new InvalidOptionError('contentLength', contentLength, 'must be a non-negative integer');
  if (Buffer.isBuffer(body) && body.length !== contentLength) throw new InvalidOptionError('contentLength', contentLength, `must equal the body's length (${body.length})`);
}

/** Validates a `maxBytes` option: a non-negative safe integer. */
export function resolveMaxBytes(value: number | undefined, fallback: number): number {
  const maxBytes = value ?? fallback;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new InvalidOptionError('maxBytes', value, 'must be a non-negative integer number of bytes');
  return maxBytes;
}

/**
 * Runs `work` bounded by a deadline and the caller's `signal` (the producer's `withDeadline`).
 * Settles with the first of: `work` settling; the deadline passing (retryable
 * `OBJECT_STORE_FAILED`, `reason: 'timeout'`); the signal aborting (`ABORTED`). `work` receives a
 * signal that aborts in the last two cases, so it can cancel its requests; its late outcome is
 * ignored.
 */
export async function runObjectStoreCall<T>(target: ObjectStoreTarget, options: ObjectStoreCallOptions, defaultTimeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { operation, bucket, key } = target;
  try {
    return await withDeadline(work, { operation, defaultTimeoutMs, ...options });
  } catch (err) {
    // Only the deadline raises these two codes here: object-store work never does.
    if (isFirestreamError(err, ErrorCodes.PRODUCER_TIMEOUT)) {
      const { timeoutMs } = err.context;
      throw objectStoreFailed(target, 'timeout', `no outcome within ${String(timeoutMs)} ms; the object may or may not have changed.`, { retryable: true, details: { timeoutMs } });
    }
    if (isFirestreamError(err, ErrorCodes.ABORTED)) {
      throw new FirestreamError(ErrorCodes.ABORTED, `Object store ${operation} of "${key}" was aborted by its AbortSignal.`, { cause: err.cause, context: { operation, bucket, key } });
    }
    throw err;
  }
}

/**
 * Reads `stream` into one Buffer of at most `maxBytes`: refuses at once when `declaredLength`
 * (the store's Content-Length) is larger, and stops reading (destroying the stream) as soon as
 * more than `maxBytes` arrive, or when `signal` aborts (rejecting with its reason). With a declared
 * length the Buffer is allocated once.
 */
export async function readCapped(stream: AsyncIterable<Uint8Array | string> & Partial<Pick<Readable, 'destroy'>>, target: ObjectStoreTarget, maxBytes: number, declaredLength?: number, signal?: AbortSignal): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    stream.destroy?.();
    throw objectTooLarge(target, declaredLength, maxBytes);
  }
  const whole = declaredLength === undefined ? undefined : Buffer.allocUnsafe(declaredLength);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    signal?.throwIfAborted();
    const bytes = toBuffer(chunk);
    if (total + bytes.length > maxBytes) {
      stream.destroy?.();
      throw objectTooLarge(target, total + bytes.length, maxBytes);
    }
    if (whole === undefined) chunks.push(bytes);
    else if (total + bytes.length <= whole.length) bytes.copy(whole, total);
    else {
      stream.destroy?.();
      throw lengthMismatch(target, whole.length, total + bytes.length);
    }
    total += bytes.length;
  }
  if (whole === undefined) return Buffer.concat(chunks, total);
  if (total !== whole.length) throw lengthMismatch(target, whole.length, total);
  return whole;
}

const toBuffer = (chunk: Uint8Array | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

/**
 * Reads the stream body of a `put` whose `contentLength` is known: exactly that many bytes, else
 * `IMAGE_TOO_LARGE` (more) or `OBJECT_STORE_FAILED`, `reason: 'client'` (fewer), as S3 answers a
 * body of another length. Stops when `signal` aborts.
 */
export async function readPutBody(stream: Readable, target: ObjectStoreTarget, contentLength: number, signal?: AbortSignal): Promise<Buffer> {
  const bytes = await readCapped(stream, target, contentLength, undefined, signal);
  if (bytes.length !== contentLength) {
    throw objectStoreFailed(target, 'client', `the stream had ${bytes.length} bytes, not the ${contentLength} of "contentLength" (HTTP 400).`, { details: { status: 400 } });
  }
  return bytes;
}

/** A `put` body: `whole` when it fits in one request, else `parts`, to upload in parts (all of the body). */
export type PutBody = { readonly whole: Buffer } | { readonly parts: Buffer | Readable };

/**
 * Finds out whether a `put` body has at most `limit` bytes: a Buffer by its length, a stream by its
 * `contentLength` or, without one, by reading at most `limit + 1` bytes of it. Up to `limit` the
 * body comes back `whole` (read into memory); above it as `parts`, a stream that replays what was
 * read before the rest. Stops reading when `signal` aborts.
 */
export async function splitPutBody(body: Buffer | Readable, limit: number, target: ObjectStoreTarget, contentLength: number | undefined, signal: AbortSignal): Promise<PutBody> {
  if (Buffer.isBuffer(body)) return body.length <= limit ? { whole: body } : { parts: body };
  if (contentLength !== undefined) return contentLength <= limit ? { whole: await readPutBody(body, target, contentLength, signal) } : { parts: body };
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  const head: Buffer[] = [];
  let total = 0;
  try {
    while (total <= limit) {
      const next = await iterator.next();
      signal.throwIfAborted();
      if (next.done === true) return { whole: Buffer.concat(head, total) };
      const bytes = toBuffer(next.value);
      head.push(bytes);
      total += bytes.length;
    }
  } catch (err) {
    await iterator.return?.();
    throw err;
  }
  return { parts: Readable.from(replay(head, iterator)) };
}

async function* replay(head: readonly Buffer[], rest: AsyncIterator<Uint8Array | string>): AsyncGenerator<Buffer> {
  yield* head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield toBuffer(next.value);
}

function lengthMismatch(target: ObjectStoreTarget, expected: number, received: number): FirestreamError {
  return objectStoreFailed(target, 'invalid_response', `the store announced ${expected} bytes but sent ${received > expected ? `at least ${received}` : received}.`, {
    retryable: true,
    details: { expected, received },
  });
}
