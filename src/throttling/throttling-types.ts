/**
 * The public types of the {@link ThrottlingManager}: call options, outcomes, events and metrics.
 *
 * @module
 */
import type { ThrottleAction, ThrottleDecision } from './backoff-state.js';
import type { LagWindowStats } from './lag-window.js';

/** Options of one {@link ThrottlingManager.checkAndThrottle} call. */
export interface CheckAndThrottleOptions {
  /**
   * The lag to decide on; it is always added to the window and decided on (the level moves at
   * most once per `checkIntervalMs`). Without it the call decides on the last lag read from the
   * `lagSource`.
   */
  consumerLag?: number;
  /** Source id of the batch about to be sent, for events and per-source metrics. */
  sourceId?: string;
  /** Records in the batch about to be sent (default 1); used by `minSendRate` and `maxSendRate`. */
  records?: number;
  /** Aborts the wait; the call then rejects with `FIRESTREAM_ABORTED`. */
  signal?: AbortSignal;
}

/** Options of {@link ThrottlingManager.refreshLag}. */
export interface RefreshLagOptions {
  /** Stops waiting for the read (which goes on in the background); the call then rejects with `FIRESTREAM_ABORTED`. */
  signal?: AbortSignal;
}

/** What {@link ThrottlingManager.checkAndThrottle} did. */
export interface ThrottleOutcome {
  /** The decision in force: on this call's `consumerLag`, or on the last lag read. */
  readonly decision: ThrottleDecision;
  /**
   * True when the decision is on a lag no earlier call saw: this call's `consumerLag` (always),
   * or a lag read that finished since the previous call; false when it reuses the last decision.
   */
  readonly checked: boolean;
  /** Lag-based delay waited, in ms: the decision's delay, capped by `minSendRate`. */
  readonly throttleDelayMs: number;
  /** Extra wait so the send rate stays under `maxSendRate`, in ms. */
  readonly rateLimitDelayMs: number;
  /** The last lag read's error, while the last read failed (the decision in force predates it); only for calls without `consumerLag`. */
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
  /** A background lag read failed or passed `lagReadTimeoutMs`; the last decision stays in force. */
  lagError: [error: unknown];
}

/** Plain-data metrics of a {@link ThrottlingManager}. */
export interface ThrottlingMetrics {
  /** Lag samples decided on: `evaluate` calls, `consumerLag`s passed to `checkAndThrottle`, and lag reads. */
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
  /** Lag reads started (never while disabled). */
  readonly lagReads: number;
  /** Failed lag reads (errors and deadlines). */
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
