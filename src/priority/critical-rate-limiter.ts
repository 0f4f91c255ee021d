/**
 * The two token buckets of the CRITICAL fast path: one per source and one for all sources.
 *
 * @module
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { TokenBucket } from '../core/token-bucket.js';
import { InvalidOptionError } from '../errors.js';
import { setBounded, touch } from './bounded-map.js';

/** Which limit demoted CRITICAL records to HIGH. */
export type CriticalDemotionReason = 'per-source' | 'global';

/** What {@link CriticalRateLimiter.take} granted for one batch. */
export interface CriticalGrant {
  /** Records that may go CRITICAL. */
  readonly granted: number;
  /** Records over the source's own limit. */
  readonly demotedPerSource: number;
  /** Records within the source's limit but over the limit of all sources together. */
  readonly demotedGlobal: number;
}

/** Options of {@link CriticalRateLimiter}. */
export interface CriticalRateLimiterOptions {
  /** CRITICAL records per minute from one source (also its burst). */
  readonly perSourcePerMinute: number;
  /** CRITICAL records per minute from all sources together (also the burst). */
  readonly totalPerMinute: number;
  /** Most sources with their own bucket at once; the least recently used is forgotten first. */
  readonly maxTrackedSources: number;
  /** Time source; the system clock by default. */
  readonly clock?: Clock;
}

/**
 * Per-source and global CRITICAL rate limits, applied per batch: one call takes up to `count`
 * tokens from both buckets, so the cost is per batch, not per record.
 *
 * Per-source buckets are created lazily and kept in least-recently-used order, at most
 * `maxTrackedSources` of them. A bucket idle for a minute is full again, so forgetting it changes
 * nothing; forgetting a bucket that is still refilling gives that source a fresh burst, while the
 * global bucket still bounds the total.
 */
export class CriticalRateLimiter {
  readonly #perSource: number;
  readonly #maxTracked: number;
  readonly #clock: Clock;
  readonly #global: TokenBucket;
  readonly #buckets = new Map<string, TokenBucket>();
  #evicted = 0;

  /** @throws {@link InvalidOptionError} naming the bad limit. */
  constructor(options: CriticalRateLimiterOptions) {
    const { perSourcePerMinute, totalPerMinute } = options;
    for (const [key, value] of Object.entries({ perSourcePerMinute, totalPerMinute })) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidOptionError(`criticalRateLimit.${key}`, value, 'must be a positive finite number');
    }
    this.#perSource = perSourcePerMinute;
    const max = options.maxTrackedSources;
    if (!Number.isSafeInteger(max) || max < 1) throw new InvalidOptionError('maxTrackedSources', max, 'must be an integer of 1 or more');
    this.#maxTracked = max;
    this.#clock = options.clock ?? systemClock;
    this.#global = TokenBucket.perMinute(totalPerMinute, this.#clock);
  }

  /** Sources that currently have their own bucket. */
  get trackedSources(): number {
    return this.#buckets.size;
  }

  /** Per-source buckets forgotten to stay within `maxTrackedSources`. */
  get evictedSources(): number {
    return this.#evicted;
  }

  /** Takes tokens for up to `count` CRITICAL records of `sourceId` from both buckets. */
  take(sourceId: string, count: number): CriticalGrant {
    const bucket = this.#bucket(sourceId);
    const withinSource = Math.min(count, Math.floor(bucket.available));
    const granted = Math.min(withinSource, Math.floor(this.#global.available));
    // Both buckets hold at least `granted` whole tokens now, and tokens only grow with time.
    bucket.takeUpTo(granted);
    this.#global.takeUpTo(granted);
    return { granted, demotedPerSource: count - withinSource, demotedGlobal: withinSource - granted };
  }

  #bucket(sourceId: string): TokenBucket {
    let bucket = this.#buckets.get(sourceId);
    if (bucket !== undefined) {
      touch(this.#buckets, sourceId, bucket);
      return bucket;
    }
    bucket = TokenBucket.perMinute(this.#perSource, this.#clock);
    if (this.#buckets.size >= this.#maxTracked) this.#evicted++;
    setBounded(this.#buckets, sourceId, bucket, this.#maxTracked);
    return bucket;
  }
}
