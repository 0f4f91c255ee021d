import { MAX_TIMER_MS } from '../config/schema/common.js';
import { ThrottlingSchema } from '../config/schema/throttling.js';
import type { StreamConfig, StreamConfigInput } from '../config/schema/index.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { systemScheduler } from '../core/scheduler.js';
import type { Scheduler } from '../core/scheduler.js';
import { InvalidOptionError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';
import { DEFAULT_LAG_READ_TIMEOUT_MS } from './lag-source.js';
import type { LagSource } from './lag-source.js';
import { abortableSleep } from './sleep.js';
import type { Sleep } from './sleep.js';

/** The `throttling` config section, defaults applied (see the `throttling` table in the config reference). */
export type ThrottlingSettings = StreamConfig['throttling'];

/** The `throttling` config section as written: every setting optional, the schema's defaults fill the rest. */
export type ThrottlingSettingsInput = NonNullable<StreamConfigInput['throttling']>;

/** Which lag a check decides on. */
export type DecisionLag = 'latest' | 'average';

/** Options of a {@link ThrottlingManager} that the config file cannot hold. */
export interface ThrottlingRuntimeOptions {
  /** Time source for the window and the check interval (monotonic time); the system clock by default. */
  clock?: Clock;
  /** How to wait; {@link abortableSleep} by default. Tests inject one that advances a fake clock. */
  sleep?: Sleep;
  /** Timers of the lag-read deadline; {@link systemScheduler} by default (a `FakeClock` in tests). */
  scheduler?: Scheduler;
  /**
   * Where the manager reads the lag for `checkAndThrottle` calls that pass no `consumerLag`:
   * in the background, at most once per `checkIntervalMs`, one read at a time. A
   * {@link KafkaLagSource} on the sender; a {@link QueueFillLagSource} only on intake.
   */
  lagSource?: LagSource;
  /**
   * Deadline of one background lag read, in ms (default {@link DEFAULT_LAG_READ_TIMEOUT_MS}). At
   * the deadline the read's signal aborts and it counts as failed (`lagError`), so a hung source
   * delays the next read by at most this long; sends never wait for a read.
   */
  lagReadTimeoutMs?: number;
  /**
   * What a check decides on: `latest` (default), the newest sample, so the delay follows the lag
   * within one check; or `average`, the mean of the sliding window, which ignores short spikes
   * but reacts (and recovers) up to a window later.
   */
  decisionLag?: DecisionLag;
  /**
   * Least time between two level moves of `checkAndThrottle`, and between two lag-source reads,
   * in ms (default 1,000). A `consumerLag` a call passes is always added to the window and
   * decided on, but the level and the recovery count move at most once per interval, so callers
   * at batch rate do not race the level. 0 moves them on every sample.
   */
  checkIntervalMs?: number;
  /** Most source ids whose throttled calls are counted one by one in the metrics (default 1,000); the rest are counted together. */
  maxTrackedSources?: number;
}

/** Options of a {@link ThrottlingManager}: the `throttling` config section plus runtime options. */
export type ThrottlingManagerOptions = ThrottlingSettingsInput & ThrottlingRuntimeOptions;

/**
 * Options after validation, with defaults applied.
 *
 * @internal
 */
export type ResolvedThrottlingOptions = ThrottlingSettings & Required<Omit<ThrottlingRuntimeOptions, 'lagSource'>> & { lagSource?: LagSource };

const SETTING_KEYS = Object.keys(ThrottlingSchema.shape) as (keyof ThrottlingSettings)[];

function nonNegativeInt(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidOptionError(option, value, 'must be a whole number, 0 or more');
  return value;
}

function timerMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError(option, value, `must be a number of milliseconds over 0, up to ${MAX_TIMER_MS} (the longest Node timer)`);
  }
  return value;
}

/** Validates manager options with the `throttling` schema (defaults from there) without mutating them. */
export function resolveThrottlingOptions(options: ThrottlingManagerOptions = {}): ResolvedThrottlingOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
  const data: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) data[key] = options[key];
  const settings = parseOptions(ThrottlingSchema, data, '');
  const { clock = systemClock, sleep = abortableSleep, scheduler = systemScheduler, lagSource, decisionLag = 'latest' } = options;
  if (decisionLag !== 'latest' && decisionLag !== 'average') throw new InvalidOptionError('decisionLag', decisionLag, 'must be "latest" or "average"');
  if (typeof sleep !== 'function') throw new InvalidOptionError('sleep', sleep, 'must be a function (ms, signal) => Promise<void>');
  if (typeof scheduler?.setTimer !== 'function') throw new InvalidOptionError('scheduler', scheduler, 'must have a setTimer(callback, ms) method');
  if (lagSource !== undefined && typeof lagSource?.getLag !== 'function') throw new InvalidOptionError('lagSource', lagSource, 'must have a getLag() method');
  return {
    ...settings,
    clock,
    sleep,
    scheduler,
    lagSource,
    lagReadTimeoutMs: timerMs('lagReadTimeoutMs', options.lagReadTimeoutMs, DEFAULT_LAG_READ_TIMEOUT_MS),
    decisionLag,
    checkIntervalMs: nonNegativeInt('checkIntervalMs', options.checkIntervalMs, 1_000),
    maxTrackedSources: nonNegativeInt('maxTrackedSources', options.maxTrackedSources, 1_000),
  };
}
