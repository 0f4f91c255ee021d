/**
 * Validation and compilation of `TopicResolver` options (internal to routing; not exported from the package).
 *
 * @module
 */
import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import { assertValidTopicName } from './topic-names.js';
import type { ContentRule, ContentRuleValue, TopicPattern, TopicResolverOptions } from './topic-resolver.js';

/** A content rule with its path split once. */
export interface CompiledContentRule {
  readonly path: readonly string[];
  readonly equals: ContentRuleValue;
  readonly topic: string;
}

/** A pattern compiled to a RegExp. */
export interface CompiledPattern {
  readonly regex: RegExp;
  readonly topic: string;
}

/** Reads a dotted path of own properties; `undefined` when any step is missing. */
export function readPath(record: RecordPayload, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function compileCustomMappings(mappings: TopicResolverOptions['customMappings']): ReadonlyMap<string, string> {
  const compiled = new Map<string, string>();
  if (mappings === undefined) return compiled;
  if (mappings === null || typeof mappings !== 'object') {
    throw new InvalidOptionError('customMappings', mappings, 'must be an object or a Map of source id to topic');
  }
  const entries: Iterable<[unknown, unknown]> = mappings instanceof Map ? mappings.entries() : Object.entries(mappings);
  for (const [sourceId, topic] of entries) {
    if (typeof sourceId !== 'string' || sourceId.length === 0) {
      throw new InvalidOptionError('customMappings', sourceId, 'must have non-empty string source ids as keys');
    }
    compiled.set(sourceId, assertValidTopicName(topic, `customMappings[${JSON.stringify(sourceId)}]`));
  }
  return compiled;
}

export function compileContentRules(rules: readonly ContentRule[] | undefined): readonly CompiledContentRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) throw new InvalidOptionError('contentRules', rules, 'must be an array of { field, equals, topic }');
  return rules.map((rule: unknown, i): CompiledContentRule => {
    const option = `contentRules[${i}]`;
    if (rule === null || typeof rule !== 'object') throw new InvalidOptionError(option, rule, 'must be an object { field, equals, topic }');
    const { field, equals, topic } = rule as Partial<ContentRule>;
    if (typeof field !== 'string' || field.split('.').some((part) => part.length === 0)) {
      throw new InvalidOptionError(`${option}.field`, field, 'must be a field name or a dotted path such as "properties.event"');
    }
    const t = typeof equals;
    if (equals !== null && t !== 'string' && t !== 'number' && t !== 'boolean') {
      throw new InvalidOptionError(`${option}.equals`, equals, 'must be a string, number, boolean or null');
    }
    // `===` never matches NaN, so such a rule could never fire; ±Infinity never comes out of JSON.
    if (t === 'number' && !Number.isFinite(equals)) {
      throw new InvalidOptionError(`${option}.equals`, equals, 'must be a finite number (NaN never equals anything, and ±Infinity is not a field value)');
    }
    return { path: field.split('.'), equals: equals as ContentRuleValue, topic: assertValidTopicName(topic, `${option}.topic`) };
  });
}

export function compilePatterns(patterns: readonly TopicPattern[]): readonly CompiledPattern[] {
  if (!Array.isArray(patterns)) throw new InvalidOptionError('patterns', patterns, 'must be an array of { pattern, topic }');
  return patterns.map((entry: unknown, i): CompiledPattern => {
    const option = `patterns[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new InvalidOptionError(option, entry, 'must be an object { pattern, topic }');
    const { pattern, topic } = entry as Partial<TopicPattern>;
    return { regex: compileRegex(pattern, `${option}.pattern`), topic: assertValidTopicName(topic, `${option}.topic`) };
  });
}

function compileRegex(pattern: unknown, option: string): RegExp {
  // Drop the stateful `g`/`y` flags so that `test()` gives the same answer every time.
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new InvalidOptionError(option, pattern, 'must be a non-empty regular expression string or a RegExp');
  }
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new InvalidOptionError(option, pattern, `must be a valid regular expression (${err instanceof Error ? err.message : String(err)})`);
  }
}
