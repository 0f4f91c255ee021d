import { ErrorCodes, FirestreamError } from '../errors.js';

/** Default deadline of one lag read, in ms (a {@link KafkaLagSource} read, and a {@link ThrottlingManager} background read). */
export const DEFAULT_LAG_READ_TIMEOUT_MS = 10_000;

/** Options of one {@link LagSource.getLag} call. */
export interface LagReadOptions {
  /** Aborts the read; it then rejects with `FIRESTREAM_ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Where the {@link ThrottlingManager} gets consumer lag from.
 *
 * The boundary: a lag source turns whatever it watches (broker offsets, queue fill, …) into one
 * number of records that consumers are behind, and knows nothing about delays or levels.
 * Implementations: {@link KafkaLagSource} (consumer-group lag read from the brokers, for
 * throttling the sender) and {@link QueueFillLagSource} (an estimate from queue fill, for
 * throttling intake, never the sender that drains that queue).
 *
 * The {@link ThrottlingManager} reads its source in the background, one read at a time, and
 * aborts a read's `signal` at its `lagReadTimeoutMs` deadline; a source should stop its work then.
 */
export interface LagSource {
  /**
   * Current consumer lag in records (a finite number, at least 0).
   *
   * @throws `FIRESTREAM_LAG_UNAVAILABLE` when the lag cannot be read (its `cause` says why);
   *   `FIRESTREAM_ABORTED` when `signal` aborts.
   */
  getLag(options?: LagReadOptions): Promise<number>;
}

/** Builds the `FIRESTREAM_LAG_UNAVAILABLE` error a lag source throws. */
export function lagUnavailable(message: string, options: { cause?: unknown; retryable?: boolean; context?: Record<string, unknown> } = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.LAG_UNAVAILABLE, message, { retryable: options.retryable ?? true, cause: options.cause, context: options.context });
}

/** The `FIRESTREAM_ABORTED` error of a throttling wait or lag read aborted through its signal. */
export function throttlingAborted(operation: string, signal: AbortSignal): FirestreamError {
  return new FirestreamError(ErrorCodes.ABORTED, `Throttling ${operation} was aborted by its AbortSignal.`, { cause: signal.reason, context: { operation } });
}
