import { ErrorCodes, FirestreamError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** Fields kafkajs errors carry that classification reads. */
export interface KafkaJsErrorLike {
  /** Error class name (`KafkaJSProtocolError`, …). */
  name?: unknown;
  /** Kafka protocol error type (`MESSAGE_TOO_LARGE`, …). */
  type?: unknown;
  /** Error message. */
  message?: unknown;
  /** kafkajs's own verdict on whether a retry may succeed. */
  retriable?: unknown;
  /** The underlying error. */
  cause?: unknown;
  /** The underlying error, as some kafkajs errors name it. */
  originalError?: unknown;
  /** Members of an aggregate error. */
  errors?: unknown;
}

const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const TOO_LARGE_TEXT = /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|RecordTooLarge|larger than the max message size/i;
const TRANSIENT_NAMES = /Connection|Timeout|BrokerNotFound|MetadataNotLoaded|StaleTopicMetadata|LockTimeout|GroupCoordinatorNotFound/;
/** Wrappers whose own `retriable` says "kafkajs gave up", not whether the failure is transient. */
const WRAPPER_NAMES = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/** Flattens an error with its `cause`/`originalError` chain and aggregate members (depth-first, cycle-safe). */
export function errorChain(err: unknown, limit = 20): KafkaJsErrorLike[] {
  const chain: KafkaJsErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object' || seen.has(e) || chain.length >= limit) return;
    seen.add(e);
    const item = e as KafkaJsErrorLike;
    chain.push(item);
    visit(item.cause);
    visit(item.originalError);
    if (Array.isArray(item.errors)) for (const inner of item.errors) visit(inner);
  };
  visit(err);
  return chain;
}

/** True when the error or anything in its chain says a message or batch was too large. */
export function isRecordTooLarge(err: unknown): boolean {
  return errorChain(err).some(
    (e) =>
      (typeof e.type === 'string' && TOO_LARGE_TYPES.has(e.type)) ||
      (typeof e.name === 'string' && TOO_LARGE_TEXT.test(e.name)) ||
      (typeof e.message === 'string' && TOO_LARGE_TEXT.test(e.message)),
  );
}

/**
 * Whether retrying later may succeed, read from the innermost error that states it: kafkajs's
 * `retriable` flag on protocol and connection errors (wrappers such as
 * `KafkaJSNumberOfRetriesExceeded` only say that kafkajs stopped retrying), else the error name
 * (connection and timeout errors are transient).
 */
export function isRetryable(err: unknown): boolean {
  const chain = errorChain(err);
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const e = chain[i] as KafkaJsErrorLike;
    if (typeof e.name === 'string' && WRAPPER_NAMES.has(e.name)) continue;
    if (typeof e.retriable === 'boolean') return e.retriable;
    if (typeof e.name === 'string' && TRANSIENT_NAMES.test(e.name)) return true;
  }
  return chain.some((e) => typeof e.name === 'string' && TRANSIENT_NAMES.test(e.name));
}

/** Context of a failed producer call, kept on the wrapped error. */
export interface KafkaFailureContext {
  /** The producer operation (`send`, `connect`, `ensureTopics`, …). */
  operation: string;
  /** Topics the call touched. */
  topics?: readonly string[];
}

/** Error code for a failure of each kind of operation (`RECORD_TOO_LARGE` aside). */
const FAILURE_CODES: Readonly<Record<string, ErrorCode>> = {
  connect: ErrorCodes.PRODUCER_CONNECT_FAILED,
  ensureTopics: ErrorCodes.KAFKA_ADMIN_FAILED,
  healthCheck: ErrorCodes.KAFKA_ADMIN_FAILED,
};

/**
 * Wraps a kafkajs error in a {@link FirestreamError}: `RECORD_TOO_LARGE` (not retryable) when the
 * chain says a message was too large, otherwise `PRODUCER_CONNECT_FAILED` (connect),
 * `KAFKA_ADMIN_FAILED` (ensureTopics, healthCheck) or `PRODUCER_SEND_FAILED`, keeping `cause` and a
 * `retryable` classification. A FirestreamError passes through unchanged.
 */
export function wrapKafkaError(err: unknown, context: KafkaFailureContext): FirestreamError {
  if (err instanceof FirestreamError) return err;
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const topics = context.topics?.join(', ');
  const where = topics ? ` to ${topics}` : '';
  if (isRecordTooLarge(err)) {
    return new FirestreamError(
      ErrorCodes.RECORD_TOO_LARGE,
      `Producer ${context.operation}${where} was rejected because a message or batch is larger than the broker or topic allows (${detail}). Split the record, raise the topic's max.message.bytes, or route it elsewhere.`,
      { cause: err, retryable: false, context: { ...context } },
    );
  }
  const code = FAILURE_CODES[context.operation] ?? ErrorCodes.PRODUCER_SEND_FAILED;
  return new FirestreamError(code, `Producer ${context.operation}${where} failed: ${detail}`, {
    cause: err,
    retryable: isRetryable(err),
    context: { ...context },
  });
}
