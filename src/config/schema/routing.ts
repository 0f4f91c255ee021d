import { z } from 'zod';
import { DEFAULT_ENRICHERS, ENRICHER_NAMES } from '../../routing/enrichers.js';
import type { EnricherName } from '../../routing/enrichers.js';
import { DEFAULT_TOPIC, WildfireTopics } from '../../routing/wildfire-sources.js';
import { nonNegativeInt } from './common.js';
import { ALWAYS, readable } from './refine.js';
import { topicNameSchema } from './topic-name.js';

/** A content rule: records whose `field` equals `equals` go to `topic`, whatever their source. */
export const ContentRuleSchema = z.strictObject({
  field: z
    .string()
    .regex(/^[^.]+(\.[^.]+)*$/, 'must be a field name or a dotted path such as "properties.event"')
    .describe('Field name, or a dotted path into nested objects (`properties.event`).'),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).describe('Value the field must hold (strict equality).'),
  topic: topicNameSchema.describe('Topic of matching records.'),
});

/** A regular expression on the source id and the topic of matching sources. */
export const TopicPatternSchema = z
  .strictObject({
    pattern: z.string().min(1).describe('JavaScript regular expression tested against the source id; anchor it with ^ and $ as needed.'),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'may contain only the flags i, m, s and u')
      .optional()
      .describe('Regular-expression flags, for example `i` for case-insensitive.'),
    topic: topicNameSchema.describe('Topic of matching sources.'),
  })
  .superRefine((entry, ctx) => {
    if (!readable(ctx, ['pattern'], ['flags'])) return;
    try {
      new RegExp(entry.pattern, entry.flags);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `is not a valid regular expression (${err instanceof Error ? err.message : String(err)})` });
    }
  }, ALWAYS);

/** Partition-key strategies. */
export const PARTITION_KEY_STRATEGIES = ['geo_grid', 'geohash', 'source_id'] as const;

/** Topic resolution, partition keys and enrichment. */
export const RoutingSchema = z.strictObject({
  customMappings: z
    .record(z.string().min(1), topicNameSchema)
    .default({})
    .describe('Exact source id → topic; wins over every other rule. Keys are source ids and are kept as written.'),
  contentRules: z.array(ContentRuleSchema).default(() => []).describe('Rules on record content, tried in order.'),
  patterns: z
    .array(TopicPatternSchema)
    .optional()
    .describe('Source-id patterns, first match wins. When absent, the built-in wildfire patterns apply; `[]` disables them.'),
  defaultTopic: topicNameSchema.default(DEFAULT_TOPIC).describe('Topic when nothing matches.'),
  criticalTopic: topicNameSchema.default(WildfireTopics.CRITICAL_ALERTS).describe('Topic of the CRITICAL fast path.'),
  cacheSize: nonNegativeInt().default(10_000).describe('Source ids whose topic is cached (0 disables the cache).'),
  partitionKey: z
    .strictObject({
      strategy: z
        .enum(PARTITION_KEY_STRATEGIES)
        .default('geo_grid')
        .describe('geo_grid (`geo_{lat cell}_{lon cell}`), geohash, or source_id; records without coordinates fall back to the source id.'),
      geohashPrecision: z.int().min(1).max(12).default(5).describe('Geohash characters for the geohash strategy (1-12).'),
    })
    .prefault({})
    .describe('How the Kafka key of a record is chosen.'),
  enrichers: z
    .array(z.enum(ENRICHER_NAMES as [EnricherName, ...EnricherName[]]))
    .default(() => [...DEFAULT_ENRICHERS])
    .describe('Enrichers applied to every record, in order (`[]` for none).'),
});
