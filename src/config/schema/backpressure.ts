import { z } from 'zod';
import { positiveDurationMs, positiveInt, ratio } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** Checks that warning < critical (< loadShedding when given) and reports at the offending key. */
function checkThresholds(t: { warningThreshold: number; criticalThreshold: number; loadSheddingThreshold?: number }, ctx: z.RefinementCtx, where: string): void {
  if (readable(ctx, ['warningThreshold'], ['criticalThreshold']) && t.warningThreshold >= t.criticalThreshold) {
    ctx.addIssue({ code: 'custom', path: ['warningThreshold'], message: `must be less than ${where}criticalThreshold (${t.criticalThreshold})` });
  }
  if (readable(ctx, ['criticalThreshold'], ['loadSheddingThreshold']) && t.loadSheddingThreshold !== undefined && t.criticalThreshold >= t.loadSheddingThreshold) {
    ctx.addIssue({ code: 'custom', path: ['criticalThreshold'], message: `must be less than ${where}loadSheddingThreshold (${t.loadSheddingThreshold})` });
  }
}

/** Backpressure: the NORMAL → WARNING → CRITICAL → LOAD_SHEDDING state machine driven by queue fill. Fill levels and admission shares are fractions 0..1. */
export const BackpressureSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Shed non-critical load as the queues fill.'),
    warningThreshold: ratio().default(0.7).describe('Queue fill (0..1) at which WARNING starts.'),
    criticalThreshold: ratio().default(0.9).describe('Queue fill (0..1) at which CRITICAL starts.'),
    loadSheddingThreshold: ratio().default(1).describe('Queue fill (0..1) at which LOAD_SHEDDING starts (only CRITICAL records admitted).'),
    warningAdmitRatio: ratio().default(0.5).describe('Share (0..1) of non-critical records admitted in WARNING.'),
    criticalAdmitRatio: ratio().default(0.1).describe('Share (0..1) of non-critical records admitted in CRITICAL; at most warningAdmitRatio.'),
    recoveryChecks: positiveInt().default(10).describe('Consecutive checks under warningThreshold before returning to NORMAL (hysteresis).'),
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
        warningThreshold: ratio().default(0.8).describe('Fire-season queue fill (0..1) at which WARNING starts.'),
        criticalThreshold: ratio().default(0.95).describe('Fire-season queue fill (0..1) at which CRITICAL starts.'),
        queueMaxSize: positiveInt().default(20_000).describe('Fire-season capacity of the four queues together.'),
      })
      .prefault({})
      .superRefine((profile, ctx) => checkThresholds(profile, ctx, 'backpressure.fireSeason.'), ALWAYS)
      .describe('The fire-season profile: more room and later thresholds.'),
  })
  .superRefine((bp, ctx) => {
    checkThresholds(bp, ctx, 'backpressure.');
    if (readable(ctx, ['fireSeason', 'criticalThreshold'], ['loadSheddingThreshold']) && bp.fireSeason.criticalThreshold >= bp.loadSheddingThreshold) {
      ctx.addIssue({ code: 'custom', path: ['fireSeason', 'criticalThreshold'], message: `must be less than backpressure.loadSheddingThreshold (${bp.loadSheddingThreshold})` });
    }
    if (readable(ctx, ['warningAdmitRatio'], ['criticalAdmitRatio']) && bp.criticalAdmitRatio > bp.warningAdmitRatio) {
      ctx.addIssue({
        code: 'custom',
        path: ['criticalAdmitRatio'],
        message: `must not exceed backpressure.warningAdmitRatio (${bp.warningAdmitRatio}): CRITICAL admits no more than WARNING`,
      });
    }
  }, ALWAYS);
