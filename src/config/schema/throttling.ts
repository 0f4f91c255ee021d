import { z } from 'zod';
import { MAX_TIMER_MS, durationMs, positiveDurationMs, positiveInt, rate } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** Lag-based throttling (the sender by consumer lag, intake by queue fill): delay = baseDelayMs × adjustmentFactor^level, at most {@link MAX_TIMER_MS}. */
export const ThrottlingSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Delay sends (or fetches) while consumers lag behind (or queues fill).'),
    targetConsumerLag: positiveInt().default(1_000).describe('Consumer lag (records) above which sends are delayed by moderateDelayMs.'),
    criticalConsumerLag: positiveInt().default(5_000).describe('Consumer lag (records) above which the delay grows exponentially.'),
    moderateDelayMs: positiveDurationMs().default(1_000).describe('Delay while the lag is between target and critical, in ms.'),
    baseDelayMs: positiveDurationMs().default(1_000).describe('Delay at backoff level 0 above critical lag, in ms.'),
    adjustmentFactor: z.number().min(1).default(1.5).describe('Backoff multiplier per level (delay = baseDelayMs × adjustmentFactor^level).'),
    maxBackoffLevel: z
      .int()
      .min(0)
      .max(30)
      .default(5)
      .describe('Highest backoff level (5 gives about 7.6 s with the defaults); the largest delay must fit a Node timer (2^31 − 1 ms).'),
    windowMs: positiveDurationMs().default(60_000).describe('Sliding window of lag samples, in ms.'),
    maxSamples: positiveInt()
      .max(100_000)
      .default(100)
      .describe('Most lag samples kept in the window (at most 100,000: the window is allocated up front, 16 bytes a sample).'),
    recoveryChecks: positiveInt().default(10).describe('Consecutive low-lag checks before the backoff level resets.'),
    checkIntervalMs: durationMs()
      .default(1_000)
      .describe('Least time between two lag-source reads and between two backoff-level moves, in ms; a lag passed by a caller is always decided on, but the level moves per interval, not per batch. 0 moves it on every sample.'),
    decisionLag: z
      .enum(['latest', 'average'])
      .default('latest')
      .describe('What a check decides on: the newest lag sample (latest) or the mean of the sliding window (average).'),
    minSendRate: rate(1_000).optional().describe('Lowest send rate in records per second, even when throttled; none by default.'),
    maxSendRate: rate(1_000).optional().describe('Highest send rate in records per second; none by default.'),
    consumerGroupId: z
      .string()
      .min(1)
      .optional()
      .describe('Consumer group whose lag is read from the brokers to throttle the sender; without it the sender is not throttled by lag (intake is throttled by queue fill either way).'),
  })
  .superRefine((t, ctx) => {
    if (readable(ctx, ['targetConsumerLag'], ['criticalConsumerLag']) && t.targetConsumerLag >= t.criticalConsumerLag) {
      ctx.addIssue({ code: 'custom', path: ['targetConsumerLag'], message: `must be less than throttling.criticalConsumerLag (${t.criticalConsumerLag})` });
    }
    if (readable(ctx, ['minSendRate'], ['maxSendRate']) && t.minSendRate !== undefined && t.maxSendRate !== undefined && t.minSendRate > t.maxSendRate) {
      ctx.addIssue({ code: 'custom', path: ['minSendRate'], message: `must not exceed throttling.maxSendRate (${t.maxSendRate})` });
    }
    if (readable(ctx, ['baseDelayMs'], ['adjustmentFactor'], ['maxBackoffLevel'])) {
      const largest = t.baseDelayMs * t.adjustmentFactor ** t.maxBackoffLevel;
      if (largest > MAX_TIMER_MS) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxBackoffLevel'],
          message: `gives a largest delay baseDelayMs × adjustmentFactor^maxBackoffLevel = ${t.baseDelayMs} × ${t.adjustmentFactor}^${t.maxBackoffLevel} ≈ ${largest.toPrecision(4)} ms, over the longest Node timer (${MAX_TIMER_MS} ms); lower maxBackoffLevel, adjustmentFactor or baseDelayMs`,
        });
      }
    }
  }, ALWAYS);
