import { DEFAULT_CRITICAL_ALLOW_LIST, DEFAULT_PRIORITY_RULES, PrioritySchema } from '../config/schema/priority.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { InvalidOptionError } from '../errors.js';
import { setBounded } from './bounded-map.js';
import type { CriticalDemotionReason } from './critical-rate-limiter.js';
import { CriticalRateLimiter } from './critical-rate-limiter.js';
import { PRIORITY_NAMES, Priority } from './priority.js';
import type { PriorityName } from './priority.js';
import type { PriorityDecision, PriorityLike, PriorityRule } from './priority-rules.js';
import { PriorityRuleSet } from './priority-rules.js';

/** Options of {@link PriorityAssigner}; every one has the design default. */
export interface PriorityAssignerOptions {
  /** Ordered rules, first match wins. Defaults to the wildfire rules ({@link DEFAULT_PRIORITY_RULES}); pass `[]` for none. */
  readonly rules?: readonly PriorityRule[];
  /** Priority when no rule matches (default LOW). */
  readonly defaultPriority?: PriorityLike;
  /** Globs of the sources allowed to be CRITICAL (default {@link DEFAULT_CRITICAL_ALLOW_LIST}). */
  readonly criticalAllowList?: readonly string[];
  /** Exact source id → priority (a source's own `priority` in the config); wins over every rule, still subject to the allow-list and the rate limits. */
  readonly sourcePriorities?: Readonly<Record<string, PriorityLike>> | ReadonlyMap<string, PriorityLike>;
  /** CRITICAL records per minute, per source (default 100) and for all sources (default 500); the excess goes HIGH. */
  readonly criticalRateLimit?: { readonly perSourcePerMinute?: number; readonly totalPerMinute?: number };
  /** Most source ids whose decision is cached (default 10,000; 0 disables the cache). */
  readonly cacheSize?: number;
  /** Most sources with their own CRITICAL bucket and their own demotion counter (default 10,000). */
  readonly maxTrackedSources?: number;
  /** Time source of the rate limits; the system clock by default. */
  readonly clock?: Clock;
  /** Where to log; silent by default. */
  readonly logger?: Logger;
}

/** How the records of one batch are split between CRITICAL and the rest. */
export interface PrioritySplit {
  /** Records in the batch. */
  readonly count: number;
  /** The source's priority before the rate limits (see {@link PriorityAssigner.assign}). */
  readonly priority: Priority;
  /** How many records, the first ones of the batch, go CRITICAL (0 unless `priority` is CRITICAL). */
  readonly critical: number;
  /** How many CRITICAL records the rate limits demoted to HIGH (`count - critical` for a CRITICAL source). */
  readonly demoted: number;
  /** Priority of the records after the first `critical`: HIGH for a CRITICAL source, otherwise `priority`. */
  readonly rest: Priority;
}

/** Emitted once per source when a rule or override asks CRITICAL for a source that is not allow-listed. */
export interface NonAllowListedCriticalEvent {
  /** The source id. */
  readonly sourceId: string;
  /** What asked for CRITICAL. */
  readonly level: PriorityDecision['level'];
  /** The glob of the rule that asked, when a rule did. */
  readonly rule?: string;
  /** The priority given instead (HIGH). */
  readonly assigned: Priority;
}

/** Emitted per batch and reason when the CRITICAL rate limits demote records to HIGH. */
export interface CriticalDemotedEvent {
  /** The source id. */
  readonly sourceId: string;
  /** Records demoted for this reason in this batch. */
  readonly count: number;
  /** The source's own limit or the limit of all sources. */
  readonly reason: CriticalDemotionReason;
  /** Wall-clock time, epoch ms. */
  readonly at: number;
}

/** Events of a {@link PriorityAssigner}. */
export interface PriorityAssignerEvents {
  /** A CRITICAL rule or override matched a source that is not allow-listed; it gets HIGH. */
  nonAllowListedCritical: [NonAllowListedCriticalEvent];
  /** The CRITICAL rate limits demoted records to HIGH (never dropped). */
  criticalDemoted: [CriticalDemotedEvent];
}

