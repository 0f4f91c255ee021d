import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { resolveTimeoutMs, timeoutError, withDeadline } from '../../src/producer/deadline.js';

const never = (signal: AbortSignal) => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));

describe('withDeadline', () => {
  it('resolves with the work result before the deadline', async () => {
    await expect(withDeadline(async () => 'ok', { operation: 'send', timeoutMs: 1000 })).resolves.toBe('ok');
  });

  it('passes the work error through unchanged', async () => {
    const boom = new Error('boom');
    await expect(withDeadline(() => Promise.reject(boom), { operation: 'send' })).rejects.toBe(boom);
  });

  it('rejects a late call with a retryable PRODUCER_TIMEOUT and aborts the work signal', async () => {
    let workSignal: AbortSignal | undefined;
    const err = await withDeadline(
      (signal) => {
        workSignal = signal;
        return never(signal);
      },
      { operation: 'send', timeoutMs: 15 },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT, retryable: true, context: { operation: 'send', timeoutMs: 15 } });
    expect(workSignal?.aborted).toBe(true);
  });

  it('uses defaultTimeoutMs when the call sets none', async () => {
    await expect(withDeadline(never, { operation: 'connect', defaultTimeoutMs: 10 })).rejects.toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT });
  });

  it('rejects with ABORTED without starting work when the signal is already aborted', async () => {
    let started = false;
    const controller = new AbortController();
    controller.abort('bye');
    const err = await withDeadline(async () => {
      started = true;
    }, { operation: 'send', signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCodes.ABORTED, retryable: false, cause: 'bye' });
    expect(started).toBe(false);
  });

  it('rejects with ABORTED when the signal aborts during the work', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    await expect(withDeadline(never, { operation: 'send', signal: controller.signal })).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
  });

  it('validates the deadline option', () => {
    expect(resolveTimeoutMs(undefined, 30_000)).toBe(30_000);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveTimeoutMs(bad, 30_000)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
    }
    return expect(withDeadline(async () => 1, { operation: 'send', timeoutMs: -5 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });

  it('regression: each operation’s timeout says what it means for that operation', () => {
    const messages = Object.fromEntries(['send', 'connect', 'ensureTopics', 'healthCheck', 'disconnect'].map((op) => [op, timeoutError(op, 100).message]));
    expect(messages.send).toMatch(/outcome is unknown.*may have written/);
    expect(messages.connect).toMatch(/did not answer in time.*connect\(\) again/);
    expect(messages.ensureTopics).toMatch(/created but not yet confirmed writable/);
    expect(messages.healthCheck).toMatch(/metadata probe/);
    expect(messages.disconnect).toMatch(/counts as disconnected/);
    for (const op of ['connect', 'ensureTopics', 'healthCheck', 'disconnect']) expect(messages[op]).not.toMatch(/written|batch/);
    expect(new Set(Object.values(messages)).size).toBe(5);
  });

  it('attaches timeoutCause() as the cause of a timeout', async () => {
    const last = new Error('last probe');
    await expect(withDeadline(never, { operation: 'ensureTopics', timeoutMs: 10, timeoutCause: () => last })).rejects.toMatchObject({ code: ErrorCodes.PRODUCER_TIMEOUT, cause: last });
  });
});
