import { z } from 'zod';
import { PRIORITY_NAMES } from '../../priority/priority.js';
import type { PriorityName } from '../../priority/priority.js';
import { perPriority, positiveDurationMs, positiveInt } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** Why a number is refused as a priority: the older 1-10 scale has no defined mapping to the four levels. */
const NUMERIC_PRIORITY =
  'is a number, but a priority is one of "CRITICAL", "HIGH", "NORMAL", "LOW": the 1-10 scale of older files has no defined mapping to these levels, so choose one (CRITICAL only for sources on priority.criticalAllowList)';

/**
 * zod schema of a priority name: `CRITICAL`, `HIGH`, `NORMAL` or `LOW` (upper case). Numbers (the
 * 1-10 scale of older files) are refused with a message naming the four levels.
 */
export const priorityNameSchema = z.enum(PRIORITY_NAMES, { error: (issue) => (typeof issue.input === 'number' ? NUMERIC_PRIORITY : undefined) });

/** A source-id glob: `*` matches any run of characters, everything else matches itself. */
export const sourceGlobSchema = z.string().min(1).regex(/^\S+$/, 'must be a source-id glob without spaces, such as "firms_*"');

/** One priority rule: sources whose id matches `match` get `priority`. */
export const PriorityRuleSchema = z.strictObject({
  match: sourceGlobSchema.describe('Source-id glob, `*` matching any characters (for example `firms_*` or `*alert*`).'),
  priority: priorityNameSchema.describe('Priority of matching sources. CRITICAL applies only to sources on the critical allow-list; others get HIGH.'),
});

/** The built-in priority rules, first match wins. */
export const DEFAULT_PRIORITY_RULES: readonly { readonly match: string; readonly priority: PriorityName }[] = Object.freeze([
  { match: '*alert*', priority: 'CRITICAL' },
  { match: '*emergency*', priority: 'CRITICAL' },
  { match: 'life_safety_*', priority: 'CRITICAL' },
  { match: 'firms_*', priority: 'HIGH' },
  { match: 'landsat_*', priority: 'HIGH' },
  { match: 'iot_*', priority: 'NORMAL' },
  { match: 'noaa_*', priority: 'NORMAL' },
] as const);

/** The sources allowed to send CRITICAL records, by default. */
export const DEFAULT_CRITICAL_ALLOW_LIST: readonly string[] = Object.freeze(['evacuation_alert_*', 'emergency_broadcast_*', 'life_safety_*']);

/** How records get their priority. */
export const PrioritySchema = z.strictObject({
  rules: z
    .array(PriorityRuleSchema)
    .default(() => DEFAULT_PRIORITY_RULES.map((rule) => ({ ...rule })))
    .describe('Ordered source-id rules, first match wins. A source\'s own `priority` wins over every rule.'),
  defaultPriority: priorityNameSchema.default('LOW').describe('Priority of sources no rule matches.'),
  criticalAllowList: z
    .array(sourceGlobSchema)
    .default(() => [...DEFAULT_CRITICAL_ALLOW_LIST])
    .describe('Source-id globs allowed to send CRITICAL records; a non-listed source that a CRITICAL rule matches gets HIGH and a warning event.'),
  criticalRateLimit: z
    .strictObject({
      perSourcePerMinute: positiveInt().default(100).describe('CRITICAL records per minute from one source; the excess goes to the HIGH queue, never dropped.'),
      totalPerMinute: positiveInt().default(500).describe('CRITICAL records per minute from all sources together; the excess goes to the HIGH queue.'),
    })
    .prefault({})
    .superRefine((limit, ctx) => {
      if (readable(ctx, ['perSourcePerMinute'], ['totalPerMinute']) && limit.perSourcePerMinute > limit.totalPerMinute) {
        ctx.addIssue({ code: 'custom', path: ['perSourcePerMinute'], message: `must not exceed totalPerMinute (${limit.totalPerMinute})`, input: limit.perSourcePerMinute });
      }
    }, ALWAYS)
    .describe('Rate limit of the CRITICAL fast path.'),
  latencyTargetsMs: perPriority(positiveDurationMs, { critical: 100, high: 1_000, normal: 10_000, low: 60_000 }, 'Latency target in ms').describe(
    'Latency target per priority, in ms (reported in metrics).',
  ),
});
