import { ThrottlingSchema } from '../config/schema/throttling.js';
import type { StreamConfig, StreamConfigInput } from '../config/schema/index.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { InvalidOptionError } from '../errors.js';
import { parseOptions } from '../producer/parse-options.js';
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
  /** Where `checkAndThrottle` reads the lag when the call passes no `consumerLag`. */
  lagSource?: LagSource;
  /**
   * What a check decides on: `latest` (default), the newest sample, so the delay follows the lag
   * within one check; or `average`, the mean of the sliding window, which ignores short spikes
   * but reacts (and recovers) up to a window later.
   */
  decisionLag?: DecisionLag;
  /**
   * Least time between two checks of `checkAndThrottle`, in ms (default 1,000). In between, calls
   * reuse the last decision without reading the lag source, so levels and the recovery count
   * move per interval rather than per batch. 0 makes every call a check.
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

/** Validates manager options with the `throttling` schema (defaults from there) without mutating them. */
export function resolveThrottlingOptions(options: ThrottlingManagerOptions = {}): ResolvedThrottlingOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
  const data: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) data[key] = options[key];
  const settings = parseOptions(ThrottlingSchema, data, '');
  const { clock = systemClock, sleep = abortableSleep, lagSource, decisionLag = 'latest' } = options;
  if (decisionLag !== 'latest' && decisionLag !== 'average') throw new InvalidOptionError('decisionLag', decisionLag, 'must be "latest" or "average"');
  if (typeof sleep !== 'function') throw new InvalidOptionError('sleep', sleep, 'must be a function (ms, signal) => Promise<void>');
  if (lagSource !== undefined && typeof lagSource?.getLag !== 'function') throw new InvalidOptionError('lagSource', lagSource, 'must have a getLag() method');
  return {
    ...settings,
    clock,
    sleep,
    lagSource,
    decisionLag,
    checkIntervalMs: nonNegativeInt('checkIntervalMs', options.checkIntervalMs, 1_000),
    maxTrackedSources: nonNegativeInt('maxTrackedSources', options.maxTrackedSources, 1_000),
  };
}
