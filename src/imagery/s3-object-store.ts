import type { Readable } from 'node:stream';
import type * as ClientS3 from '@aws-sdk/client-s3';
import { z } from 'zod';
import { positiveDurationMs } from '../config/schema/common.js';
import { S3Schema } from '../config/schema/images.js';
import { REDACTED, isSecretKey, scrubString } from '../core/secrets.js';
import { InvalidOptionError } from '../errors.js';
import { encodeKeyForUrl, validateObjectKey } from './object-key.js';
import type { ObjectGetOptions, ObjectInfo, ObjectPutOptions, ObjectStore, ObjectStoreCallOptions, StoredObject } from './object-store.js';
import { DEFAULT_OBJECT_MAX_BYTES, DEFAULT_OBJECT_STORE_TIMEOUT_MS, DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS } from './object-store.js';
import { objectStoreFailed, readCapped, resolveMaxBytes, runObjectStoreCall, splitPutBody, validatePut } from './object-store-call.js';
import type { ObjectStoreOperation, ObjectStoreTarget } from './object-store-call.js';
import { mapS3Error } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';
import type { ModuleImporter, S3Sdk } from './s3-sdk.js';

const MiB = 1_048_576;

/** Smallest part of a multipart upload S3 accepts (5 MiB); the last part may be smaller. */
export const MIN_MULTIPART_PART_BYTES = 5 * MiB;

const OptionsSchema = z.strictObject({
  bucket: S3Schema.shape.bucket,
  region: S3Schema.shape.region,
  endpoint: S3Schema.shape.endpoint,
  forcePathStyle: S3Schema.shape.forcePathStyle,
  accessKeyId: S3Schema.shape.accessKeyId,
  secretAccessKey: S3Schema.shape.secretAccessKey,
  sessionToken: S3Schema.shape.sessionToken,
  partSizeBytes: z.int().min(MIN_MULTIPART_PART_BYTES, `must be at least ${MIN_MULTIPART_PART_BYTES} (5 MiB, the smallest S3 part)`).default(8 * MiB),
  queueSize: z.int().min(1).max(64).default(4),
  maxAttempts: z.int().min(1).max(10).default(3),
  timeoutMs: positiveDurationMs().default(DEFAULT_OBJECT_STORE_TIMEOUT_MS),
  transferTimeoutMs: positiveDurationMs().default(DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS),
  importModule: z.custom<ModuleImporter>((v) => typeof v === 'function', 'must be a function').optional(),
});

/**
 * Options of {@link S3ObjectStore}. The connection fields are those of the `images.s3`
 * configuration section; credentials, when absent, come from the AWS SDK's default provider chain
 * (environment, shared config files, web identity, instance or container roles).
 */
export interface S3ObjectStoreOptions {
  /** Bucket to store objects in; it must exist. */
  bucket: string;
  /** Region (default `us-east-1`). */
  region?: string;
  /** Endpoint URL of an S3-compatible server (MinIO, S3Proxy, …); AWS when absent. TLS is verified. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. Default false. */
  forcePathStyle?: boolean;
  /** Access key id; with `secretAccessKey`, or neither (then the default provider chain). */
  accessKeyId?: string;
  /** Secret access key. Never logged, never in errors or metrics. */
  secretAccessKey?: string;
  /** Session token of temporary credentials. Never logged. */
  sessionToken?: string;
  /** Part size of multipart uploads, at least 5 MiB (default 8 MiB); smaller bodies go in one request. */
  partSizeBytes?: number;
  /** Parts uploaded at the same time (default 4); memory held is about `partSizeBytes × queueSize`. */
  queueSize?: number;
  /** Attempts per HTTP request, the AWS SDK's own retries of transient failures (default 3). */
  maxAttempts?: number;
  /** Deadline of `head` and `delete` in ms (default 30 s); a call's `timeoutMs` overrides it. */
  timeoutMs?: number;
  /** Deadline of `put` and `get` in ms (default 10 min); a call's `timeoutMs` overrides it. */
  transferTimeoutMs?: number;
  /**
   * How the optional peer dependencies `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` are loaded
   * (default: dynamic `import()` on first use). Bundlers that need static imports can pass
   * `(name) => name === '@aws-sdk/client-s3' ? import('@aws-sdk/client-s3') : import('@aws-sdk/lib-storage')`.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

type Settings = z.output<typeof OptionsSchema>;

/** The `images.s3` configuration section (the shape `loadConfig` returns). */
export type S3ConnectionConfig = Pick<S3ObjectStoreOptions, 'bucket' | 'region' | 'endpoint' | 'forcePathStyle' | 'accessKeyId' | 'secretAccessKey' | 'sessionToken'> & { prefix?: string };

function parseSettings(input: S3ObjectStoreOptions): Settings {
  const result = OptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = String(issue?.path[0] ?? 'options');
  const raw = (input as unknown as Record<string, unknown>)[field];
  // An invalid endpoint may still carry a password (`https://user:pw@host`): never quote it.
  const value = isSecretKey(field) ? REDACTED : typeof raw === 'string' ? scrubString(raw) : raw;
  throw new InvalidOptionError(`S3ObjectStore.${field}`, value, issue?.message ?? 'is invalid');
}

const unquote = (etag: string | undefined): string | undefined => (etag === undefined ? undefined : etag.replace(/^"(.*)"$/, '$1'));

/**
 * An {@link ObjectStore} on Amazon S3 or any S3-compatible server, through the AWS SDK v3
 * (`@aws-sdk/client-s3` and `@aws-sdk/lib-storage`, optional peer dependencies loaded on first
 * use: without them every call rejects with `DEPENDENCY_MISSING` naming the install command).
 *
 * `put` uploads in one request up to `partSizeBytes` and in parallel parts above it (multipart,
 * aborted on failure or abort so no parts are left behind). Credentials are kept in a private field: not
 * in `util.inspect`, JSON, errors or events.
 */
export class S3ObjectStore implements ObjectStore {
  /** The bucket objects go to. */
  readonly bucket: string;
  readonly #settings: Settings;
  #client: Promise<{ sdk: S3Sdk; client: ClientS3.S3Client }> | undefined;

