import type { FirestreamError } from '../../src/errors.js';

/** Awaits `promise` and returns what it rejected with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<FirestreamError> {
  try {
    await promise;
  } catch (err) {
    return err as FirestreamError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
