import { TokenBucket } from '../core/token-bucket.js';
import { TypedEmitter } from '../core/events.js';
import { describeValue, ErrorCodes, InvalidOptionError, isFirestreamError } from '../errors.js';
import { BackoffState } from './backoff-state.js';
import type { ThrottleAction, ThrottleDecision } from './backoff-state.js';
import { lagUnavailable, throttlingAborted } from './lag-source.js';
import type { LagSource } from './lag-source.js';
import { LagWindow } from './lag-window.js';
import type { LagWindowStats } from './lag-window.js';
import { resolveThrottlingOptions } from './throttling-options.js';
import type { ResolvedThrottlingOptions, ThrottlingManagerOptions } from './throttling-options.js';

/** Options of one {@link ThrottlingManager.checkAndThrottle} call. */
export interface CheckAndThrottleOptions {
  /** The lag to check; without it the manager reads its `lagSource`. */
  consumerLag?: number;
  /** Source id of the batch about to be sent, for events and per-source metrics. */
  sourceId?: string;
  /** Records in the batch about to be sent (default 1); used by `minSendRate` and `maxSendRate`. */
  records?: number;
  /** Aborts the wait (and a lag read); the call then rejects with `FIRESTREAM_ABORTED`. */
  signal?: AbortSignal;
}

/** What {@link ThrottlingManager.checkAndThrottle} did. */
export interface ThrottleOutcome {
  /** The decision in force (a new check's, or the last one's between checks). */
  readonly decision: ThrottleDecision;
  /** True when this call ran a check; false when it reused the last decision. */
  readonly checked: boolean;
  /** Lag-based delay waited, in ms: the decision's delay, capped by `minSendRate`. */
  readonly throttleDelayMs: number;
  /** Extra wait so the send rate stays under `maxSendRate`, in ms. */
  readonly rateLimitDelayMs: number;
  /** The lag source's error when this call could not read the lag (the last decision was kept). */
  readonly lagError?: unknown;
}

/** Payload of the `throttle` event. */
export interface ThrottleEvent {
  /** The throttling action in force. */
  readonly action: Exclude<ThrottleAction, 'allow'>;
  /** Backoff level. */
  readonly level: number;
  /** The lag delay about to be waited, in ms (after the `minSendRate` cap). */
  readonly delayMs: number;
  /** The lag the decision was made on. */
  readonly lag: number;
  /** Source id the caller passed, if any. */
  readonly sourceId: string | undefined;
}

/** Events of a {@link ThrottlingManager}. */
export interface ThrottlingEvents {
  /** A `checkAndThrottle` call is about to wait for lag (not emitted for `allow`). */
  throttle: [event: ThrottleEvent];
  /** A check moved the backoff level. */
  levelChange: [event: { readonly from: number; readonly to: number; readonly lag: number }];
  /** `recoveryChecks` consecutive low-lag checks reset the level to 0. */
  reset: [event: { readonly previousLevel: number; readonly lag: number }];
  /** The lag source failed; the last decision stays in force until the next check. */
  lagError: [error: unknown];
}

/** Plain-data metrics of a {@link ThrottlingManager}. */
export interface ThrottlingMetrics {
  /** Checks run (`evaluate` calls, and `checkAndThrottle` calls that checked). */
  readonly checks: number;
  /** Checks per action. */
  readonly decisions: Readonly<Record<ThrottleAction, number>>;
  /** `checkAndThrottle` calls made while the decision in force was to throttle. */
  readonly throttledCalls: number;
  /** `checkAndThrottle` calls that waited for `maxSendRate`. */
  readonly rateLimitedCalls: number;
  /** Total time waited by `checkAndThrottle`, in ms (lag and rate waits). */
  readonly totalDelayMs: number;
  /** Current backoff level. */
  readonly level: number;
  /** Consecutive low-lag checks so far. */
  readonly lowLagStreak: number;
  /** Resets after sustained low lag. */
  readonly resets: number;
  /** Failed lag reads. */
  readonly lagErrors: number;
  /** The last check's decision, if any. */
  readonly lastDecision: ThrottleDecision | undefined;
  /** The sliding window of lag samples. */
  readonly window: LagWindowStats;
  /** Throttled `checkAndThrottle` calls (as in `throttledCalls`) per source id (at most `maxTrackedSources` ids). */
  readonly throttledBySource: Readonly<Record<string, number>>;
  /** Throttled calls of source ids beyond `maxTrackedSources`, or without a source id. */
  readonly throttledOtherSources: number;
}

