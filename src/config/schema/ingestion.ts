import { z } from 'zod';
import { nonNegativeSeconds, positiveInt, positiveSeconds, rate } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** How the ingestion mode of a source is picked from its polling interval, and fetch sizes per mode. */
export const IngestionSchema = z
  .strictObject({
    batchIntervalAboveSeconds: positiveSeconds().default(3_600).describe('A polling interval above this many seconds selects batch mode.'),
    continuousIntervalBelowSeconds: positiveSeconds()
      .default(30)
      .describe('A polling interval below this many seconds (or a push source) selects continuous mode; in between, real-time mode.'),
    batchSize: z
      .strictObject({
        batch: positiveInt().default(1_000).describe('Records per fetch in batch mode.'),
        realTime: positiveInt().default(500).describe('Records per poll in real-time mode.'),
        continuous: positiveInt().default(100).describe('Records per burst in continuous mode.'),
      })
      .prefault({})
      .describe('Default records per fetch, per mode; a source may set its own.'),
  })
  .superRefine((ingestion, ctx) => {
    if (!readable(ctx, ['continuousIntervalBelowSeconds'], ['batchIntervalAboveSeconds'])) return;
    if (ingestion.continuousIntervalBelowSeconds > ingestion.batchIntervalAboveSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['continuousIntervalBelowSeconds'],
        message: `must not exceed ingestion.batchIntervalAboveSeconds (${ingestion.batchIntervalAboveSeconds})`,
      });
    }
  }, ALWAYS);

/** Defaults of the client that calls a source's API; each source may override them. */
export const ApiClientSchema = z.strictObject({
  rateLimitPerMinute: rate(60_000).default(60).describe('Requests per minute to one source API (token bucket).'),
  timeoutSeconds: positiveSeconds().default(30).describe('Timeout of one request, in seconds.'),
  cacheTtlSeconds: nonNegativeSeconds().default(60).describe('How long a response is cached, in seconds (0 disables the cache).'),
});
