import type { ThrottlingSettings } from './throttling-options.js';

/** What a throttling check decided: send now, or wait a moderate or a backed-off critical delay. */
export type ThrottleAction = 'allow' | 'throttle_moderate' | 'throttle_critical';

/** The outcome of one check ({@link ThrottlingManager.evaluate}). */
export interface ThrottleDecision {
  /** `allow` at or under the target lag, `throttle_moderate` over it, `throttle_critical` over the critical lag. */
  readonly action: ThrottleAction;
  /** Delay before the next batch, in ms (0 for `allow`). */
  readonly delayMs: number;
  /** Backoff level after this check (0 … `maxBackoffLevel`); kept through low-lag checks until the reset. */
  readonly level: number;
  /** The lag the decision was made on (the newest sample, or the window average with `decisionLag: 'average'`). */
  readonly lag: number;
}

/** The settings {@link BackoffState} reads (a part of the `throttling` config section). */
export type BackoffSettings = Pick<
  ThrottlingSettings,
  'targetConsumerLag' | 'criticalConsumerLag' | 'moderateDelayMs' | 'baseDelayMs' | 'adjustmentFactor' | 'maxBackoffLevel' | 'recoveryChecks'
>;

/** What one {@link BackoffState.step} changed besides the decision. */
export interface BackoffStep {
  /** The decision of the check. */
  readonly decision: ThrottleDecision;
  /** Level before the check. */
  readonly previousLevel: number;
  /** True when this check completed `recoveryChecks` consecutive low-lag checks and the level was reset. */
  readonly reset: boolean;
}

/**
 * The backoff state machine of the throttling manager (pure: no time, no I/O).
 *
 * Zones: lag ≤ target → `allow`; target < lag ≤ critical → `throttle_moderate` with
 * `moderateDelayMs`; lag > critical → `throttle_critical` with
 * `baseDelayMs × adjustmentFactor^level`.
 *
 * The level moves once per check, and only while the previous check was also over target (the
 * first check over target keeps the level it finds); the level falls as the lag falls:
 * - over critical: +1 (up to `maxBackoffLevel`) when the lag rose or held since the previous
 *   check, −1 when it fell (consumers are catching up);
 * - between target and critical: +1 when the lag rose, −1 when it fell, unchanged when equal;
 * - at or under target: unchanged, but the check counts towards recovery; the
 *   `recoveryChecks`-th consecutive low-lag check resets the level to 0. Any check over target
 *   restarts that count.
 *
 * A step with `move: false` decides on the lag at the current level and changes nothing (no
 * level move, no recovery count, and the lag is not the next step's "previous").
 *
 * @internal
 */
export class BackoffState {
  readonly #s: BackoffSettings;
  #level = 0;
  #lowStreak = 0;
  #previousLag: number | undefined;
  #previousOver = false;

  constructor(settings: BackoffSettings) {
    this.#s = settings;
  }

  /** Current backoff level. */
  get level(): number {
    return this.#level;
  }

  /** Consecutive checks at or under target so far (stops counting at `recoveryChecks`). */
  get lowStreak(): number {
    return this.#lowStreak;
  }

  /** Delay of the critical zone at `level`, in whole ms. */
  criticalDelayMs(level: number): number {
    return Math.round(this.#s.baseDelayMs * this.#s.adjustmentFactor ** level);
  }

  /** Runs one check on `lag`; with `move: false` it only decides, at the current level. */
  step(lag: number, move = true): BackoffStep {
    const s = this.#s;
    const previousLevel = this.#level;
    const over = lag > s.targetConsumerLag;
    const critical = lag > s.criticalConsumerLag;
    const reset = move ? this.#move(lag, over, critical) : false;
    const action: ThrottleAction = critical ? 'throttle_critical' : over ? 'throttle_moderate' : 'allow';
    const delayMs = critical ? this.criticalDelayMs(this.#level) : over ? s.moderateDelayMs : 0;
    return { decision: Object.freeze({ action, delayMs, level: this.#level, lag }), previousLevel, reset };
  }

  /** Moves the level and the recovery count for `lag`; true when this completed a recovery and reset the level. */
  #move(lag: number, over: boolean, critical: boolean): boolean {
    const s = this.#s;
    let reset = false;
    if (!over) {
      if (this.#lowStreak < s.recoveryChecks) {
        this.#lowStreak += 1;
        if (this.#lowStreak === s.recoveryChecks && this.#level > 0) {
          this.#level = 0;
          reset = true;
        }
      }
    } else {
      this.#lowStreak = 0;
      const previous = this.#previousLag ?? lag;
      if (this.#previousOver) {
        if (lag > previous || (critical && lag === previous)) this.#level = Math.min(this.#level + 1, s.maxBackoffLevel);
        else if (lag < previous) this.#level = Math.max(this.#level - 1, 0);
      }
    }
    this.#previousLag = lag;
    this.#previousOver = over;
    return reset;
  }
}
