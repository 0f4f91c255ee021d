/**
 * Results, events and metrics of the {@link BackpressureManager}.
 *
 * @module
 */
import type { PriorityName } from '../priority/priority.js';
import type { BackpressureState, BackpressureThresholds } from './backpressure-state.js';

/** The answer of {@link BackpressureManager.admit} for one record. */
export interface AdmissionDecision {
  /** Whether the record may enter the queues. */
  readonly admitted: boolean;
  /** The state the decision was taken in. */
  readonly state: BackpressureState;
  /** When refused, how long the caller should wait before offering it again, in ms; 0 when admitted. */
  readonly retryAfterMs: number;
}

/** The answer of {@link BackpressureManager.admitBatch}: how many records of a batch may enter. */
export interface BatchAdmission {
  /** Records admitted; the caller may take the first `admitted` (the records of a batch are alike). */
  readonly admitted: number;
  /** Records refused. */
  readonly refused: number;
  /** The state the decision was taken in. */
  readonly state: BackpressureState;
  /** When any were refused, the retry-after hint in ms; otherwise 0. */
  readonly retryAfterMs: number;
}

/** Emitted on every state transition. */
export interface BackpressureStateChangeEvent {
  /** State before. */
  readonly from: BackpressureState;
  /** State after. */
  readonly to: BackpressureState;
  /** The queue fill (0..1) of the check that moved the state. */
  readonly fill: number;
  /** Wall-clock time, epoch ms. */
  readonly at: number;
}

/** Emitted when the fire-season profile is switched on or off. */
export interface BackpressureProfileChangeEvent {
  /** Whether the fire-season profile is now on. */
  readonly peakSeason: boolean;
  /** Thresholds now in force. */
  readonly thresholds: BackpressureThresholds;
  /** Capacity the queues should now have. */
  readonly effectiveCapacity: number;
  /** `effectiveCapacity` divided by the normal capacity. */
  readonly capacityMultiplier: number;
  /** Wall-clock time, epoch ms. */
  readonly at: number;
}

/** Events of a {@link BackpressureManager}. */
export interface BackpressureManagerEvents {
  /** The state changed. */
  stateChange: [BackpressureStateChangeEvent];
  /** The fire-season profile was switched. */
  profileChange: [BackpressureProfileChangeEvent];
}

/** Counters of a {@link BackpressureManager}; plain data. */
export interface BackpressureMetrics {
  /** Current state. */
  readonly state: BackpressureState;
  /** Whether load shedding is enabled. */
  readonly enabled: boolean;
  /** Whether the fire-season profile is on. */
  readonly peakSeason: boolean;
  /** Fill (0..1) seen by the last check; 0 before the first. */
  readonly fill: number;
  /** Thresholds in force. */
  readonly thresholds: BackpressureThresholds;
  /** Capacity the queues should have now (the fire-season capacity while that profile is on). */
  readonly effectiveCapacity: number;
  /** `effectiveCapacity` divided by the normal capacity. */
  readonly capacityMultiplier: number;
  /** Checks run (each `check`, and each admission that read a fill). */
  readonly checks: number;
  /** Checks whose fill would have lowered the state (or counted toward recovery) but came sooner than `checkIntervalMs` after the state last changed or the recovery run last grew: the state stayed. */
  readonly deferredChecks: number;
  /** Consecutive checks under the warning threshold that took effect, while not yet NORMAL. */
  readonly recoveryChecks: number;
  /** State transitions. */
  readonly transitions: number;
  /** Records admitted, by priority. */
  readonly admitted: Readonly<Record<PriorityName, number>>;
  /** Records refused, by priority (CRITICAL is never refused). */
  readonly refused: Readonly<Record<PriorityName, number>>;
  /** Records admitted, by the state at the time. */
  readonly admittedByState: Readonly<Record<BackpressureState, number>>;
  /** Records refused, by the state at the time. */
  readonly refusedByState: Readonly<Record<BackpressureState, number>>;
  /** Time spent in each state, in ms (monotonic clock), the current stay included. */
  readonly timeInStateMs: Readonly<Record<BackpressureState, number>>;
}
