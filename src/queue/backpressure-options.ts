/**
 * Options of the {@link BackpressureManager}, their defaults (from the config schema) and their
 * validation.
 *
 * @module
 */
import { BackpressureSchema, FIRE_SEASON_CAPACITY_FACTOR, orderProblem } from '../config/schema/backpressure.js';
import type { OrderedSetting } from '../config/schema/backpressure.js';
import { QueueSchema } from '../config/schema/queue.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { InvalidOptionError } from '../errors.js';
import type { BackpressureThresholds } from './backpressure-state.js';

/** Options of a {@link BackpressureManager}; every one has the design default. Fill levels and shares are fractions 0..1. */
export interface BackpressureManagerOptions {
  /** Shed load as the queues fill (default true); when false every record is admitted and the state stays NORMAL. */
  readonly enabled?: boolean;
  /** Fill at which WARNING starts (default 0.7). */
  readonly warningThreshold?: number;
  /** Fill at which CRITICAL starts (default 0.9). */
  readonly criticalThreshold?: number;
  /** Fill at which LOAD_SHEDDING starts (default 1). */
  readonly loadSheddingThreshold?: number;
  /** Share of non-critical records admitted in WARNING (default 0.5). */
  readonly warningAdmitRatio?: number;
  /** Share of non-critical records admitted in CRITICAL (default 0.1). */
  readonly criticalAdmitRatio?: number;
  /** Consecutive checks under the warning threshold, each `checkIntervalMs` apart at least, before NORMAL again (default 10). */
  readonly recoveryChecks?: number;
  /**
   * Least time, in ms, between a change of state or a step of the recovery run and the next check
   * that lowers the state or counts toward `recoveryChecks` (default 1,000; 0: every check
   * counts). A check under the current state's threshold that comes sooner keeps the state; a
   * fill over a higher threshold still raises it at once. So with the defaults NORMAL returns no
   * sooner than 10 s after the state last rose, however many records are admitted meanwhile.
   */
  readonly checkIntervalMs?: number;
  /** Retry-after hints for refused records per state, in ms (defaults 30 s, 60 s, 60 s). */
  readonly retryAfterMs?: { readonly warning?: number; readonly critical?: number; readonly loadShedding?: number };
  /** The fire-season profile: later thresholds (0.8 / 0.95) and a larger capacity (default twice `capacity`, never less than it). */
  readonly fireSeason?: {
    /** Start in the fire-season profile (default false). */
    readonly enabled?: boolean;
    /** Fire-season fill at which WARNING starts (default 0.8). */
    readonly warningThreshold?: number;
    /** Fire-season fill at which CRITICAL starts (default 0.95). */
    readonly criticalThreshold?: number;
    /** Fire-season capacity of the queues together: at least `capacity` (default twice `capacity`). */
    readonly capacity?: number;
  };
  /** Capacity of the queues together, reported so the owner can size them (default 10,000). */
  readonly capacity?: number;
  /** Reads the current queue fill (0..1), for checks that are not given a fill; for example `() => queues.utilization`. */
  readonly fill?: () => number;
  /** Uniform random numbers in [0, 1) for probabilistic admission; `Math.random` by default. */
  readonly random?: () => number;
  /** Time source for events and time-in-state; the system clock by default. */
  readonly clock?: Clock;
}

/** The options with defaults applied and checked (internal to the manager). */
export interface ResolvedBackpressureOptions {
  /** Whether load is shed at all. */
  readonly enabled: boolean;
  /** Thresholds outside fire season. */
  readonly normal: BackpressureThresholds;
  /** Thresholds in fire season. */
  readonly peak: BackpressureThresholds;
  /** Whether to start in the fire-season profile. */
  readonly startInPeak: boolean;
  /** Share of non-critical records admitted in WARNING. */
  readonly warningAdmitRatio: number;
  /** Share of non-critical records admitted in CRITICAL. */
  readonly criticalAdmitRatio: number;
  /** Consecutive checks under warning, `checkIntervalMs` apart, before NORMAL. */
  readonly recoveryChecks: number;
  /** Least time between a move of the state machine and the next downward step, in ms; 0 lets every check count. */
  readonly checkIntervalMs: number;
  /** Retry-after hints per elevated state, in ms. */
  readonly retryAfterMs: { readonly warning: number; readonly critical: number; readonly loadShedding: number };
  /** Capacity outside fire season. */
  readonly capacity: number;
  /** Capacity in fire season. */
  readonly peakCapacity: number;
  /** Fill provider, if any. */
  readonly fill: (() => number) | undefined;
  /** Uniform random source. */
  readonly random: () => number;
  /** Time source. */
  readonly clock: Clock;
}

