/**
 * The backpressure state machine as pure functions, so the manager and property tests share it.
 *
 * @module
 */

/** Backpressure states from calm to overloaded. */
export const BackpressureState = {
  /** Queues under the warning threshold: everything admitted. */
  NORMAL: 'NORMAL',
  /** Queues filling: a share of non-critical records admitted. */
  WARNING: 'WARNING',
  /** Queues nearly full: a small share of non-critical records admitted. */
  CRITICAL: 'CRITICAL',
  /** Queues full: only CRITICAL records admitted. */
  LOAD_SHEDDING: 'LOAD_SHEDDING',
} as const;

/** One of the values of {@link BackpressureState}. */
export type BackpressureState = (typeof BackpressureState)[keyof typeof BackpressureState];

/** Every backpressure state, calmest first (the index is the severity). */
export const BACKPRESSURE_STATES: readonly BackpressureState[] = Object.freeze(['NORMAL', 'WARNING', 'CRITICAL', 'LOAD_SHEDDING'] as const);

/** Queue fill levels (fractions 0..1 of capacity) at which each elevated state starts. */
export interface BackpressureThresholds {
  /** Fill at which WARNING starts. */
  readonly warning: number;
  /** Fill at which CRITICAL starts. */
  readonly critical: number;
  /** Fill at which LOAD_SHEDDING starts. */
  readonly loadShedding: number;
}

/** The state a fill level calls for, without hysteresis. */
export function stateForFill(fill: number, thresholds: BackpressureThresholds): BackpressureState {
  if (fill >= thresholds.loadShedding) return BackpressureState.LOAD_SHEDDING;
  if (fill >= thresholds.critical) return BackpressureState.CRITICAL;
  if (fill >= thresholds.warning) return BackpressureState.WARNING;
  return BackpressureState.NORMAL;
}

const SEVERITY: Readonly<Record<BackpressureState, number>> = Object.freeze({ NORMAL: 0, WARNING: 1, CRITICAL: 2, LOAD_SHEDDING: 3 });

/** Severity of a state: 0 for NORMAL up to 3 for LOAD_SHEDDING (its index in {@link BACKPRESSURE_STATES}). */
export function severity(state: BackpressureState): number {
  return SEVERITY[state];
}

/** The state after one check, and the run of consecutive checks under the warning threshold. */
export interface BackpressureStep {
  /** State after the check. */
  readonly state: BackpressureState;
  /** Consecutive checks under the warning threshold while not yet back to NORMAL (0 otherwise). */
  readonly recovery: number;
}

/**
 * One check of the state machine.
 *
 * - At or above the warning threshold the state is the one the fill calls for, at once, up or
 *   down (CRITICAL → WARNING when fill drops from 95 % to 75 %), and the recovery run restarts.
 * - Under the warning threshold an elevated state drops to WARNING at once and counts the check;
 *   it returns to NORMAL only on the `recoveryChecks`-th consecutive check under the threshold.
 */
export function stepBackpressure(state: BackpressureState, recovery: number, fill: number, thresholds: BackpressureThresholds, recoveryChecks: number): BackpressureStep {
  const target = stateForFill(fill, thresholds);
  if (target !== BackpressureState.NORMAL) return { state: target, recovery: 0 };
  if (state === BackpressureState.NORMAL) return { state, recovery: 0 };
  const run = recovery + 1;
  if (run >= recoveryChecks) return { state: BackpressureState.NORMAL, recovery: 0 };
  return { state: BackpressureState.WARNING, recovery: run };
}
