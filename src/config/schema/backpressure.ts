import { z } from 'zod';
import { durationMs, positiveDurationMs, positiveInt, ratio } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** Fire-season capacity, as a multiple of `queue.maxSize`, when `backpressure.fireSeason.queueMaxSize` is not set. */
export const FIRE_SEASON_CAPACITY_FACTOR = 2;

const DEFAULTS = { warningThreshold: 0.7, criticalThreshold: 0.9, loadSheddingThreshold: 1, warningAdmitRatio: 0.5, criticalAdmitRatio: 0.1 } as const;
const DEFAULT_FIRE_SEASON_THRESHOLDS = { warningThreshold: 0.8, criticalThreshold: 0.95 } as const;

/** One setting of an ordered pair (warning < critical < loadShedding; criticalAdmitRatio ≤ warningAdmitRatio), as {@link orderProblem} reads it. */
export interface OrderedSetting {
  /** The key to name in messages (`backpressure.criticalThreshold`, or an option name). */
  readonly key: string;
  /** Its value. */
  readonly value: number;
  /** Whether the value is the default (not something the user chose), so a conflict is blamed on the other key. */
  readonly atDefault: boolean;
}

/** Which setting of an out-of-order pair to report, and what to tell the user. */
export interface OrderProblem {
  /** `low` to report at the lower setting's key, `high` at the upper one's. */
  readonly at: 'low' | 'high';
  /** What is wrong and what to do, without the key reported at. */
  readonly message: string;
}

/**
 * Checks that `low` is under `high` (or at most `high` when `strict` is false). A conflict is
 * reported at the key the user chose: at `high` when `low` holds its default and `high` does not
 * (the user changed `high` only; the message names the default in the way and what to set), at
 * `low` otherwise.
 *
 * @returns The problem, or `undefined` when the pair is in order.
 */
export function orderProblem(low: OrderedSetting, high: OrderedSetting, strict = true): OrderProblem | undefined {
  if (strict ? low.value < high.value : low.value <= high.value) return undefined;
  if (low.atDefault && !high.atDefault) {
    const limit = strict ? `below ${high.value}` : `to ${high.value} or less`;
    return { at: 'high', message: `must be ${strict ? 'more than' : 'at least'} ${low.key}, which is ${low.value} by default: set ${low.key} ${limit} as well, or raise this value` };
  }
  return { at: 'low', message: `must ${strict ? 'be less than' : 'not exceed'} ${high.key} (${high.value})` };
}

/** A setting inside the refined object: its path there, its value and its schema default. */
interface Placed {
  readonly path: readonly string[];
  readonly value: number;
  readonly fallback: number;
}

/** One pair to check: the lower setting (undefined when it cannot be read), the upper one, and whether they may be equal. */
type Pair = readonly [low: Placed | undefined, high: Placed, orEqual?: boolean];

/** Reports every out-of-order pair; readability is settled before any report, so one parse lists every conflict at a key. */
function checkOrders(ctx: z.RefinementCtx, where: string, pairs: readonly Pair[]): void {
  const setting = (t: Placed): OrderedSetting => ({ key: `${where}${t.path.join('.')}`, value: t.value, atDefault: t.value === t.fallback });
  const open = pairs.filter(([low, high]) => low !== undefined && readable(ctx, low.path, high.path));
  for (const [low, high, orEqual = false] of open) {
    if (low === undefined) continue;
    const problem = orderProblem(setting(low), setting(high), !orEqual);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [...(problem.at === 'low' ? low : high).path], message: problem.message });
  }
}

/** The parts of the whole configuration {@link checkFireSeasonCapacity} reads. */
export interface FireSeasonCapacityConfig {
  /** The `queue` section. */
  readonly queue: { readonly maxSize: number };
  /** The `backpressure` section. */
  readonly backpressure: { readonly fireSeason: { readonly queueMaxSize?: number | undefined } };
}

/**
 * Cross-section check: `backpressure.fireSeason.queueMaxSize`, when set, is at least
 * `queue.maxSize`, because the fire-season profile is there to give the queues more room, never
 * less. Reported at `backpressure.fireSeason.queueMaxSize`.
 */
export function checkFireSeasonCapacity(config: FireSeasonCapacityConfig, ctx: z.RefinementCtx): void {
  if (!readable(ctx, ['queue', 'maxSize'], ['backpressure', 'fireSeason', 'queueMaxSize'])) return;
  const size = config.backpressure.fireSeason.queueMaxSize;
  const normal = config.queue.maxSize;
  if (size === undefined || size >= normal) return;
  ctx.addIssue({
    code: 'custom',
    path: ['backpressure', 'fireSeason', 'queueMaxSize'],
    message: `must be at least queue.maxSize (${normal}): backpressure.fireSeason.queueMaxSize (${size}) is the capacity of the queues in fire season and would shrink them; raise it, or leave it out for ${FIRE_SEASON_CAPACITY_FACTOR} × queue.maxSize (${FIRE_SEASON_CAPACITY_FACTOR * normal})`,
  });
}

