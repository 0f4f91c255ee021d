/**
 * The static part of priority assignment: source id → priority by an override map, ordered glob
 * rules and a default, with CRITICAL kept to the allow-list. No rate limits, no state.
 *
 * @module
 */
import { globToRegExp } from '../config/glob.js';
import { InvalidOptionError } from '../errors.js';
import { Priority, parsePriority } from './priority.js';
import type { PriorityName } from './priority.js';

/** A priority given as its value (`Priority.HIGH`) or its name (`'HIGH'`, case-insensitive). */
export type PriorityLike = Priority | PriorityName;

/** One priority rule: sources whose id matches the glob `match` get `priority`. */
export interface PriorityRule {
  /** Source-id glob; `*` matches any run of characters (`firms_*`, `*alert*`). */
  readonly match: string;
  /** Priority of matching sources. CRITICAL applies only to allow-listed sources; others get HIGH. */
  readonly priority: PriorityLike;
}

/** What decided a source's priority: its own override, a rule, or the default. */
export type PriorityDecisionLevel = 'source' | 'rule' | 'default';

/** How one source id was classified; plain data. */
export interface PriorityDecision {
  /** The source id. */
  readonly sourceId: string;
  /** The priority the source's records get (before the critical rate limits). */
  readonly priority: Priority;
  /** The priority the override, rule or default asked for (differs from `priority` when CRITICAL was refused). */
  readonly requested: Priority;
  /** What decided `requested`. */
  readonly level: PriorityDecisionLevel;
  /** The glob of the deciding rule, when `level` is `'rule'`. */
  readonly rule?: string;
  /** Whether the source id matches the critical allow-list. */
  readonly allowListed: boolean;
  /** True when CRITICAL was asked for but the source is not allow-listed, so it got HIGH. */
  readonly criticalRefused: boolean;
}

/** Inputs of {@link PriorityRuleSet}. */
export interface PriorityRuleSetOptions {
  /** Ordered rules, first match wins. */
  readonly rules: readonly PriorityRule[];
  /** Priority when no rule matches. */
  readonly defaultPriority: PriorityLike;
  /** Globs of the sources allowed to be CRITICAL. */
  readonly criticalAllowList: readonly string[];
  /** Exact source id → priority; wins over every rule (still subject to the allow-list). */
  readonly sourcePriorities?: Readonly<Record<string, PriorityLike>> | ReadonlyMap<string, PriorityLike>;
}

interface CompiledRule {
  readonly glob: string;
  readonly regex: RegExp;
  readonly priority: Priority;
}

const PRIORITY_EXPECTED = 'must be a priority: CRITICAL, HIGH, NORMAL, LOW or its value 0..3';

/** Parses a priority option; throws naming the option when it is not a priority. */
export function toPriority(option: string, value: unknown): Priority {
  const priority = parsePriority(value);
  if (priority === undefined) throw new InvalidOptionError(option, value, PRIORITY_EXPECTED);
  return priority;
}

function compileGlob(option: string, glob: unknown): RegExp {
  if (typeof glob !== 'string' || glob.length === 0) throw new InvalidOptionError(option, glob, 'must be a non-empty source-id glob such as "firms_*"');
  return globToRegExp(glob);
}

/**
 * Rules compiled once: globs become regular expressions, priority names become values, and every
 * bad entry is refused with its index. {@link PriorityRuleSet.decide} is pure.
 */
export class PriorityRuleSet {
  readonly #rules: readonly CompiledRule[];
  readonly #allowList: readonly RegExp[];
  readonly #overrides: ReadonlyMap<string, Priority>;
  readonly #defaultPriority: Priority;

  /** @throws {@link InvalidOptionError} naming the bad rule, glob or priority. */
  constructor(options: PriorityRuleSetOptions) {
    if (!Array.isArray(options.rules)) throw new InvalidOptionError('rules', options.rules, 'must be an array of { match, priority }');
    this.#rules = options.rules.map((entry: unknown, i) => {
      const rule = (entry ?? {}) as Partial<PriorityRule>;
      const regex = compileGlob(`rules[${i}].match`, rule.match);
      return { glob: rule.match as string, regex, priority: toPriority(`rules[${i}].priority`, rule.priority) };
    });
    if (!Array.isArray(options.criticalAllowList)) throw new InvalidOptionError('criticalAllowList', options.criticalAllowList, 'must be an array of source-id globs');
    this.#allowList = options.criticalAllowList.map((glob, i) => compileGlob(`criticalAllowList[${i}]`, glob));
    this.#defaultPriority = toPriority('defaultPriority', options.defaultPriority);
    const overrides = new Map<string, Priority>();
    const entries = options.sourcePriorities instanceof Map ? options.sourcePriorities.entries() : Object.entries(options.sourcePriorities ?? {});
    for (const [sourceId, priority] of entries) overrides.set(sourceId, toPriority(`sourcePriorities.${sourceId}`, priority));
    this.#overrides = overrides;
  }

  /** Classifies one source id. */
  decide(sourceId: string): PriorityDecision {
    let requested = this.#overrides.get(sourceId);
    let level: PriorityDecisionLevel = 'source';
    let rule: string | undefined;
    if (requested === undefined) {
      const matched = this.#rules.find((r) => r.regex.test(sourceId));
      level = matched === undefined ? 'default' : 'rule';
      rule = matched?.glob;
      requested = matched === undefined ? this.#defaultPriority : matched.priority;
    }
    const allowListed = this.#allowList.some((regex) => regex.test(sourceId));
    const criticalRefused = requested === Priority.CRITICAL && !allowListed;
    const priority = criticalRefused ? Priority.HIGH : requested;
    const decision: PriorityDecision = { sourceId, priority, requested, level, allowListed, criticalRefused };
    return Object.freeze(rule === undefined ? decision : { ...decision, rule });
  }
}