const DEFAULTS = BackpressureSchema.parse({});
const DEFAULT_CAPACITY = QueueSchema.parse({}).maxSize;

function fraction(option: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidOptionError(option, value, 'must be a fraction from 0 to 1');
  return value;
}

function positiveInt(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidOptionError(option, value, 'must be an integer of 1 or more');
  return value;
}

function nonNegativeInt(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidOptionError(option, value, 'must be an integer of 0 or more');
  return value;
}

function flag(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'must be true or false');
  return value;
}

/** A fraction option with its default, remembering whether the caller gave it. */
function setting(option: string, given: number | undefined, fallback: number): OrderedSetting {
  return { key: option, value: fraction(option, given ?? fallback), atDefault: given === undefined };
}

/** Throws at the option the caller set when `low` is not under `high` (see {@link orderProblem}). */
function ordered(low: OrderedSetting, high: OrderedSetting, strict = true): void {
  const problem = orderProblem(low, high, strict);
  if (problem === undefined) return;
  const at = problem.at === 'low' ? low : high;
  throw new InvalidOptionError(at.key, at.value, problem.message);
}

function thresholds(warning: OrderedSetting, critical: OrderedSetting, loadShedding: OrderedSetting): BackpressureThresholds {
  ordered(warning, critical);
  ordered(critical, loadShedding);
  return Object.freeze({ warning: warning.value, critical: critical.value, loadShedding: loadShedding.value });
}

function callable(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(option, value, 'must be a function');
}

/** Applies the defaults and checks every option; never mutates `options`. */
export function resolveBackpressureOptions(options: BackpressureManagerOptions): ResolvedBackpressureOptions {
  const loadShedding = setting('loadSheddingThreshold', options.loadSheddingThreshold, DEFAULTS.loadSheddingThreshold);
  const normal = thresholds(
    setting('warningThreshold', options.warningThreshold, DEFAULTS.warningThreshold),
    setting('criticalThreshold', options.criticalThreshold, DEFAULTS.criticalThreshold),
    loadShedding,
  );
  const season = options.fireSeason ?? {};
  const peak = thresholds(
    setting('fireSeason.warningThreshold', season.warningThreshold, DEFAULTS.fireSeason.warningThreshold),
    setting('fireSeason.criticalThreshold', season.criticalThreshold, DEFAULTS.fireSeason.criticalThreshold),
    loadShedding,
  );
  const warningAdmit = setting('warningAdmitRatio', options.warningAdmitRatio, DEFAULTS.warningAdmitRatio);
  const criticalAdmit = setting('criticalAdmitRatio', options.criticalAdmitRatio, DEFAULTS.criticalAdmitRatio);
  ordered(criticalAdmit, warningAdmit, false);
  const retry = options.retryAfterMs ?? {};
  const capacity = positiveInt('capacity', options.capacity ?? DEFAULT_CAPACITY);
  const peakCapacity = positiveInt('fireSeason.capacity', season.capacity ?? capacity * FIRE_SEASON_CAPACITY_FACTOR);
  if (peakCapacity < capacity) {
    throw new InvalidOptionError('fireSeason.capacity', peakCapacity, `must be at least capacity (${capacity}): the fire-season profile gives the queues more room, never less`);
  }
  callable('fill', options.fill);
  callable('random', options.random);
  return {
    enabled: flag('enabled', options.enabled ?? DEFAULTS.enabled),
    normal,
    peak,
    startInPeak: flag('fireSeason.enabled', season.enabled ?? DEFAULTS.fireSeason.enabled),
    warningAdmitRatio: warningAdmit.value,
    criticalAdmitRatio: criticalAdmit.value,
    recoveryChecks: positiveInt('recoveryChecks', options.recoveryChecks ?? DEFAULTS.recoveryChecks),
    checkIntervalMs: nonNegativeInt('checkIntervalMs', options.checkIntervalMs ?? DEFAULTS.checkIntervalMs),
    retryAfterMs: {
      warning: positiveInt('retryAfterMs.warning', retry.warning ?? DEFAULTS.retryAfterMs.warning),
      critical: positiveInt('retryAfterMs.critical', retry.critical ?? DEFAULTS.retryAfterMs.critical),
      loadShedding: positiveInt('retryAfterMs.loadShedding', retry.loadShedding ?? DEFAULTS.retryAfterMs.loadShedding),
    },
    capacity,
    peakCapacity,
    fill: options.fill,
    random: options.random ?? Math.random,
    clock: options.clock ?? systemClock,
  };
}
