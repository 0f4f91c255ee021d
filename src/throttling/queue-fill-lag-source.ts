import { ThrottlingSchema } from '../config/schema/throttling.js';
import { describeValue, InvalidOptionError } from '../errors.js';
import type { LagReadOptions, LagSource } from './lag-source.js';
import { lagUnavailable, throttlingAborted } from './lag-source.js';

/** Default {@link QueueFillLagSourceOptions.factor}: a full queue maps to 1.25 × the critical lag. */
export const DEFAULT_QUEUE_FILL_LAG_FACTOR = 1.25;

/** Options of {@link QueueFillLagSource}. */
export interface QueueFillLagSourceOptions {
  /** Current queue fill as a fraction, 0 (empty) … 1 (full); values outside are clamped. */
  fill: () => number;
  /** The throttling section's critical lag (default: the schema's `criticalConsumerLag` default). */
  criticalConsumerLag?: number;
  /**
   * Lag of a full queue as a multiple of `criticalConsumerLag` (default
   * {@link DEFAULT_QUEUE_FILL_LAG_FACTOR}); must be over 1 so a full queue is in the critical zone.
   */
  factor?: number;
}

const DEFAULT_CRITICAL_LAG = ThrottlingSchema.shape.criticalConsumerLag.parse(undefined);

/**
 * A {@link LagSource} for throttling **intake**: it estimates a lag from the fill of the queues,
 * `lag = round(fill × criticalConsumerLag × factor)`, for a {@link ThrottlingManager} whose
 * `checkAndThrottle` the ingestion modes (or connectors) call before each fetch, so a filling
 * queue slows fetching and the records wait at their source instead of overflowing the queue.
 *
 * Never use it on the sender, the loop that drains these queues to Kafka: a delay there slows
 * the drain, the queue fills faster, the estimate rises, and the delay grows: a positive
 * feedback loop that turns a queue which would drain into a full one (see
 * `test/throttling/queue-fill-intake.test.ts`). The sender is throttled by real consumer lag
 * ({@link KafkaLagSource}) or not by lag at all; without a consumer group there is no downstream
 * signal to throttle it on.
 *
 * With the defaults (target 1,000, critical 5,000, factor 1.25) the estimate is 6,250 × fill:
 * over target above 16 % fill, moderate at 70 % (4,375), critical above 80 % fill, and a
 * full queue is 6,250, in the critical zone. It is a proxy: a filling queue means records arrive
 * faster than Kafka takes them, which is when slowing intake is worth it.
 */
export class QueueFillLagSource implements LagSource {
  readonly #fill: () => number;
  readonly #lagAtFull: number;

  constructor(options: QueueFillLagSourceOptions) {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
    if (typeof options.fill !== 'function') throw new InvalidOptionError('fill', options.fill, 'must be a function returning the queue fill 0..1');
    const critical = options.criticalConsumerLag ?? DEFAULT_CRITICAL_LAG;
    if (typeof critical !== 'number' || !Number.isSafeInteger(critical) || critical < 1) throw new InvalidOptionError('criticalConsumerLag', critical, 'must be a whole number of records, 1 or more');
    const factor = options.factor ?? DEFAULT_QUEUE_FILL_LAG_FACTOR;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 1) throw new InvalidOptionError('factor', factor, 'must be a finite number over 1, so a full queue maps above criticalConsumerLag');
    this.#fill = options.fill;
    this.#lagAtFull = critical * factor;
  }

  /** Estimated lag of a full queue, in records. */
  get lagAtFull(): number {
    return this.#lagAtFull;
  }

  /**
   * The estimated lag now.
   *
   * @throws `FIRESTREAM_LAG_UNAVAILABLE` when `fill()` throws or returns something other than a number.
   */
  getLag(options: LagReadOptions = {}): Promise<number> {
    if (options.signal?.aborted) return Promise.reject(throttlingAborted('getLag', options.signal));
    let fill: unknown;
    try {
      fill = this.#fill();
    } catch (err) {
      return Promise.reject(lagUnavailable('Reading the queue fill failed, so consumer lag cannot be estimated.', { cause: err }));
    }
    if (typeof fill !== 'number' || Number.isNaN(fill)) {
      return Promise.reject(lagUnavailable(`The queue fill was ${describeValue(fill)}, not a fraction 0..1, so consumer lag cannot be estimated.`, { retryable: false, context: { fill } }));
    }
    return Promise.resolve(Math.round(Math.min(1, Math.max(0, fill)) * this.#lagAtFull));
  }
}
