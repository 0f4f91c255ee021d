import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { abortableSleep } from '../../src/throttling/sleep.js';

describe('abortableSleep', () => {
  it('resolves after the delay, and at once for 0', async () => {
    const start = performance.now();
    await abortableSleep(30);
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
    await expect(abortableSleep(0)).resolves.toBeUndefined();
  });

  it('rejects with ABORTED and the reason as cause, aborted before or during the wait', async () => {
    const controller = new AbortController();
    const start = performance.now();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort('stop');
    const err = await pending.catch((e: unknown) => e);
    expect(isFirestreamError(err, ErrorCodes.ABORTED)).toBe(true);
    expect((err as Error).cause).toBe('stop');
    expect(performance.now() - start).toBeLessThan(1_000);
    await expect(abortableSleep(0, controller.signal)).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
  });

  it('refuses a delay no Node timer can hold', async () => {
    await expect(abortableSleep(2 ** 31)).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
    await expect(abortableSleep(Number.NaN)).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });
});
