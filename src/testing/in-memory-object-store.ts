import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { InvalidOptionError } from '../errors.js';
import type { FirestreamError } from '../errors.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { encodeKeyForUrl, validateObjectKey } from '../imagery/object-key.js';
import type { ObjectGetOptions, ObjectInfo, ObjectPutOptions, ObjectStore, ObjectStoreCallOptions, StoredObject } from '../imagery/object-store.js';
import { DEFAULT_OBJECT_MAX_BYTES, DEFAULT_OBJECT_STORE_TIMEOUT_MS, DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS } from '../imagery/object-store.js';
import { objectNotFound, objectStoreFailed, objectTooLarge, readCapped, readPutBody, resolveMaxBytes, runObjectStoreCall, validatePut } from '../imagery/object-store-call.js';
import type { ObjectStoreOperation, ObjectStoreTarget } from '../imagery/object-store-call.js';

/** Options of {@link InMemoryObjectStore}. */
export interface InMemoryObjectStoreOptions {
  /** Bucket name reported in URLs and references (default `in-memory`). */
  bucket?: string;
  /** Time source for `lastModified` (default the system clock). */
  clock?: Clock;
}

/** One object held by an {@link InMemoryObjectStore}. */
export interface InMemoryObject {
  /** The bytes (a copy; changing it does not change the store). */
  readonly body: Buffer;
  /** MIME type. */
  readonly contentType: string;
  /** User metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** MD5 of the body in hex, like S3's single-part ETag. */
  readonly etag: string;
  /** When it was stored, epoch milliseconds. */
  readonly lastModified: number;
}

/**
 * An {@link ObjectStore} in memory, for tests: the same key rules, size cap, deadlines, abort and
 * error codes as `S3ObjectStore` (it passes the same contract), plus hooks to inspect stored
 * objects, tamper with them and make the next call of an operation fail.
 */
export class InMemoryObjectStore implements ObjectStore {
  /** The bucket name used in URLs. */
  readonly bucket: string;
  readonly #clock: Clock;
  readonly #objects = new Map<string, InMemoryObject>();
  readonly #failures = new Map<ObjectStoreOperation, FirestreamError | Error>();
  #latencyMs = 0;

  constructor(options: InMemoryObjectStoreOptions = {}) {
    this.bucket = options.bucket ?? 'in-memory';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(this.bucket)) throw new InvalidOptionError('bucket', this.bucket, 'must be 3-63 lower-case letters, digits, "." and "-"');
    this.#clock = options.clock ?? systemClock;
  }

  /** Keys of the stored objects, sorted. */
  keys(): string[] {
    return [...this.#objects.keys()].sort();
  }

  /** A copy of the object under `key`, or `undefined`. */
  object(key: string): InMemoryObject | undefined {
    const found = this.#objects.get(key);
    return found === undefined ? undefined : { ...found, body: Buffer.from(found.body) };
  }

  /** Replaces the bytes under `key` without changing its other fields (to test verification of tampered objects). */
  tamper(key: string, body: Buffer): void {
    const found = this.#objects.get(key);
    if (found === undefined) throw new InvalidOptionError('key', key, 'must name a stored object');
    this.#objects.set(key, { ...found, body: Buffer.from(body) });
  }

  /** Makes the next call of `operation` reject with `error` (default: a retryable `OBJECT_STORE_FAILED`, `reason: 'server'`). */
  failNext(operation: ObjectStoreOperation, error?: Error): void {
    this.#failures.set(operation, error ?? objectStoreFailed({ operation, bucket: this.bucket, key: '(injected)' }, 'server', 'injected failure (HTTP 503).', { retryable: true, details: { status: 503 } }));
  }

  /** Makes every later call take at least `ms` milliseconds (to test deadlines and aborts). */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  #call<T>(operation: ObjectStoreOperation, key: string, options: ObjectStoreCallOptions, work: (target: ObjectStoreTarget, signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const target = { operation, bucket: this.bucket, key };
    const timeout = operation === 'put' || operation === 'get' ? DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS : DEFAULT_OBJECT_STORE_TIMEOUT_MS;
    return runObjectStoreCall(target, options, timeout, async (signal) => {
      if (this.#latencyMs > 0) await delay(this.#latencyMs, signal);
      signal.throwIfAborted(); // an aborted or timed-out call changes nothing
      const failure = this.#failures.get(operation);
      if (failure !== undefined) {
        this.#failures.delete(operation);
        throw failure;
      }
      return work(target, signal);
    });
  }

  /** Stores a copy of `body` (a stream is read whole); see {@link ObjectStore.put}. */
  async put(key: string, body: Buffer | Readable, options: ObjectPutOptions = {}): Promise<StoredObject> {
    validatePut(key, body, options);
    const { contentLength } = options;
    return this.#call('put', key, options, async (target, signal) => {
      let bytes: Buffer;
      if (Buffer.isBuffer(body)) bytes = Buffer.from(body);
      else bytes = contentLength === undefined ? await readCapped(body, target, DEFAULT_OBJECT_MAX_BYTES, undefined, signal) : await readPutBody(body, target, contentLength, signal);
      signal.throwIfAborted();
      const etag = createHash('md5').update(bytes).digest('hex');
      const metadata = Object.freeze({ ...options.metadata });
      this.#objects.set(key, { body: bytes, contentType: options.contentType ?? 'application/octet-stream', metadata, etag, lastModified: this.#clock.now() });
      return { key, url: this.url(key), etag };
    });
  }

  /** Returns a copy of the object; see {@link ObjectStore.get}. */
  async get(key: string, options: ObjectGetOptions = {}): Promise<Buffer> {
    validateObjectKey(key);
    const maxBytes = resolveMaxBytes(options.maxBytes, DEFAULT_OBJECT_MAX_BYTES);
    return this.#call('get', key, options, (target) => {
      const found = this.#objects.get(key);
      if (found === undefined) throw objectNotFound(target);
      if (found.body.length > maxBytes) throw objectTooLarge(target, found.body.length, maxBytes);
      return Buffer.from(found.body);
    });
  }

  /** See {@link ObjectStore.head}. */
  async head(key: string, options: ObjectStoreCallOptions = {}): Promise<ObjectInfo | undefined> {
    validateObjectKey(key);
    return this.#call('head', key, options, () => {
      const found = this.#objects.get(key);
      if (found === undefined) return undefined;
      return { key, url: this.url(key), size: found.body.length, etag: found.etag, contentType: found.contentType, metadata: found.metadata, lastModified: found.lastModified };
    });
  }

  /** See {@link ObjectStore.delete}. */
  async delete(key: string, options: ObjectStoreCallOptions = {}): Promise<void> {
    validateObjectKey(key);
    await this.#call('delete', key, options, () => {
      this.#objects.delete(key);
    });
  }

  /** `http://in-memory.invalid/<bucket>/<key>`: an HTTP URL, as the contract asks, on a host that never resolves (RFC 2606). */
  url(key: string): string {
    validateObjectKey(key);
    return `http://in-memory.invalid/${this.bucket}/${encodeKeyForUrl(key)}`;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener('abort', done, { once: true });
  });
}
