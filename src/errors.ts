/**
 * Typed errors for every part of firestream.
 *
 * Every error thrown by the library is a {@link FirestreamError} with a `code` from the closed
 * {@link ErrorCodes} list, a `retryable` flag, an optional `cause` and context fields, so callers
 * can branch on `err.code` instead of parsing messages.
 *
 * @module
 */

/** The closed list of error codes firestream raises. */
export const ErrorCodes = {
  /** Configuration failed validation; see {@link ConfigError.issues}. */
  CONFIG_INVALID: 'FIRESTREAM_CONFIG_INVALID',
  /** A configuration file could not be read or parsed. */
  CONFIG_UNREADABLE: 'FIRESTREAM_CONFIG_UNREADABLE',
  /** An option passed to a constructor or method is invalid. */
  INVALID_OPTION: 'FIRESTREAM_INVALID_OPTION',
  /** A record failed validation (bad field, wrong type, not serializable). */
  INVALID_RECORD: 'FIRESTREAM_INVALID_RECORD',
  /** A topic name breaks Kafka's naming rules. */
  INVALID_TOPIC: 'FIRESTREAM_INVALID_TOPIC',
  /** The producer is not connected (call `connect()` first). */
  PRODUCER_NOT_CONNECTED: 'FIRESTREAM_PRODUCER_NOT_CONNECTED',
  /** A producer call did not finish before its deadline; the outcome is unknown. */
  PRODUCER_TIMEOUT: 'FIRESTREAM_PRODUCER_TIMEOUT',
  /** The broker rejected or failed a send. */
  PRODUCER_SEND_FAILED: 'FIRESTREAM_PRODUCER_SEND_FAILED',
  /** Connecting a producer to the brokers failed. */
  PRODUCER_CONNECT_FAILED: 'FIRESTREAM_PRODUCER_CONNECT_FAILED',
  /** A Kafka admin operation (creating topics, reading metadata) failed. */
  KAFKA_ADMIN_FAILED: 'FIRESTREAM_KAFKA_ADMIN_FAILED',
  /** A record is larger than the broker or topic allows. */
  RECORD_TOO_LARGE: 'FIRESTREAM_RECORD_TOO_LARGE',
  /** A compression codec is not available in this runtime. */
  CODEC_UNAVAILABLE: 'FIRESTREAM_CODEC_UNAVAILABLE',
  /** Compressed data is corrupt, or decompresses past the configured size limit. */
  CODEC_FAILED: 'FIRESTREAM_CODEC_FAILED',
  /** A queue is full and the overflow strategy rejects the record. */
  QUEUE_FULL: 'FIRESTREAM_QUEUE_FULL',
  /** An operation was aborted through its AbortSignal. */
  ABORTED: 'FIRESTREAM_ABORTED',
  /** The queues were closed: no more records are accepted and blocked callers are released. */
  QUEUE_CLOSED: 'FIRESTREAM_QUEUE_CLOSED',
  /** Consumer lag could not be read from the brokers. */
  LAG_UNAVAILABLE: 'FIRESTREAM_LAG_UNAVAILABLE',
  /** Binary image data failed strict parsing or verification. */
  IMAGE_CORRUPT: 'FIRESTREAM_IMAGE_CORRUPT',
  /** An image (or an image being reassembled) is over a configured size or memory cap. */
  IMAGE_TOO_LARGE: 'FIRESTREAM_IMAGE_TOO_LARGE',
  /** A chunked image did not complete: chunks missing at expiry, or evicted by the memory cap. */
  IMAGE_INCOMPLETE: 'FIRESTREAM_IMAGE_INCOMPLETE',
  /** A Kafka consumer could not start, or stopped and kafkajs did not restart it. */
  CONSUMER_FAILED: 'FIRESTREAM_CONSUMER_FAILED',
  /** An object store (S3) operation failed. */
  OBJECT_STORE_FAILED: 'FIRESTREAM_OBJECT_STORE_FAILED',
  /** An optional peer dependency needed by this feature is not installed. */
  DEPENDENCY_MISSING: 'FIRESTREAM_DEPENDENCY_MISSING',
} as const;

/** One of the codes in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Options accepted by {@link FirestreamError}. */
export interface FirestreamErrorOptions {
  /** The underlying error, kept on `err.cause`. */
  cause?: unknown;
  /** Whether retrying the same operation may succeed. Defaults to `false`. */
  retryable?: boolean;
  /** Structured values that explain the failure (the offending value, the option name, …). */
  context?: Readonly<Record<string, unknown>>;
}

/** Base class of every error firestream throws. */
export class FirestreamError extends Error {
  /** Stable, machine-readable code. */
  readonly code: ErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retryable: boolean;
  /** Structured values that explain the failure. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: FirestreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

/** One problem found while validating configuration. */
export interface ConfigIssue {
  /** Dotted path of the offending key, for example `queue.maxSize` or `sources[2].sourceId`. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
  /** The value that was found at `path` (undefined when the key was missing). */
  readonly received?: unknown;
}

/** Configuration failed validation; `issues` lists every problem, not only the first. */
export class ConfigError extends FirestreamError {
  /** Every problem found, in document order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: { source?: string; cause?: unknown } = {}) {
    const where = options.source ? ` in ${options.source}` : '';
    const lines = issues.map((i) => `  - ${formatIssue(i)}`).join('\n');
    super(ErrorCodes.CONFIG_INVALID, `Invalid firestream configuration${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`, {
      cause: options.cause,
      context: { source: options.source, issues },
    });
    this.issues = Object.freeze([...issues]);
  }
}

/** Formats one issue as `path: what is wrong (got X)`. */
export function formatIssue(issue: ConfigIssue): string {
  const got = 'received' in issue ? ` (got ${describeValue(issue.received)})` : '';
  return `${issue.path || '(root)'}: ${issue.message}${got}`;
}

/** Short, log-safe rendering of a value for error messages (never more than 80 characters). */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'function') text = '[function]';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Raised for an invalid constructor or method option; names the option and the bad value. */
export class InvalidOptionError extends FirestreamError {
  constructor(option: string, value: unknown, expected: string) {
    super(ErrorCodes.INVALID_OPTION, `Option "${option}" ${expected} (got ${describeValue(value)}).`, {
      context: { option, value },
    });
  }
}

/** Returns true when `err` is a {@link FirestreamError}, optionally with the given code. */
export function isFirestreamError(err: unknown, code?: ErrorCode): err is FirestreamError {
  return err instanceof FirestreamError && (code === undefined || err.code === code);
}
