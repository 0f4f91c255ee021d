import type { Clock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import { InvalidOptionError } from '../errors.js';
import { PRIORITY_NAMES, Priority } from '../priority/priority.js';
import type { PriorityName } from '../priority/priority.js';
import type { BackpressureManagerOptions, ResolvedBackpressureOptions } from './backpressure-options.js';
import { resolveBackpressureOptions } from './backpressure-options.js';
import { BACKPRESSURE_STATES, BackpressureState, severity, stateForFill, stepBackpressure } from './backpressure-state.js';
import type { BackpressureThresholds } from './backpressure-state.js';
import type { AdmissionDecision, BackpressureManagerEvents, BackpressureMetrics, BatchAdmission } from './backpressure-types.js';

type PerState<T> = Record<BackpressureState, T>;

function perState<T>(value: (state: BackpressureState) => T): PerState<T> {
  return Object.fromEntries(BACKPRESSURE_STATES.map((state) => [state, value(state)])) as PerState<T>;
}

function perPriority(counts: readonly number[]): Record<PriorityName, number> {
  return Object.fromEntries(PRIORITY_NAMES.map((name, i) => [name, counts[i] ?? 0])) as Record<PriorityName, number>;
}

/**
 * Admission control by queue fill: NORMAL → WARNING → CRITICAL → LOAD_SHEDDING.
 *
 * Each check reads a fill (0..1 of capacity, given or from the `fill` provider). Rising states take
 * effect at once, on every check. A check whose fill is under the current state's threshold (it
 * would lower the state, or count toward recovery) takes effect only when at least
 * `checkIntervalMs` (1 s by default) has passed since the state last changed or the recovery run
 * last grew; sooner, it is deferred and the state stays. Those that take effect lower the state
 * between elevated states at once, and under the warning threshold to WARNING, then to NORMAL on
 * the `recoveryChecks`-th consecutive one (hysteresis: with the defaults at least 10 s after the
 * last rise and 9 s after the last fill at or above warning, however many admissions check
 * meanwhile). A fill at or above the warning threshold
 * restarts the recovery run. Non-critical
 * records are admitted with the state's share
 * (all, `warningAdmitRatio`, `criticalAdmitRatio`, none), drawn from the injected random source;
 * CRITICAL records are always admitted. The fire-season profile moves the thresholds and reports a
 * larger capacity for the owner of the queues to apply.
 */
export class BackpressureManager extends TypedEmitter<BackpressureManagerEvents> {
  readonly #o: ResolvedBackpressureOptions;
  readonly #clock: Clock;
  readonly #admitOne: PerState<AdmissionDecision>;
  readonly #refuseOne: PerState<AdmissionDecision>;
  readonly #ratio: PerState<number>;
  readonly #admitted = [0, 0, 0, 0];
  readonly #refused = [0, 0, 0, 0];
  readonly #admittedByState = perState(() => 0);
  readonly #refusedByState = perState(() => 0);
  readonly #timeInState = perState(() => 0);
  #state: BackpressureState = BackpressureState.NORMAL;
  #enteredAt: number;
  #peak: boolean;
  #thresholds: BackpressureThresholds;
  #recovery = 0;
  #lastMove = Number.NEGATIVE_INFINITY;
  #fill = 0;
  #checks = 0;
  #deferredChecks = 0;
  #transitions = 0;

  /** @throws {@link InvalidOptionError} naming the bad option and value. */
  constructor(options: BackpressureManagerOptions = {}) {
    super();
    this.#o = resolveBackpressureOptions(options);
    this.#clock = this.#o.clock;
    this.#peak = this.#o.startInPeak;
    this.#thresholds = this.#peak ? this.#o.peak : this.#o.normal;
    this.#enteredAt = this.#clock.monotonic();
    const retry = this.#o.retryAfterMs;
    const retryAfter: PerState<number> = { NORMAL: 0, WARNING: retry.warning, CRITICAL: retry.critical, LOAD_SHEDDING: retry.loadShedding };
    this.#admitOne = perState((state) => Object.freeze({ admitted: true, state, retryAfterMs: 0 }));
    this.#refuseOne = perState((state) => Object.freeze({ admitted: false, state, retryAfterMs: retryAfter[state] }));
    this.#ratio = { NORMAL: 1, WARNING: this.#o.warningAdmitRatio, CRITICAL: this.#o.criticalAdmitRatio, LOAD_SHEDDING: 0 };
  }

  /** Current state. */
  get state(): BackpressureState {
    return this.#state;
  }

  /** Whether the fire-season profile is on. */
  get peakSeason(): boolean {
    return this.#peak;
  }

  /** Thresholds in force (the fire-season ones while that profile is on). */
  get thresholds(): BackpressureThresholds {
    return this.#thresholds;
  }

  /** Capacity the queues should have now: the fire-season capacity while that profile is on. */
  get effectiveCapacity(): number {
    return this.#peak ? this.#o.peakCapacity : this.#o.capacity;
  }

  /** {@link BackpressureManager.effectiveCapacity} divided by the normal capacity (2 in fire season by default). */
  get capacityMultiplier(): number {
    return this.effectiveCapacity / this.#o.capacity;
  }

  /**
   * Runs one check with `fill` (or the fill provider's value) and returns the state after it. A
   * fill over a higher threshold raises the state at once; a fill under the current state's
   * threshold lowers it, or counts toward recovery, only `checkIntervalMs` or more after the state
   * last changed or the recovery run last grew.
   *
   * @throws {@link InvalidOptionError} when the fill is not a finite number of 0 or more, or when
   *   it is omitted and no `fill` provider was given.
   */
  check(fill?: number): BackpressureState {
    const value = fill ?? this.#o.fill?.();
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      const expected = value === undefined ? 'must be given when no fill provider was configured' : 'must be a finite number of 0 or more (depth / capacity)';
      throw new InvalidOptionError('fill', value, expected);
    }
    this.#checks++;
    this.#fill = value;
    if (!this.#o.enabled) return this.#state;
    if (severity(stateForFill(value, this.#thresholds)) < severity(this.#state) && !this.#downwardDue()) {
      this.#deferredChecks++;
      return this.#state;
    }
    const step = stepBackpressure(this.#state, this.#recovery, value, this.#thresholds, this.#o.recoveryChecks);
    this.#recovery = step.recovery;
    if (step.state !== this.#state) this.#transition(step.state, value);
    return this.#state;
  }

  /**
   * Decides whether one record of `priority` may enter the queues. Runs one check first when
   * `fill` is given or a fill provider was configured; such checks lower the state or count toward
   * recovery at most once per `checkIntervalMs`, so admitting records one by one does not hurry
   * the return to NORMAL. {@link BackpressureManager.admitBatch} reads the fill once for a whole batch.
   *
   * @throws {@link InvalidOptionError} for a bad priority or fill.
   */
  admit(priority: Priority, fill?: number): AdmissionDecision {
    const state = this.#stateFor(priority, fill);
    if (priority === Priority.CRITICAL || this.#draw(this.#ratio[state])) {
      this.#count(priority, state, 1, 0);
      return this.#admitOne[state];
    }
    this.#count(priority, state, 0, 1);
    return this.#refuseOne[state];
  }

  /**
   * Decides how many of `count` records of `priority` may enter the queues, with one check for
   * the whole batch (when a fill is given or provided) and one random draw per record.
   *
   * @throws {@link InvalidOptionError} for a bad priority, count or fill.
   */
  admitBatch(priority: Priority, count: number, fill?: number): BatchAdmission {
    if (!Number.isSafeInteger(count) || count < 0) throw new InvalidOptionError('count', count, 'must be an integer of 0 or more');
    const state = this.#stateFor(priority, fill);
    let admitted = count;
    if (priority !== Priority.CRITICAL) {
      const ratio = this.#ratio[state];
      admitted = 0;
      for (let i = 0; i < count; i++) if (this.#draw(ratio)) admitted++;
    }
    const refused = count - admitted;
    this.#count(priority, state, admitted, refused);
    return { admitted, refused, state, retryAfterMs: refused > 0 ? this.#refuseOne[state].retryAfterMs : 0 };
  }

  /**
   * Switches the fire-season profile on or off: the fire-season thresholds (0.8 / 0.95 by default)
   * and capacity (twice the normal one by default) while on. The state is re-evaluated at the next
   * check, with the fill of the resized queues. Emits `profileChange` when the profile changes.
   */
  adjustForPeakSeason(on: boolean): void {
    if (typeof on !== 'boolean') throw new InvalidOptionError('on', on, 'must be true or false');
    if (on === this.#peak) return;
    this.#peak = on;
    this.#thresholds = on ? this.#o.peak : this.#o.normal;
    this.emit(
      'profileChange',
      Object.freeze({ peakSeason: on, thresholds: this.#thresholds, effectiveCapacity: this.effectiveCapacity, capacityMultiplier: this.capacityMultiplier, at: this.#clock.now() }),
    );
  }

  /** Returns plain-data counters: state, fill, profile, admissions and refusals, time per state. */
  getMetrics(): BackpressureMetrics {
    const timeInStateMs = { ...this.#timeInState };
    timeInStateMs[this.#state] += this.#clock.monotonic() - this.#enteredAt;
    return {
      state: this.#state,
      enabled: this.#o.enabled,
      peakSeason: this.#peak,
      fill: this.#fill,
      thresholds: this.#thresholds,
      effectiveCapacity: this.effectiveCapacity,
      capacityMultiplier: this.capacityMultiplier,
      checks: this.#checks,
      deferredChecks: this.#deferredChecks,
      recoveryChecks: this.#recovery,
      transitions: this.#transitions,
      admitted: perPriority(this.#admitted),
      refused: perPriority(this.#refused),
      admittedByState: { ...this.#admittedByState },
      refusedByState: { ...this.#refusedByState },
      timeInStateMs,
    };
  }

  #stateFor(priority: Priority, fill: number | undefined): BackpressureState {
    if (!Number.isInteger(priority) || priority < Priority.CRITICAL || priority > Priority.LOW) {
      throw new InvalidOptionError('priority', priority, 'must be a Priority value (0 CRITICAL … 3 LOW)');
    }
    return fill !== undefined || this.#o.fill !== undefined ? this.check(fill) : this.#state;
  }

  /** Whether a check that would lower the state may take effect now (it then marks the time); reads the clock only for such checks. */
  #downwardDue(): boolean {
    const interval = this.#o.checkIntervalMs;
    if (interval === 0) return true;
    const now = this.#clock.monotonic();
    if (now - this.#lastMove < interval) return false;
    this.#lastMove = now;
    return true;
  }

  #draw(ratio: number): boolean {
    if (ratio >= 1) return true;
    if (ratio <= 0) return false;
    return this.#o.random() < ratio;
  }

  #count(priority: Priority, state: BackpressureState, admitted: number, refused: number): void {
    this.#admitted[priority] = (this.#admitted[priority] ?? 0) + admitted;
    this.#refused[priority] = (this.#refused[priority] ?? 0) + refused;
    this.#admittedByState[state] += admitted;
    this.#refusedByState[state] += refused;
  }

  #transition(to: BackpressureState, fill: number): void {
    const from = this.#state;
    const now = this.#clock.monotonic();
    this.#timeInState[from] += now - this.#enteredAt;
    this.#enteredAt = now;
    this.#lastMove = now;
    this.#state = to;
    this.#transitions++;
    this.emit('stateChange', Object.freeze({ from, to, fill, at: this.#clock.now() }));
  }
}
