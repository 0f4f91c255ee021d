import { z } from 'zod';
import { nonNegativeInt, positiveDurationMs, positiveInt } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** Retries of a failed send: delay n = initialDelayMs × multiplier^n, capped at maxDelayMs. */
export const RetrySchema = z
  .strictObject({
    maxRetries: nonNegativeInt().max(100).default(3).describe('Retries after the first attempt; then the records go to the DLQ.'),
    initialDelayMs: positiveDurationMs().default(1_000).describe('Delay before the first retry, in ms.'),
    multiplier: z.number().min(1).default(2).describe('Growth of the delay per retry (`retry_backoff_base` in older files).'),
    maxDelayMs: positiveDurationMs().default(30_000).describe('Longest delay between retries, in ms.'),
    jitter: z.boolean().default(true).describe('Randomise delays so that many producers do not retry in step.'),
  })
  .superRefine((retry, ctx) => {
    if (readable(ctx, ['maxDelayMs'], ['initialDelayMs']) && retry.maxDelayMs < retry.initialDelayMs) {
      ctx.addIssue({ code: 'custom', path: ['maxDelayMs'], message: `must be at least producer.retry.initialDelayMs (${retry.initialDelayMs})` });
    }
  }, ALWAYS);

/** The producer circuit breaker; while it is open, records go to the disk buffer. */
export const CircuitBreakerSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Stop sending after repeated failures.'),
  failureThreshold: positiveInt().default(3).describe('Consecutive failed sends that open the breaker.'),
  resetTimeoutMs: positiveDurationMs().default(60_000).describe('Time the breaker stays open before a trial, in ms.'),
  halfOpenMaxRequests: positiveInt().default(1).describe('Trial requests allowed while half-open.'),
});

/** Delivery policy of the producer wrapper: retries and the circuit breaker. */
export const ProducerSchema = z.strictObject({
  retry: RetrySchema.prefault({}).describe('Retries with exponential backoff.'),
  circuitBreaker: CircuitBreakerSchema.prefault({}).describe('Circuit breaker around sends.'),
});
