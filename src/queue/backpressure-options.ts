/**
 * Options of the {@link BackpressureManager}, their defaults (from the config schema) and their
 * validation.
 *
 * @module
 */
import { BackpressureSchema } from '../config/schema/backpressure.js';
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
  /** Consecutive checks under the warning threshold before NORMAL again (default 10). */
  readonly recoveryChecks?: number;
  /** Retry-after hints for refused records per state, in ms (defaults 30 s, 60 s, 60 s). */
  readonly retryAfterMs?: { readonly warning?: number; readonly critical?: number; readonly loadShedding?: number };
  /** The fire-season profile: later thresholds (0.8 / 0.95) and a larger capacity (default twice `capacity`). */
  readonly fireSeason?: {
    /** Start in the fire-season profile (default false). */
    readonly enabled?: boolean;
    /** Fire-season fill at which WARNING starts (default 0.8). */
    readonly warningThreshold?: number;
    /** Fire-season fill at which CRITICAL starts (default 0.95). */
    readonly criticalThreshold?: number;
    /** Fire-season capacity of the queues together (default twice `capacity`). */
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
  /** Consecutive checks under warning before NORMAL. */
  readonly recoveryChecks: number;
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

function thresholds(prefix: string, warning: number, critical: number, loadShedding: number): BackpressureThresholds {
  fraction(`${prefix}warningThreshold`, warning);
  fraction(`${prefix}criticalThreshold`, critical);
  fraction('loadSheddingThreshold', loadShedding);
  if (warning >= critical) throw new InvalidOptionError(`${prefix}warningThreshold`, warning, `must be less than ${prefix}criticalThreshold (${critical})`);
  if (critical >= loadShedding) throw new InvalidOptionError(`${prefix}criticalThreshold`, critical, `must be less than loadSheddingThreshold (${loadShedding})`);
  return Object.freeze({ warning, critical, loadShedding });
}

function callable(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(option, value, 'must be a function');
}

/** Applies the defaults and checks every option; never mutates `options`. */
export function resolveBackpressureOptions(options: BackpressureManagerOptions): ResolvedBackpressureOptions {
  const loadShedding = options.loadSheddingThreshold ?? DEFAULTS.loadSheddingThreshold;
  const normal = thresholds('', options.warningThreshold ?? DEFAULTS.warningThreshold, options.criticalThreshold ?? DEFAULTS.criticalThreshold, loadShedding);
  const season = options.fireSeason ?? {};
  const peak = thresholds(
    'fireSeason.',
    season.warningThreshold ?? DEFAULTS.fireSeason.warningThreshold,
    season.criticalThreshold ?? DEFAULTS.fireSeason.criticalThreshold,
    loadShedding,
  );
  const warningAdmitRatio = fraction('warningAdmitRatio', options.warningAdmitRatio ?? DEFAULTS.warningAdmitRatio);
  const criticalAdmitRatio = fraction('criticalAdmitRatio', options.criticalAdmitRatio ?? DEFAULTS.criticalAdmitRatio);
  if (criticalAdmitRatio > warningAdmitRatio) {
    throw new InvalidOptionError('criticalAdmitRatio', criticalAdmitRatio, `must not exceed warningAdmitRatio (${warningAdmitRatio})`);
  }
  const retry = options.retryAfterMs ?? {};
  const capacity = positiveInt('capacity', options.capacity ?? DEFAULT_CAPACITY);
  callable('fill', options.fill);
  callable('random', options.random);
  return {
    enabled: options.enabled ?? DEFAULTS.enabled,
    normal,
    peak,
    startInPeak: season.enabled ?? DEFAULTS.fireSeason.enabled,
    warningAdmitRatio,
    criticalAdmitRatio,
    recoveryChecks: positiveInt('recoveryChecks', options.recoveryChecks ?? DEFAULTS.recoveryChecks),
    retryAfterMs: {
      warning: positiveInt('retryAfterMs.warning', retry.warning ?? DEFAULTS.retryAfterMs.warning),
      critical: positiveInt('retryAfterMs.critical', retry.critical ?? DEFAULTS.retryAfterMs.critical),
      loadShedding: positiveInt('retryAfterMs.loadShedding', retry.loadShedding ?? DEFAULTS.retryAfterMs.loadShedding),
    },
    capacity,
    peakCapacity: positiveInt('fireSeason.capacity', season.capacity ?? capacity * 2),
    fill: options.fill,
    random: options.random ?? Math.random,
    clock: options.clock ?? systemClock,
  };
}
