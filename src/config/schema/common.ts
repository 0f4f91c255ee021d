/**
 * Small zod building blocks shared by the configuration sections.
 *
 * Units are in the key names: `…Ms` is milliseconds, `…Seconds` seconds, `…Bytes` bytes. Ratios
 * (thresholds, admission shares, savings) are fractions from 0 to 1, never percentages.
 *
 * @module
 */
import { z } from 'zod';

/** Longest delay a Node timer accepts (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A count of things: an integer ≥ 1. */
export function positiveInt(): z.ZodInt {
  return z.int().min(1);
}

/** A count that may be zero: an integer ≥ 0. */
export function nonNegativeInt(): z.ZodInt {
  return z.int().min(0);
}

/** A duration in whole milliseconds, 0 to {@link MAX_TIMER_MS}. */
export function durationMs(): z.ZodInt {
  return z.int().min(0).max(MAX_TIMER_MS);
}

/** A strictly positive duration in whole milliseconds, up to {@link MAX_TIMER_MS}. */
export function positiveDurationMs(): z.ZodInt {
  return z.int().min(1).max(MAX_TIMER_MS);
}

/** A strictly positive, finite number (rates, seconds, multipliers). */
export function positiveNumber(): z.ZodNumber {
  return z.number().positive();
}

/** A fraction from 0 to 1 inclusive (70 % is written `0.7`). */
export function ratio(): z.ZodNumber {
  return z.number().min(0).max(1);
}

/** One value per priority; keys are the lower-case priority names. */
export interface PerPriority<T> {
  /** Value for CRITICAL records. */
  critical: T;
  /** Value for HIGH records. */
  high: T;
  /** Value for NORMAL records. */
  normal: T;
  /** Value for LOW records. */
  low: T;
}

/**
 * An object with one entry per priority (`critical`, `high`, `normal`, `low`), each defaulting to
 * the matching entry of `defaults`; the whole object may be left out.
 */
export function perPriority(item: () => z.ZodInt, defaults: PerPriority<number>, what: string) {
  return z
    .strictObject({
      critical: item().default(defaults.critical).describe(`${what} for CRITICAL records.`),
      high: item().default(defaults.high).describe(`${what} for HIGH records.`),
      normal: item().default(defaults.normal).describe(`${what} for NORMAL records.`),
      low: item().default(defaults.low).describe(`${what} for LOW records.`),
    })
    .prefault({});
}
