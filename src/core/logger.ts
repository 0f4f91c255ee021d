/**
 * The logging interface firestream writes to: a subset of pino's, so a pino logger can be passed
 * as is. Silent by default ({@link silentLogger}). Implementations must not throw.
 */
export interface Logger {
  /** Debug detail. */
  debug(obj: object, msg?: string): void;
  /** Normal operation. */
  info(obj: object, msg?: string): void;
  /** Something unexpected that firestream handled. */
  warn(obj: object, msg?: string): void;
  /** A failure that needs attention. */
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** A logger that discards everything; the default. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