/** Counters of a {@link PriorityAssigner}; plain data. */
export interface PriorityAssignerMetrics {
  /** Records assigned through {@link PriorityAssigner.assignBatch}, by final priority. */
  readonly assigned: Readonly<Record<PriorityName, number>>;
  /** CRITICAL records demoted to HIGH: in all and by reason. */
  readonly demoted: { readonly total: number; readonly perSource: number; readonly global: number };
  /** Demoted records per source (at most `maxTrackedSources` sources listed; later ones count in `demoted` only). */
  readonly demotedBySource: Readonly<Record<string, number>>;
  /** Sources that asked for CRITICAL without being allow-listed (one warning each). */
  readonly nonAllowListedWarnings: number;
  /** Source ids whose decision is cached. */
  readonly cacheEntries: number;
  /** Sources that currently have their own CRITICAL bucket. */
  readonly trackedSources: number;
}

/** Default {@link PriorityAssignerOptions.cacheSize} and {@link PriorityAssignerOptions.maxTrackedSources}. */
export const DEFAULT_PRIORITY_CACHE_SIZE = 10_000;

// How many warned source ids are remembered, so each is warned once.
const WARNED_SOURCES = 10_000;

const PRIORITY_DEFAULTS = PrioritySchema.parse({});

function sizeOption(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidOptionError(option, value, `must be an integer of ${min} or more`);
  return value;
}

/**
 * Gives each source id one of the four priorities: its own override, else the first matching rule,
 * else the default. CRITICAL is kept to the allow-list (other sources get HIGH and one
 * `nonAllowListedCritical` warning each) and rate-limited per source and in all; records over a
 * limit go HIGH, are counted and announced, never dropped.
 *
 * Rules are compiled once; decisions are cached per source id in a bounded map.
 */
export class PriorityAssigner extends TypedEmitter<PriorityAssignerEvents> {
  readonly #rules: PriorityRuleSet;
  readonly #limiter: CriticalRateLimiter;
  readonly #cacheSize: number;
  readonly #maxTracked: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #cache = new Map<string, PriorityDecision>();
  readonly #warned = new Map<string, true>();
  readonly #assigned = [0, 0, 0, 0];
  readonly #demotedBySource = new Map<string, number>();
  #demotedPerSource = 0;
  #demotedGlobal = 0;
  #warnings = 0;