/** Backpressure: the NORMAL → WARNING → CRITICAL → LOAD_SHEDDING state machine driven by queue fill. Fill levels and admission shares are fractions 0..1. */
export const BackpressureSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Shed non-critical load as the queues fill.'),
    warningThreshold: ratio().default(DEFAULTS.warningThreshold).describe('Queue fill (0..1) at which WARNING starts.'),
    criticalThreshold: ratio().default(DEFAULTS.criticalThreshold).describe('Queue fill (0..1) at which CRITICAL starts.'),
    loadSheddingThreshold: ratio()
      .default(DEFAULTS.loadSheddingThreshold)
      .describe('Queue fill (0..1) at which LOAD_SHEDDING starts (only CRITICAL records admitted); above criticalThreshold and fireSeason.criticalThreshold.'),
    warningAdmitRatio: ratio().default(DEFAULTS.warningAdmitRatio).describe('Share (0..1) of non-critical records admitted in WARNING.'),
    criticalAdmitRatio: ratio().default(DEFAULTS.criticalAdmitRatio).describe('Share (0..1) of non-critical records admitted in CRITICAL; at most warningAdmitRatio.'),
    recoveryChecks: positiveInt()
      .default(10)
      .describe('Consecutive checks under warningThreshold, each at least checkIntervalMs after the previous, before returning to NORMAL (hysteresis).'),
    checkIntervalMs: durationMs()
      .default(1_000)
      .describe(
        'Least time after a change of state or a step of the recovery run before a check may lower the state or count toward recoveryChecks, in ms; a check sooner than that keeps the state (a fill over a higher threshold still raises it at once). 0 lets every check count.',
      ),
    retryAfterMs: z
      .strictObject({
        warning: positiveDurationMs().default(30_000).describe('Retry-after hint for records refused in WARNING, in ms.'),
        critical: positiveDurationMs().default(60_000).describe('Retry-after hint for records refused in CRITICAL, in ms.'),
        loadShedding: positiveDurationMs().default(60_000).describe('Retry-after hint for records refused in LOAD_SHEDDING, in ms.'),
      })
      .prefault({})
      .describe('Retry-after hints given with refused records, in ms.'),
    fireSeason: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Use the fire-season profile.'),
        warningThreshold: ratio().default(DEFAULT_FIRE_SEASON_THRESHOLDS.warningThreshold).describe('Fire-season queue fill (0..1) at which WARNING starts.'),
        criticalThreshold: ratio()
          .default(DEFAULT_FIRE_SEASON_THRESHOLDS.criticalThreshold)
          .describe('Fire-season queue fill (0..1) at which CRITICAL starts; below loadSheddingThreshold.'),
        queueMaxSize: positiveInt()
          .optional()
          .describe(`Fire-season capacity of the four queues together; at least queue.maxSize, ${FIRE_SEASON_CAPACITY_FACTOR} × queue.maxSize when not set.`),
      })
      .prefault({})
      .superRefine((profile, ctx) => {
        const at = (key: 'warningThreshold' | 'criticalThreshold'): Placed => ({ path: [key], value: profile[key], fallback: DEFAULT_FIRE_SEASON_THRESHOLDS[key] });
        checkOrders(ctx, 'backpressure.fireSeason.', [[at('warningThreshold'), at('criticalThreshold')]]);
      }, ALWAYS)
      .describe('The fire-season profile: more room and later thresholds.'),
  })
  .superRefine((bp, ctx) => {
    const at = (key: keyof typeof DEFAULTS): Placed => ({ path: [key], value: bp[key], fallback: DEFAULTS[key] });
    const seasonCritical = ['fireSeason', 'criticalThreshold'];
    checkOrders(ctx, 'backpressure.', [
      [at('warningThreshold'), at('criticalThreshold')],
      [at('criticalThreshold'), at('loadSheddingThreshold')],
      [readable(ctx, seasonCritical) ? { path: seasonCritical, value: bp.fireSeason.criticalThreshold, fallback: DEFAULT_FIRE_SEASON_THRESHOLDS.criticalThreshold } : undefined, at('loadSheddingThreshold')],
      [at('criticalAdmitRatio'), at('warningAdmitRatio'), true],
    ]);
  }, ALWAYS);