  constructor(options: S3ObjectStoreOptions) {
    this.#settings = parseSettings(options);
    if ((this.#settings.accessKeyId === undefined) !== (this.#settings.secretAccessKey === undefined)) {
      throw new InvalidOptionError('S3ObjectStore.accessKeyId', this.#settings.accessKeyId ?? 'undefined', 'and secretAccessKey must be given together (or neither, for the default provider chain)');
    }
    this.bucket = this.#settings.bucket;
  }

  /** A store for the `images.s3` configuration section (its `prefix` belongs to `S3ReferenceHandler`). */
  static fromConfig(s3: S3ConnectionConfig, options: Omit<S3ObjectStoreOptions, keyof S3ConnectionConfig> = {}): S3ObjectStore {
    const { prefix: _prefix, ...connection } = s3;
    return new S3ObjectStore({ ...connection, ...options });
  }

  #ready(): Promise<{ sdk: S3Sdk; client: ClientS3.S3Client }> {
    this.#client ??= loadS3Sdk(this.#settings.importModule).then(
      (sdk) => {
        const { region, endpoint, forcePathStyle, accessKeyId, secretAccessKey, sessionToken, maxAttempts } = this.#settings;
        const credentials = accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : undefined;
        const client = new sdk.client.S3Client({ region, forcePathStyle, maxAttempts, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) });
        return { sdk, client };
      },
      (err: unknown) => {
        this.#client = undefined;
        throw err;
      },
    );
    return this.#client;
  }