  /** @throws {@link InvalidOptionError} naming the bad rule, glob, priority or limit. */
  constructor(options: PriorityAssignerOptions = {}) {
    super();
    this.#rules = new PriorityRuleSet({
      rules: options.rules ?? DEFAULT_PRIORITY_RULES,
      defaultPriority: options.defaultPriority ?? PRIORITY_DEFAULTS.defaultPriority,
      criticalAllowList: options.criticalAllowList ?? DEFAULT_CRITICAL_ALLOW_LIST,
      sourcePriorities: options.sourcePriorities,
    });
    this.#cacheSize = sizeOption('cacheSize', options.cacheSize ?? DEFAULT_PRIORITY_CACHE_SIZE, 0);
    this.#maxTracked = sizeOption('maxTrackedSources', options.maxTrackedSources ?? DEFAULT_PRIORITY_CACHE_SIZE, 1);
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#limiter = new CriticalRateLimiter({
      perSourcePerMinute: options.criticalRateLimit?.perSourcePerMinute ?? PRIORITY_DEFAULTS.criticalRateLimit.perSourcePerMinute,
      totalPerMinute: options.criticalRateLimit?.totalPerMinute ?? PRIORITY_DEFAULTS.criticalRateLimit.totalPerMinute,
      maxTrackedSources: this.#maxTracked,
      clock: this.#clock,
    });
  }

  /**
   * The static priority of a source: override, rule or default, with CRITICAL only for allow-listed
   * sources. The rate limits are not applied (use {@link PriorityAssigner.assignBatch} for records).
   *
   * @throws {@link InvalidOptionError} when `sourceId` is not a string.
   */
  assign(sourceId: string): Priority {
    return this.decide(sourceId).priority;
  }

  /** How a source id is classified and why (cached). */
  decide(sourceId: string): PriorityDecision {
    const cached = this.#cache.get(sourceId);
    if (cached !== undefined) return cached;
    if (typeof sourceId !== 'string') throw new InvalidOptionError('sourceId', sourceId, 'must be a string');
    const decision = this.#rules.decide(sourceId);
    if (decision.criticalRefused) this.#warnOnce(decision);
    setBounded(this.#cache, sourceId, decision, this.#cacheSize);
    return decision;
  }

  /**
   * Splits a batch of `count` records of one source: for a CRITICAL source, the first `critical`
   * records stay CRITICAL and the rest (over the per-source or global limit) go HIGH; for other
   * sources every record keeps the source's priority. One call takes the tokens for the whole batch.
   *
   * @throws {@link InvalidOptionError} when `count` is not an integer of 0 or more.
   */
  assignBatch(sourceId: string, count: number): PrioritySplit {
    if (!Number.isSafeInteger(count) || count < 0) throw new InvalidOptionError('count', count, 'must be an integer of 0 or more');
    const priority = this.assign(sourceId);
    if (priority !== Priority.CRITICAL) {
      this.#assigned[priority] = (this.#assigned[priority] ?? 0) + count;
      return { count, priority, critical: 0, demoted: 0, rest: priority };
    }
    if (count === 0) return { count, priority, critical: 0, demoted: 0, rest: Priority.HIGH };
    const grant = this.#limiter.take(sourceId, count);
    const demoted = count - grant.granted;
    this.#assigned[Priority.CRITICAL] = (this.#assigned[Priority.CRITICAL] ?? 0) + grant.granted;
    this.#assigned[Priority.HIGH] = (this.#assigned[Priority.HIGH] ?? 0) + demoted;
    if (demoted > 0) {
      this.#demotedPerSource += grant.demotedPerSource;
      this.#demotedGlobal += grant.demotedGlobal;
      const known = this.#demotedBySource.get(sourceId);
      if (known !== undefined) this.#demotedBySource.set(sourceId, known + demoted);
      else if (this.#demotedBySource.size < this.#maxTracked) this.#demotedBySource.set(sourceId, demoted);
      this.#announceDemotion(sourceId, grant.demotedPerSource, 'per-source');
      this.#announceDemotion(sourceId, grant.demotedGlobal, 'global');
    }
    return { count, priority, critical: grant.granted, demoted, rest: Priority.HIGH };
  }

  /** Returns plain-data counters: records per priority, demotions by reason and source, warnings. */
  getMetrics(): PriorityAssignerMetrics {
    const assigned = Object.fromEntries(PRIORITY_NAMES.map((name, i) => [name, this.#assigned[i] ?? 0])) as Record<PriorityName, number>;
    return {
      assigned,
      demoted: { total: this.#demotedPerSource + this.#demotedGlobal, perSource: this.#demotedPerSource, global: this.#demotedGlobal },
      demotedBySource: Object.fromEntries(this.#demotedBySource),
      nonAllowListedWarnings: this.#warnings,
      cacheEntries: this.#cache.size,
      trackedSources: this.#limiter.trackedSources,
    };
  }

  #announceDemotion(sourceId: string, count: number, reason: CriticalDemotionReason): void {
    if (count === 0) return;
    this.emit('criticalDemoted', Object.freeze({ sourceId, count, reason, at: this.#clock.now() }));
  }

  // Once per source id, whatever the decision cache does; the memory of warned ids is bounded too.
  #warnOnce(decision: PriorityDecision): void {
    if (this.#warned.has(decision.sourceId)) return;
    setBounded(this.#warned, decision.sourceId, true, WARNED_SOURCES);
    this.#warnings++;
    const event: NonAllowListedCriticalEvent = { sourceId: decision.sourceId, level: decision.level, assigned: decision.priority };
    const full = Object.freeze(decision.rule === undefined ? event : { ...event, rule: decision.rule });
    this.#logger.warn(full, 'firestream:priority: CRITICAL asked for a source that is not on the critical allow-list; it gets HIGH');
    this.emit('nonAllowListedCritical', full);
  }
}
