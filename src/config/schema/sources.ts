import { z } from 'zod';
import { nonNegativeSeconds, positiveInt, positiveSeconds, rate } from './common.js';
import { priorityNameSchema } from './priority.js';
import { ALWAYS, readable } from './refine.js';
import { topicNameSchema } from './topic-name.js';

/** Ingestion modes a source may force; without one, the mode follows the polling interval. */
export const INGESTION_MODES = ['batch', 'real_time', 'continuous'] as const;

/** Ingestion settings of one source. */
export const SourceIngestionSchema = z
  .strictObject({
    mode: z
      .enum(INGESTION_MODES)
      .optional()
      .describe('batch, real_time or continuous (`continuous_streaming` is accepted); picked from pollingIntervalSeconds when absent.'),
    pollingIntervalSeconds: positiveSeconds()
      .optional()
      .describe('Seconds between fetches (`schedule_interval_seconds` is accepted); absent for push sources.'),
    batchSize: positiveInt().optional().describe('Records per fetch or burst (`buffer_size` is accepted); the mode default when absent.'),
  })
  .superRefine((ingestion, ctx) => {
    if (!readable(ctx, ['mode'], ['pollingIntervalSeconds'])) return;
    if ((ingestion.mode === 'batch' || ingestion.mode === 'real_time') && ingestion.pollingIntervalSeconds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pollingIntervalSeconds'], message: `is required when mode is ${ingestion.mode}` });
    }
  }, ALWAYS);

/** One data source. In files, `sources` may also be a map from source id to these settings. */
export const SourceSchema = z.strictObject({
  sourceId: z.string().regex(/^[^\s]+$/, 'must be a non-empty source id without spaces').describe('Unique id of the source, for example `firms_viirs_snpp`.'),
  type: z.string().min(1).describe('Connector type, for example `nasa_firms`, `noaa_weather` or `mqtt` (`source_type` is accepted).'),
  name: z.string().min(1).optional().describe('Human-readable name, used in enrichment (defaults to the source id).'),
  enabled: z.boolean().default(true).describe('Whether the source runs.'),
  priority: priorityNameSchema
    .optional()
    .describe(
      'Priority of every record of this source, instead of the priority rules: CRITICAL, HIGH, NORMAL or LOW. The numeric 1-10 scale of older files is refused: it has no defined mapping to the four levels.',
    ),
  topic: topicNameSchema.optional().describe('Topic of this source, instead of routing rules.'),
  ingestion: SourceIngestionSchema.prefault({}).describe('How and how often the source is fetched.'),
  rateLimitPerMinute: rate(60_000).optional().describe('Requests per minute to the source API, instead of apiClient.rateLimitPerMinute.'),
  timeoutSeconds: positiveSeconds().optional().describe('Request timeout in seconds, instead of apiClient.timeoutSeconds.'),
  cacheTtlSeconds: nonNegativeSeconds().optional().describe('Response cache TTL in seconds, instead of apiClient.cacheTtlSeconds.'),
  options: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Connector-specific settings, passed to the connector as written (keys are not converted; `custom_params` is accepted).'),
});

/** The list of sources; ids must be unique. */
export const SourcesSchema = z
  .array(SourceSchema)
  .default(() => [])
  .superRefine((sources: unknown, ctx) => {
    if (!Array.isArray(sources)) return;
    const seen = new Set<string>();
    (sources as z.output<typeof SourceSchema>[]).forEach((source, i) => {
      if (!readable(ctx, [i, 'sourceId'])) return;
      if (seen.has(source.sourceId)) ctx.addIssue({ code: 'custom', path: [i, 'sourceId'], message: `duplicate source id "${source.sourceId}"` });
      seen.add(source.sourceId);
    });
  }, ALWAYS);
