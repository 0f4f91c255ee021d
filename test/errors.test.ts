import { describe, expect, it } from 'vitest';
import { ConfigError, ErrorCodes, FirestreamError, InvalidOptionError, describeValue, formatIssue, isFirestreamError } from '../src/errors.js';

describe('FirestreamError', () => {
  it('carries code, retryable, cause and frozen context', () => {
    const cause = new Error('socket closed');
    const err = new FirestreamError(ErrorCodes.PRODUCER_SEND_FAILED, 'send failed', { cause, retryable: true, context: { topic: 't' } });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('FirestreamError');
    expect(err.code).toBe('FIRESTREAM_PRODUCER_SEND_FAILED');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.context).toEqual({ topic: 't' });
    expect(Object.isFrozen(err.context)).toBe(true);
    expect(isFirestreamError(err, ErrorCodes.PRODUCER_SEND_FAILED)).toBe(true);
    expect(isFirestreamError(err, ErrorCodes.QUEUE_FULL)).toBe(false);
    expect(isFirestreamError(cause)).toBe(false);
  });

  it('defaults to not retryable', () => {
    expect(new FirestreamError(ErrorCodes.ABORTED, 'x').retryable).toBe(false);
  });

  it('has unique codes, all prefixed', () => {
    const codes = Object.values(ErrorCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^FIRESTREAM_[A-Z_]+$/);
  });
});

describe('ConfigError', () => {
  it('lists every issue as `path: message (got value)`', () => {
    const err = new ConfigError(
      [
        { path: 'queue.maxSize', message: 'must be a positive integer', received: -5 },
        { path: 'topics[1].name', message: 'invalid topic name', received: 'bad topic' },
        { path: 'kafka.bootstrapServers', message: 'is required' },
      ],
      { source: 'stream.yaml' },
    );
    expect(err.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toHaveLength(3);
    expect(err.message).toContain('in stream.yaml (3 problems)');
    expect(err.message).toContain('queue.maxSize: must be a positive integer (got -5)');
    expect(err.message).toContain('topics[1].name: invalid topic name (got "bad topic")');
    expect(err.message).toMatch(/kafka\.bootstrapServers: is required$/m);
  });

  it('formats a missing path as (root)', () => {
    expect(formatIssue({ path: '', message: 'must be an object', received: 3 })).toBe('(root): must be an object (got 3)');
  });
});

describe('InvalidOptionError', () => {
  it('names the option and the bad value', () => {
    const err = new InvalidOptionError('maxSize', 0, 'must be a positive integer');
    expect(err.code).toBe(ErrorCodes.INVALID_OPTION);
    expect(err.message).toBe('Option "maxSize" must be a positive integer (got 0).');
    expect(err.context).toEqual({ option: 'maxSize', value: 0 });
  });
});

describe('describeValue', () => {
  it('renders values briefly and safely', () => {
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(() => 1)).toBe('[function]');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue('x'.repeat(200))).toHaveLength(80);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('[object Object]');
  });
});
