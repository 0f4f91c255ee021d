import { InvalidOptionError } from '../errors.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds (the burst size); also its starting fill. */
  capacity: number;
  /** Tokens added per `intervalMs` (for "100 per minute": `refillAmount: 100, intervalMs: 60_000`). */
  refillAmount: number;
  /** Length of the refill interval in ms; tokens are added continuously, pro rata. */
  intervalMs: number;
  /** Time source (monotonic time is used); the system clock by default. */
  clock?: Clock;
}

function positiveFinite(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidOptionError(option, value, 'must be a positive finite number');
  return value;
}

/**
 * A token bucket: a rate limit with bursts, refilled continuously from an injected clock.
 *
 * It holds no timers; tokens are computed lazily from elapsed monotonic time, so one bucket per
 * source costs nothing while idle. Batch callers take many tokens in one call with
 * {@link TokenBucket.takeUpTo}.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions) {
    this.#capacity = positiveFinite('capacity', options.capacity);
    const refill = positiveFinite('refillAmount', options.refillAmount);
    const interval = positiveFinite('intervalMs', options.intervalMs);
    this.#perMs = refill / interval;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = this.#capacity;
    this.#updatedAt = this.#clock.monotonic();
  }

  /** A bucket that allows `perMinute` events per minute, with a burst of the same size. */
  static perMinute(perMinute: number, clock?: Clock): TokenBucket {
    return new TokenBucket({ capacity: perMinute, refillAmount: perMinute, intervalMs: 60_000, clock });
  }

  /** Most tokens the bucket holds. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Tokens available now (fractional while refilling). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes `count` tokens if all are available; returns whether it did. */
  tryTake(count = 1): boolean {
    this.#refill();
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }

  /** Takes as many whole tokens as are available, up to `count`; returns how many it took. */
  takeUpTo(count: number): number {
    this.#refill();
    const taken = Math.max(0, Math.min(Math.floor(count), Math.floor(this.#tokens)));
    this.#tokens -= taken;
    return taken;
  }

  /** Milliseconds until `count` tokens are available (0 when they are now; Infinity over capacity). */
  msUntilAvailable(count = 1): number {
    if (count > this.#capacity) return Number.POSITIVE_INFINITY;
    this.#refill();
    const missing = count - this.#tokens;
    return missing <= 0 ? 0 : Math.ceil(missing / this.#perMs);
  }

  #refill(): void {
    const now = this.#clock.monotonic();
    const elapsed = now - this.#updatedAt;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#perMs);
    this.#updatedAt = now;
  }
}