function checkLag(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidOptionError(option, value, 'must be a finite number of records, 0 or more');
  return value;
}

/**
 * Delays sends while Kafka consumers lag behind: lag samples in a sliding window, a backoff level
 * that climbs in the critical zone and resets after sustained low lag, and optional send-rate
 * bounds.
 *
 * Zones: lag ≤ `targetConsumerLag` → `allow`; up to `criticalConsumerLag` → `throttle_moderate`
 * (`moderateDelayMs`); above → `throttle_critical` (`baseDelayMs × adjustmentFactor^level`).
 * The level moves by at most one per check, and only while the previous check was also over
 * target: +1 over critical (up to `maxBackoffLevel`); in the moderate zone +1 when the lag rose
 * and −1 when it fell. Low-lag checks keep the level; the `recoveryChecks`-th in a row resets it
 * to 0, and any check over target restarts that count.
 */
export class ThrottlingManager extends TypedEmitter<ThrottlingEvents> {
  readonly #o: ResolvedThrottlingOptions;
  readonly #state: BackoffState;
  readonly #window: LagWindow;
  readonly #bucket: TokenBucket | undefined;
  readonly #bySource = new Map<string, number>();
  readonly #decisions: Record<ThrottleAction, number> = { allow: 0, throttle_moderate: 0, throttle_critical: 0 };
  #checks = 0;
  #throttledCalls = 0;
  #rateLimitedCalls = 0;
  #totalDelayMs = 0;
  #resets = 0;
  #lagErrors = 0;
  #otherSources = 0;
  #last: ThrottleDecision | undefined;
  #lastCheckAt = Number.NEGATIVE_INFINITY;

  constructor(options: ThrottlingManagerOptions = {}) {
    super();
    this.#o = resolveThrottlingOptions(options);
    this.#state = new BackoffState(this.#o);
    this.#window = new LagWindow(this.#o.windowMs, this.#o.maxSamples);
    const max = this.#o.maxSendRate;
    this.#bucket = max === undefined ? undefined : new TokenBucket({ capacity: Math.max(1, max), refillAmount: max, intervalMs: 1_000, clock: this.#o.clock });
  }

  /** Current backoff level. */
  get level(): number {
    return this.#state.level;
  }

