import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { errorChain, isRecordTooLarge, isRetryable, wrapKafkaError } from '../../src/producer/kafkajs-errors.js';

// kafkajs is CommonJS; its error classes are reachable only through the default export.
const k = kafkajs as unknown as Record<string, new (...args: never[]) => Error>;
const make = (name: string, ...args: unknown[]): Error => new (k[name] as unknown as new (...a: unknown[]) => Error)(...args);

const tooLarge = () =>
  make('KafkaJSProtocolError', { type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept' });

describe('kafkajs error classification', () => {
  it('maps MESSAGE_TOO_LARGE anywhere in the cause chain to RECORD_TOO_LARGE, not retryable', () => {
    const wrapped = make('KafkaJSNumberOfRetriesExceeded', tooLarge(), { retryCount: 0, retryTime: 0 });
    const err = wrapKafkaError(wrapped, { operation: 'send', topics: ['t'] });
    expect(err).toMatchObject({ code: ErrorCodes.RECORD_TOO_LARGE, retryable: false, cause: wrapped });
    expect(err.message).toContain('max.message.bytes');
  });

  it('recognises RECORD_LIST_TOO_LARGE and RecordTooLarge by name', () => {
    expect(isRecordTooLarge({ type: 'RECORD_LIST_TOO_LARGE' })).toBe(true);
    expect(isRecordTooLarge(Object.assign(new Error('x'), { name: 'RecordTooLargeException' }))).toBe(true);
    expect(isRecordTooLarge(new Error('connection reset'))).toBe(false);
  });

  it('classifies a connection failure behind "retries exceeded" as retryable', () => {
    const conn = make('KafkaJSConnectionError', 'Connection error: ECONNREFUSED', { broker: 'b:9092' });
    const wrapped = make('KafkaJSNumberOfRetriesExceeded', conn, { retryCount: 5, retryTime: 100 });
    expect(isRetryable(wrapped)).toBe(true);
    expect(wrapKafkaError(wrapped, { operation: 'send' })).toMatchObject({ code: ErrorCodes.PRODUCER_SEND_FAILED, retryable: true });
    expect(wrapKafkaError(wrapped, { operation: 'connect' })).toMatchObject({ code: ErrorCodes.PRODUCER_CONNECT_FAILED, retryable: true });
  });

  it('classifies a non-retriable protocol error as not retryable', () => {
    const authz = make('KafkaJSProtocolError', { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false, message: 'Not authorized' });
    expect(wrapKafkaError(authz, { operation: 'send' })).toMatchObject({ code: ErrorCodes.PRODUCER_SEND_FAILED, retryable: false });
    expect(isRetryable(new Error('plain'))).toBe(false);
  });

  it('passes a FirestreamError through and survives cyclic causes', () => {
    const own = new FirestreamError(ErrorCodes.PRODUCER_TIMEOUT, 'late', { retryable: true });
    expect(wrapKafkaError(own, { operation: 'send' })).toBe(own);
    const a: { name: string; cause?: unknown } = { name: 'A' };
    a.cause = { name: 'B', cause: a };
    expect(errorChain(a)).toHaveLength(2);
  });

  it('walks aggregate errors', () => {
    expect(isRecordTooLarge({ name: 'KafkaJSAggregateError', errors: [new Error('x'), tooLarge()] })).toBe(true);
  });
});
