import { ConfigError } from '../../src/errors.js';

/** Runs `fn` and returns the ConfigError it throws; rethrows any other error, and fails when nothing is thrown. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
