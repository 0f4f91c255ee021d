import { z } from 'zod';
import { durationMs, perPriority, positiveDurationMs, positiveInt } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** What the queue does with a record when it is full. */
export const OVERFLOW_STRATEGIES = ['drop_lowest', 'drop_oldest', 'block', 'reject', 'spill'] as const;

/** One of {@link OVERFLOW_STRATEGIES}. */
export type OverflowStrategy = (typeof OVERFLOW_STRATEGIES)[number];

/** How long a `block` enqueue waits for room by default, in ms (`queue.blockTimeoutMs`). */
export const DEFAULT_BLOCK_TIMEOUT_MS = 30_000;

/** The four bounded priority queues. */
export const QueueSchema = z.strictObject({
  maxSize: positiveInt().default(10_000).describe('Records held by the four queues together.'),
  overflowStrategy: z
    .enum(OVERFLOW_STRATEGIES)
    .default('drop_lowest')
    .describe(
      'When full: drop_lowest (drop a record of the lowest non-empty priority), drop_oldest, block (wait for room), reject (throw QUEUE_FULL) or spill (to the disk buffer). CRITICAL is never dropped while a lower record exists.',
    ),
  blockTimeoutMs: positiveDurationMs()
    .default(DEFAULT_BLOCK_TIMEOUT_MS)
    .describe('With overflowStrategy block: longest wait of an enqueue for room, in ms, before it fails with QUEUE_FULL (one call may set its own).'),
  dequeueBatchSize: positiveInt().default(500).describe('Most records taken from the queues in one batch (at most maxSize in effect).'),
  lingerMs: perPriority(durationMs, { critical: 0, high: 50, normal: 500, low: 5_000 }, 'Longest wait of the oldest record in ms').describe(
    'A batch leaves when full or when its oldest record has waited this long, in ms.',
  ),
  weights: perPriority(positiveInt, { critical: 6, high: 3, normal: 2, low: 1 }, 'Batches per round').describe(
    'Weighted round-robin: batches taken from each priority per round.',
  ),
  ageing: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Promote records that waited too long.'),
      lowToNormalMs: positiveDurationMs().default(300_000).describe('A LOW record becomes NORMAL after waiting this long, in ms.'),
      normalToHighMs: positiveDurationMs().default(600_000).describe('A NORMAL record becomes HIGH after waiting this long, in ms; more than lowToNormalMs.'),
    })
    .superRefine((ageing, ctx) => {
      if (!readable(ctx, ['enabled'], ['lowToNormalMs'], ['normalToHighMs']) || !ageing.enabled) return;
      if (ageing.lowToNormalMs >= ageing.normalToHighMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['lowToNormalMs'],
          message: `must be less than queue.ageing.normalToHighMs (${ageing.normalToHighMs}): LOW → NORMAL comes before NORMAL → HIGH`,
        });
      }
    }, ALWAYS)
    .prefault({})
    .describe('Age-based promotion, the starvation guard.'),
});
