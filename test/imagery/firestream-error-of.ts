import { FirestreamError } from '../../src/errors.js';

/** Runs `fn` and returns the FirestreamError it throws; rethrows any other error, and fails when nothing is thrown. */
export function firestreamErrorOf(fn: () => unknown): FirestreamError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FirestreamError) return err;
    throw err;
  }
  throw new Error('expected a FirestreamError');
}