  /**
   * Runs one check on `lag` (records): adds it to the window, moves the level and returns the
   * decision. Does not wait. With `enabled: false` every check allows at level 0.
   */
  evaluate(lag: number): ThrottleDecision {
    checkLag(lag, 'lag');
    const now = this.#o.clock.monotonic();
    this.#window.add(now, lag);
    this.#lastCheckAt = now;
    this.#checks += 1;
    if (!this.#o.enabled) return this.#record(Object.freeze({ action: 'allow', delayMs: 0, level: 0, lag }));
    const basis = this.#o.decisionLag === 'average' ? this.#window.average(now) : lag;
    const { decision, previousLevel, reset } = this.#state.step(basis);
    if (decision.level !== previousLevel) this.emit('levelChange', { from: previousLevel, to: decision.level, lag: basis });
    if (reset) {
      this.#resets += 1;
      this.emit('reset', { previousLevel, lag: basis });
    }
    return this.#record(decision);
  }

  /**
   * Checks the lag (given, or read from the lag source at most once per `checkIntervalMs`) and
   * waits as decided before the caller sends its batch.
   *
   * The lag delay is capped so at least `minSendRate` records per second flow
   * (delay ≤ records / minSendRate s); then, with `maxSendRate`, the call also waits until the
   * batch fits the rate. A failed lag read keeps the last decision (when there is none: allow,
   * at the current level, with `lag` 0), emits `lagError`, returns the error as `lagError` and is
   * retried at the next check (`checkIntervalMs` later), so a dead lag source never stops sending.
   *
   * @throws `FIRESTREAM_ABORTED` when `signal` aborts; `FIRESTREAM_INVALID_OPTION` for a bad lag or record count.
   */
  async checkAndThrottle(options: CheckAndThrottleOptions = {}): Promise<ThrottleOutcome> {
    const { consumerLag, sourceId, signal } = options;
    const records = options.records ?? 1;
    if (typeof records !== 'number' || !Number.isSafeInteger(records) || records < 1) throw new InvalidOptionError('records', records, 'must be a whole number, 1 or more');
    if (consumerLag !== undefined) checkLag(consumerLag, 'consumerLag');
    else if (this.#o.lagSource === undefined) throw new InvalidOptionError('consumerLag', consumerLag, 'must be given when the manager has no lagSource');
    if (signal?.aborted) throw throttlingAborted('checkAndThrottle', signal);

    const now = this.#o.clock.monotonic();
    const due = now - this.#lastCheckAt >= this.#o.checkIntervalMs;
    let lagError: unknown;
    if (due) {
      // Claim the check, so concurrent callers in this interval reuse the last decision.
      this.#lastCheckAt = now;
      let lag = consumerLag;
      const source = this.#o.lagSource;
      if (lag === undefined && source !== undefined) {
        try {
          lag = await this.#readLag(source, signal);
        } catch (err) {
          if (isFirestreamError(err, ErrorCodes.ABORTED)) throw err;
          lagError = err;
          this.#lagErrors += 1;
          this.emit('lagError', err);
        }
      }
      if (lag !== undefined) this.evaluate(lag);
    }
    const decision = this.#last ?? Object.freeze<ThrottleDecision>({ action: 'allow', delayMs: 0, level: this.#state.level, lag: 0 });

    let throttleDelayMs = decision.delayMs;
    if (this.#o.minSendRate !== undefined) throttleDelayMs = Math.min(throttleDelayMs, Math.floor((records / this.#o.minSendRate) * 1_000));
    if (decision.action !== 'allow') {
      this.#throttledCalls += 1;
      this.#countSource(sourceId);
      this.emit('throttle', { action: decision.action, level: decision.level, delayMs: throttleDelayMs, lag: decision.lag, sourceId });
    }
    if (throttleDelayMs > 0) await this.#wait(throttleDelayMs, signal);
    const rateLimitDelayMs = await this.#takeTokens(records, signal);
    const outcome = { decision, checked: due && lagError === undefined, throttleDelayMs, rateLimitDelayMs };
    return Object.freeze(lagError === undefined ? outcome : { ...outcome, lagError });
  }

  /** Plain-data snapshot of the counters, the level and the window. */
  getMetrics(): ThrottlingMetrics {
    return Object.freeze({
      checks: this.#checks,
      decisions: Object.freeze({ ...this.#decisions }),
      throttledCalls: this.#throttledCalls,
      rateLimitedCalls: this.#rateLimitedCalls,
      totalDelayMs: this.#totalDelayMs,
      level: this.#state.level,
      lowLagStreak: this.#state.lowStreak,
      resets: this.#resets,
      lagErrors: this.#lagErrors,
      lastDecision: this.#last,
      window: Object.freeze(this.#window.stats(this.#o.clock.monotonic())),
      throttledBySource: Object.freeze(Object.fromEntries(this.#bySource)),
      throttledOtherSources: this.#otherSources,
    });
  }

  #record(decision: ThrottleDecision): ThrottleDecision {
    this.#decisions[decision.action] += 1;
    this.#last = decision;
    return decision;
  }

  async #readLag(source: LagSource, signal: AbortSignal | undefined): Promise<number> {
    const lag = await source.getLag({ signal });
    if (typeof lag !== 'number' || !Number.isFinite(lag) || lag < 0) throw lagUnavailable(`The lag source returned ${describeValue(lag)}, not a number of records.`, { retryable: false, context: { lag } });
    return lag;
  }

  async #wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    await this.#o.sleep(ms, signal);
    this.#totalDelayMs += ms;
  }

  /** Takes `records` tokens from the `maxSendRate` bucket, waiting for refills; returns the time waited. */
  async #takeTokens(records: number, signal: AbortSignal | undefined): Promise<number> {
    const bucket = this.#bucket;
    if (bucket === undefined) return 0;
    let remaining = records - bucket.takeUpTo(records);
    let waited = 0;
    while (remaining > 0) {
      const ms = Math.max(1, bucket.msUntilAvailable(Math.min(remaining, bucket.capacity)));
      await this.#wait(ms, signal);
      waited += ms;
      remaining -= bucket.takeUpTo(remaining);
    }
    if (waited > 0) this.#rateLimitedCalls += 1;
    return waited;
  }

  #countSource(sourceId: string | undefined): void {
    const count = sourceId === undefined ? undefined : this.#bySource.get(sourceId);
    if (sourceId !== undefined && (count !== undefined || this.#bySource.size < this.#o.maxTrackedSources)) this.#bySource.set(sourceId, (count ?? 0) + 1);
    else this.#otherSources += 1;
  }
}
