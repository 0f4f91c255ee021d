import { TokenBucket } from '../core/token-bucket.js';
import { TypedEmitter } from '../core/events.js';
import { InvalidOptionError } from '../errors.js';
import { BackoffState } from './backoff-state.js';
import type { ThrottleAction, ThrottleDecision } from './backoff-state.js';
import { LagReader, untilAborted } from './lag-reader.js';
import { throttlingAborted } from './lag-source.js';
import { LagWindow } from './lag-window.js';
import { resolveThrottlingOptions } from './throttling-options.js';
import type { ResolvedThrottlingOptions, ThrottlingManagerOptions } from './throttling-options.js';
import type { CheckAndThrottleOptions, RefreshLagOptions, ThrottleOutcome, ThrottlingEvents, ThrottlingMetrics } from './throttling-types.js';

export type { CheckAndThrottleOptions, RefreshLagOptions, ThrottleEvent, ThrottleOutcome, ThrottlingEvents, ThrottlingMetrics } from './throttling-types.js';

function checkLag(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidOptionError(option, value, 'must be a finite number of records, 0 or more');
  return value;
}

/**
 * Delays work while whatever it watches falls behind: lag samples in a sliding window, a backoff
 * level that climbs while the lag grows in the critical zone and falls as it falls, a reset after
 * sustained low lag, and optional send-rate bounds.
 *
 * Where it sits (see `docs/throttling.md`): on the sender with a {@link KafkaLagSource}, so a
 * lagging consumer group slows sends; on intake (before a connector fetches) with a
 * {@link QueueFillLagSource}, so a filling queue slows fetching. Never a queue-fill estimate on
 * the sender that drains that same queue: the delay would fill the queue it measures.
 *
 * Zones: lag ≤ `targetConsumerLag` → `allow`; up to `criticalConsumerLag` → `throttle_moderate`
 * (`moderateDelayMs`); above → `throttle_critical` (`baseDelayMs × adjustmentFactor^level`).
 * The level moves by at most one per check, and only while the previous check was also over
 * target: over critical +1 (up to `maxBackoffLevel`) when the lag rose or held, −1 when it fell;
 * in the moderate zone +1 when the lag rose and −1 when it fell. Low-lag checks keep the level;
 * the `recoveryChecks`-th in a row resets it to 0, and any check over target restarts that count.
 *
 * `checkAndThrottle` never waits for a lag read: it decides on its `consumerLag`, or on the last
 * lag read from the `lagSource`, which is refreshed in the background (at most once per
 * `checkIntervalMs`, one read at a time, each bounded by `lagReadTimeoutMs`).
 */
export class ThrottlingManager extends TypedEmitter<ThrottlingEvents> {
  readonly #o: ResolvedThrottlingOptions;
  readonly #state: BackoffState;
  readonly #window: LagWindow;
  readonly #bucket: TokenBucket | undefined;
  readonly #reader: LagReader | undefined;
  readonly #bySource = new Map<string, number>();
  readonly #decisions: Record<ThrottleAction, number> = { allow: 0, throttle_moderate: 0, throttle_critical: 0 };
  #checks = 0;
  #seenChecks = 0;
  #throttledCalls = 0;
  #rateLimitedCalls = 0;
  #totalDelayMs = 0;
  #resets = 0;
  #lagReads = 0;
  #lagErrors = 0;
  #otherSources = 0;
  #last: ThrottleDecision | undefined;
  #lastMoveAt = Number.NEGATIVE_INFINITY;

