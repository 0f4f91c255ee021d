/**
 * The seam between firestream and an object store (S3 or anything like it).
 *
 * An {@link ObjectStore} stores, reads and deletes whole objects by key in one bucket. Its
 * boundary is deliberately narrow, so that you can bring your own store (Google Cloud Storage,
 * Azure Blob, a company gateway) by implementing five methods:
 *
 * - it does **not** choose keys, compress, hash or verify: `S3ReferenceHandler` does, above it;
 * - it does **not** create buckets or set lifecycle rules: the bucket must exist;
 * - it does **not** retry beyond what its own client does: a failed call rejects with
 *   `OBJECT_STORE_FAILED`, `retryable` for server errors, throttling, timeouts and network
 *   failures, and the caller decides;
 * - keys are used as given, after a check ({@link validateObjectKey}): no empty key, no leading
 *   `/`, no empty, `.` or `..` segment, no backslash and no control characters, at most 1,024 bytes;
 * - every call is bounded by a deadline and an optional `AbortSignal` (`ABORTED` when it aborts);
 *   a `put` that rejects because of either must not store the object later (only an abort during
 *   the request that completes the upload may, as with any request whose answer never came);
 * - `get` never buffers more than `maxBytes` (`IMAGE_TOO_LARGE` as soon as the object is known
 *   to be larger); a missing object rejects with `OBJECT_STORE_FAILED`, `context.reason: 'not_found'`,
 *   while `head` resolves `undefined` and `delete` succeeds;
 * - it never puts credentials in errors, events or metrics.
 *
 * `S3ObjectStore` implements it on the AWS SDK; `InMemoryObjectStore` (from `firestream/testing`)
 * is the test double. Any implementation can be checked with `runObjectStoreContract`.
 *
 * @module
 */
import type { Readable } from 'node:stream';

/** Default deadline of `head`, `delete` and other small calls, in milliseconds (30 s). */
export const DEFAULT_OBJECT_STORE_TIMEOUT_MS = 30_000;

/** Default deadline of `put` and `get`, which move whole objects, in milliseconds (10 min). */
export const DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS = 600_000;

/** Default cap of `get` when the call sets no `maxBytes`: 1 GiB. */
export const DEFAULT_OBJECT_MAX_BYTES = 1_073_741_824;

/** Options every object-store call accepts. */
export interface ObjectStoreCallOptions {
  /** Aborts the call; it then rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Deadline of this call in milliseconds; past it the call rejects with a retryable `OBJECT_STORE_FAILED` (`reason: 'timeout'`). */
  timeoutMs?: number;
}

/** Options of {@link ObjectStore.put}. */
export interface ObjectPutOptions extends ObjectStoreCallOptions {
  /** Size of the body in bytes; required by some stores for streams. A Buffer of another length is refused. */
  contentLength?: number;
  /** MIME type stored with the object (default `application/octet-stream`). */
  contentType?: string;
  /** User metadata: lower-case keys (`a-z`, `0-9`, `-`, `_`), printable ASCII values, 2 KiB in all. */
  metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link ObjectStore.get}. */
export interface ObjectGetOptions extends ObjectStoreCallOptions {
  /** Largest object to read, in bytes (default {@link DEFAULT_OBJECT_MAX_BYTES}); a larger one rejects with `IMAGE_TOO_LARGE`. */
  maxBytes?: number;
}

/** Where {@link ObjectStore.put} stored an object. */
export interface StoredObject {
  /** The object's key, as given. */
  readonly key: string;
  /** HTTP(S) URL of the object ({@link ObjectStore.url}); it carries no credentials. */
  readonly url: string;
  /** Entity tag the store returned, without quotes, when it returns one. */
  readonly etag?: string;
}

/** What {@link ObjectStore.head} knows about a stored object. */
export interface ObjectInfo {
  /** The object's key. */
  readonly key: string;
  /** HTTP(S) URL of the object. */
  readonly url: string;
  /** Size in bytes. */
  readonly size: number;
  /** Entity tag, without quotes, when the store has one. */
  readonly etag?: string;
  /** MIME type, when the store has one. */
  readonly contentType?: string;
  /** User metadata (keys lower-case). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Last modification, epoch milliseconds, when the store reports it. */
  readonly lastModified?: number;
}

/** An object store holding whole objects by key in one bucket. See the module documentation for its boundary. */
export interface ObjectStore {
  /** The bucket (or container) this store writes to; part of `s3://bucket/key` references. */
  readonly bucket: string;
  /** Stores `body` under `key`, replacing any object there. */
  put(key: string, body: Buffer | Readable, options?: ObjectPutOptions): Promise<StoredObject>;
  /** Reads a whole object; rejects with `IMAGE_TOO_LARGE` past `maxBytes`, `OBJECT_STORE_FAILED` (`not_found`) when missing. */
  get(key: string, options?: ObjectGetOptions): Promise<Buffer>;
  /** Size, tag, type and metadata of an object, or `undefined` when there is none. */
  head(key: string, options?: ObjectStoreCallOptions): Promise<ObjectInfo | undefined>;
  /** Deletes an object; deleting a missing object succeeds. */
  delete(key: string, options?: ObjectStoreCallOptions): Promise<void>;
  /** HTTP(S) URL of `key` in this store (never with credentials); does not check that it exists. */
  url(key: string): string;
}
