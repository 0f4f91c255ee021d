/**
 * Small zod building blocks shared by the configuration sections.
 *
 * Units are in the key names: `…Ms` is milliseconds, `…Seconds` seconds, `…Bytes` bytes. Ratios
 * (thresholds, admission shares, savings) are fractions from 0 to 1, never percentages. Every
 * duration fits a Node timer: at most {@link MAX_TIMER_MS} once converted to milliseconds (Node
 * fires longer timers after 1 ms).
 *
 * @module
 */
import { z } from 'zod';

/** Longest delay a Node timer accepts (2^31 − 1 ms, about 24.8 days); the bound of every duration. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Longest duration in whole seconds that still fits a Node timer ({@link MAX_TIMER_MS} ms). */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1_000);

/** A count of things: an integer ≥ 1. */
export function positiveInt(): z.ZodInt {
  return z.int().min(1);
}

/** A count that may be zero: an integer ≥ 0. */
export function nonNegativeInt(): z.ZodInt {
  return z.int().min(0);
}

const TIMER_LIMIT_MS = `must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest Node timer)`;

/** A duration in whole milliseconds, 0 to {@link MAX_TIMER_MS}. */
export function durationMs(): z.ZodInt {
  return z.int().min(0).max(MAX_TIMER_MS, TIMER_LIMIT_MS);
}

/** A strictly positive duration in whole milliseconds, up to {@link MAX_TIMER_MS}. */
export function positiveDurationMs(): z.ZodInt {
  return z.int().min(1).max(MAX_TIMER_MS, TIMER_LIMIT_MS);
}

/** A strictly positive, finite number (rates, multipliers). */
export function positiveNumber(): z.ZodNumber {
  return z.number().positive();
}

const TIMER_LIMIT = `must be at most ${MAX_TIMER_SECONDS} seconds (about 24.8 days, the longest Node timer)`;

/**
 * A rate of events per `periodMs` (60,000 for "per minute"): strictly positive, and high enough
 * that the wait between two events (`periodMs / rate`) fits a Node timer.
 */
export function rate(periodMs: number): z.ZodNumber {
  const lowest = periodMs / MAX_TIMER_MS;
  return z.number().min(lowest, `must be at least ${lowest.toPrecision(3)} so that the wait between two events fits a Node timer (${MAX_TIMER_MS} ms)`);
}

/** A strictly positive duration in seconds (fractions allowed), up to {@link MAX_TIMER_SECONDS}. */
export function positiveSeconds(): z.ZodNumber {
  return z.number().positive().max(MAX_TIMER_SECONDS, TIMER_LIMIT);
}

/** A duration in seconds from 0 (fractions allowed), up to {@link MAX_TIMER_SECONDS}. */
export function nonNegativeSeconds(): z.ZodNumber {
  return z.number().min(0).max(MAX_TIMER_SECONDS, TIMER_LIMIT);
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