  constructor(options: ThrottlingManagerOptions = {}) {
    super();
    this.#o = resolveThrottlingOptions(options);
    this.#state = new BackoffState(this.#o);
    this.#window = new LagWindow(this.#o.windowMs, this.#o.maxSamples);
    const max = this.#o.maxSendRate;
    this.#bucket = max === undefined ? undefined : new TokenBucket({ capacity: Math.max(1, max), refillAmount: max, intervalMs: 1_000, clock: this.#o.clock });
    const source = this.#o.lagSource;
    this.#reader =
      source === undefined
        ? undefined
        : new LagReader(source, this.#o.lagReadTimeoutMs, this.#o.scheduler, {
            onLag: (lag, startedAt) => void this.#check(lag, startedAt, false),
            onError: (err) => {
              this.#lagErrors += 1;
              this.emit('lagError', err);
            },
          });
  }

  /** Current backoff level. */
  get level(): number {
    return this.#state.level;
  }

  /**
   * Runs one check on `lag` (records): adds it to the window, moves the level and returns the
   * decision. Does not wait, and is not held to `checkIntervalMs` (every call moves the level).
   * With `enabled: false` every check allows at level 0.
   */
  evaluate(lag: number): ThrottleDecision {
    checkLag(lag, 'lag');
    return this.#check(lag, this.#o.clock.monotonic(), true);
  }

  /**
   * Decides on the lag and waits as decided before the caller sends (or fetches) its batch.
   *
   * With `consumerLag`, that lag is added to the window and decided on at once; the level moves
   * at most once per `checkIntervalMs` (in between, the decision is taken at the current level).
   * Without it, the call decides on the last lag read from the `lagSource` and, when a read is
   * due (`checkIntervalMs` since the last one started) and none is in flight, starts one in the
   * background; the call never waits for it. Until the first read finishes the call allows (at
   * the current level, `lag` 0); a failed or late read keeps the last decision, emits
   * `lagError` and is returned as `lagError`, so a dead lag source never stops sending. A
   * disabled manager (`enabled: false`) reads nothing and allows; `maxSendRate` still applies.
   *
   * The lag delay is capped so at least `minSendRate` records per second flow
   * (delay ≤ records / minSendRate s); then, with `maxSendRate`, the call also waits until the
   * batch fits the rate.
   *
   * @throws `FIRESTREAM_ABORTED` when `signal` aborts; `FIRESTREAM_INVALID_OPTION` for a bad lag or
   *   record count, or no `consumerLag` on a manager without a `lagSource`.
   */
  async checkAndThrottle(options: CheckAndThrottleOptions = {}): Promise<ThrottleOutcome> {
    const { consumerLag, sourceId, signal } = options;
    const records = options.records ?? 1;
    if (typeof records !== 'number' || !Number.isSafeInteger(records) || records < 1) throw new InvalidOptionError('records', records, 'must be a whole number, 1 or more');
    if (consumerLag !== undefined) checkLag(consumerLag, 'consumerLag');
    else if (this.#reader === undefined) throw new InvalidOptionError('consumerLag', consumerLag, 'must be given when the manager has no lagSource');
    if (signal?.aborted) throw throttlingAborted('checkAndThrottle', signal);

    const now = this.#o.clock.monotonic();
    let lagError: unknown;
    if (consumerLag !== undefined) this.#check(consumerLag, now, false);
    else if (this.#o.enabled) {
      const reader = this.#reader as LagReader;
      if (!reader.busy && now - reader.startedAt >= this.#o.checkIntervalMs) void this.#read(reader, now);
      lagError = reader.lastError;
    }
    const checked = this.#checks > this.#seenChecks;
    this.#seenChecks = this.#checks;
    const decision = this.#current();

    let throttleDelayMs = decision.delayMs;
    if (this.#o.minSendRate !== undefined) throttleDelayMs = Math.min(throttleDelayMs, Math.floor((records / this.#o.minSendRate) * 1_000));
    if (decision.action !== 'allow') {
      this.#throttledCalls += 1;
      this.#countSource(sourceId);
      this.emit('throttle', { action: decision.action, level: decision.level, delayMs: throttleDelayMs, lag: decision.lag, sourceId });
    }
    if (throttleDelayMs > 0) await this.#wait(throttleDelayMs, signal);
    const rateLimitDelayMs = await this.#takeTokens(records, signal);
    const outcome = { decision, checked, throttleDelayMs, rateLimitDelayMs };
    return Object.freeze(lagError === undefined ? outcome : { ...outcome, lagError });
  }

  /**
   * Reads the lag source now (or joins the read in flight), decides on the lag and resolves with
   * the decision then in force. For a fresh decision before the first batch, or a health probe;
   * `checkAndThrottle` never waits like this. Reads also while disabled (for the window).
   *
   * @throws `FIRESTREAM_LAG_UNAVAILABLE` when the read fails or passes `lagReadTimeoutMs`;
   *   `FIRESTREAM_ABORTED` when `signal` aborts (the read goes on in the background);
   *   `FIRESTREAM_INVALID_OPTION` on a manager without a `lagSource`.
   */
  async refreshLag(options: RefreshLagOptions = {}): Promise<ThrottleDecision> {
    const { signal } = options;
    const reader = this.#reader;
    if (reader === undefined) throw new InvalidOptionError('lagSource', undefined, 'must be set for refreshLag()');
    if (signal?.aborted) throw throttlingAborted('refreshLag', signal);
    const read = this.#read(reader, this.#o.clock.monotonic());
    const error = signal === undefined ? await read : await untilAborted(read, signal, () => throttlingAborted('refreshLag', signal));
    if (error !== undefined) throw error;
    return this.#current();
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
      lagReads: this.#lagReads,
      lagErrors: this.#lagErrors,
      lastDecision: this.#last,
      window: Object.freeze(this.#window.stats(this.#o.clock.monotonic())),
      throttledBySource: Object.freeze(Object.fromEntries(this.#bySource)),
      throttledOtherSources: this.#otherSources,
    });
  }

  /**
   * Adds `lag` to the window and decides on it. The level moves when `force`, or when
   * `checkIntervalMs` passed between `at` (now, or the start of the read that found the lag) and
   * the last move.
   */
  #check(lag: number, at: number, force: boolean): ThrottleDecision {
    const now = this.#o.clock.monotonic();
    this.#window.add(now, lag);
    this.#checks += 1;
    if (!this.#o.enabled) return this.#record(Object.freeze({ action: 'allow', delayMs: 0, level: 0, lag }));
    const move = force || at - this.#lastMoveAt >= this.#o.checkIntervalMs;
    if (move) this.#lastMoveAt = at;
    const basis = this.#o.decisionLag === 'average' ? this.#window.average(now) : lag;
    const { decision, previousLevel, reset } = this.#state.step(basis, move);
    if (decision.level !== previousLevel) this.emit('levelChange', { from: previousLevel, to: decision.level, lag: basis });
    if (reset) {
      this.#resets += 1;
      this.emit('reset', { previousLevel, lag: basis });
    }
    return this.#record(decision);
  }

  #current(): ThrottleDecision {
    return this.#last ?? Object.freeze<ThrottleDecision>({ action: 'allow', delayMs: 0, level: this.#state.level, lag: 0 });
  }

  #record(decision: ThrottleDecision): ThrottleDecision {
    this.#decisions[decision.action] += 1;
    this.#last = decision;
    return decision;
  }

  /** Starts a background read (counted) unless one is in flight; resolves with its error or `undefined`. */
  #read(reader: LagReader, now: number): Promise<unknown> {
    if (!reader.busy) this.#lagReads += 1;
    return reader.read(now);
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