  #call<T>(operation: ObjectStoreOperation, key: string, options: ObjectStoreCallOptions, work: (signal: AbortSignal, target: ObjectStoreTarget) => Promise<T>): Promise<T> {
    const target = { operation, bucket: this.bucket, key };
    const timeout = operation === 'put' || operation === 'get' ? this.#settings.transferTimeoutMs : this.#settings.timeoutMs;
    return runObjectStoreCall(target, options, timeout, async (signal) => {
      try {
        return await work(signal, target);
      } catch (err) {
        throw mapS3Error(err, target);
      }
    });
  }

  /**
   * Stores `body` under `key`; see {@link ObjectStore.put}. A body of at most `partSizeBytes` (a
   * stream of unknown length is read that far to find out) goes in one request, which an abort or
   * the deadline cancels; a larger one in parallel parts, and an abort stops the upload and
   * deletes its parts. Only an abort during the last request (the single PUT's response or
   * CompleteMultipartUpload) may still leave the object stored, as with any timed-out request.
   */
  async put(key: string, body: Buffer | Readable, options: ObjectPutOptions = {}): Promise<StoredObject> {
    validatePut(key, body, options);
    return this.#call('put', key, options, async (signal, target) => {
      const { sdk, client } = await this.#ready();
      signal.throwIfAborted(); // the deadline may have passed while the SDK was loading
      const split = await splitPutBody(body, this.#settings.partSizeBytes, target, options.contentLength, signal);
      const params = {
        Bucket: this.bucket,
        Key: key,
        ContentType: options.contentType ?? 'application/octet-stream',
        ...(options.metadata ? { Metadata: { ...options.metadata } } : {}),
      };
      signal.throwIfAborted();
      const out = 'whole' in split
        ? await client.send(new sdk.client.PutObjectCommand({ ...params, Body: split.whole, ContentLength: split.whole.length }), { abortSignal: signal })
        : await this.#uploadParts(sdk, client, { ...params, Body: split.parts, ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}) }, signal);
      return { key, url: this.url(key), ...(out.ETag ? { etag: unquote(out.ETag) } : {}) };
    });
  }

  async #uploadParts(sdk: S3Sdk, client: ClientS3.S3Client, params: ClientS3.PutObjectCommandInput, signal: AbortSignal): Promise<{ ETag?: string }> {
    const upload = new sdk.storage.Upload({ client, params, partSize: this.#settings.partSizeBytes, queueSize: this.#settings.queueSize, leavePartsOnError: false });
    const onAbort = (): void => {
      upload.abort().catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await upload.done();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Reads a whole object, never more than `maxBytes`; see {@link ObjectStore.get}. */
  async get(key: string, options: ObjectGetOptions = {}): Promise<Buffer> {
    validateObjectKey(key);
    const maxBytes = resolveMaxBytes(options.maxBytes, DEFAULT_OBJECT_MAX_BYTES);
    return this.#call('get', key, options, async (signal, target) => {
      const { sdk, client } = await this.#ready();
      const res = await client.send(new sdk.client.GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      const body = res.Body as Readable | undefined;
      if (body === undefined) throw objectStoreFailed(target, 'invalid_response', 'the response has no body.', { retryable: true });
      const onAbort = (): void => {
        body.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await readCapped(body, target, maxBytes, res.ContentLength);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Size, tag, type and metadata of an object, or `undefined`; see {@link ObjectStore.head}. */
  async head(key: string, options: ObjectStoreCallOptions = {}): Promise<ObjectInfo | undefined> {
    validateObjectKey(key);
    try {
      return await this.#call('head', key, options, async (signal) => {
        const { sdk, client } = await this.#ready();
        const res = await client.send(new sdk.client.HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
        const etag = unquote(res.ETag);
        return {
          key,
          url: this.url(key),
          size: res.ContentLength ?? 0,
          ...(etag ? { etag } : {}),
          ...(res.ContentType ? { contentType: res.ContentType } : {}),
          metadata: Object.freeze({ ...res.Metadata }),
          ...(res.LastModified ? { lastModified: res.LastModified.getTime() } : {}),
        };
      });
    } catch (err) {
      // A HEAD answer has no body: a missing bucket also reads as a missing object here.
      if ((err as { context?: { reason?: unknown } }).context?.reason === 'not_found') return undefined;
      throw err;
    }
  }

  /** Deletes an object (a missing one too); see {@link ObjectStore.delete}. */
  async delete(key: string, options: ObjectStoreCallOptions = {}): Promise<void> {
    validateObjectKey(key);
    await this.#call('delete', key, options, async (signal) => {
      const { sdk, client } = await this.#ready();
      await client.send(new sdk.client.DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    });
  }

  /**
   * HTTP(S) URL of `key`: `<endpoint>/<bucket>/<key>` (path style) or `<scheme>://<bucket>.<host>/<key>`;
   * on AWS `https://<bucket>.s3.<region>.amazonaws.com/<key>`. User information in the endpoint is left out.
   */
  url(key: string): string {
    validateObjectKey(key);
    const { endpoint, region, forcePathStyle } = this.#settings;
    const base = new URL(endpoint ?? `https://s3.${region}.amazonaws.com`);
    base.username = '';
    base.password = '';
    const path = base.pathname.replace(/\/+$/, '');
    const encoded = encodeKeyForUrl(key);
    if (forcePathStyle || this.bucket.includes('.')) return `${base.origin}${path}/${this.bucket}/${encoded}`;
    return `${base.protocol}//${this.bucket}.${base.host}${path}/${encoded}`;
  }

  /** Closes the SDK client's connections; later calls open new ones. */
  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    if (pending === undefined) return;
    const ready = await pending.catch(() => undefined);
    ready?.client.destroy();
  }
}
