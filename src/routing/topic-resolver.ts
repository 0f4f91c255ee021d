import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import { assertValidTopicName } from './topic-names.js';
import type { CompiledContentRule, CompiledPattern } from './topic-rules.js';
import { compileContentRules, compileCustomMappings, compilePatterns, readPath } from './topic-rules.js';
import { DEFAULT_TOPIC, DEFAULT_TOPIC_PATTERNS } from './wildfire-sources.js';

/** A value a content rule compares a record field with (strict equality). */
export type ContentRuleValue = string | number | boolean | null;

/** Sends records whose `field` equals `equals` to `topic`, whatever their source. */
export interface ContentRule {
  /** Field name, or a dotted path into nested objects (`properties.event`). */
  readonly field: string;
  /** The value the field must hold (compared with `===`). */
  readonly equals: ContentRuleValue;
  /** Topic for matching records. */
  readonly topic: string;
}

/** Sends sources whose id matches `pattern` to `topic`. */
export interface TopicPattern {
  /** A regular expression (or its source text) tested against the source id; anchor it with `^`/`$` as needed. */
  readonly pattern: string | RegExp;
  /** Topic for matching sources. */
  readonly topic: string;
}

/** Options of {@link TopicResolver}. */
export interface TopicResolverOptions {
  /** Exact source id → topic; wins over every other rule. */
  readonly customMappings?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Rules on record content, tried in order when a record is given. */
  readonly contentRules?: readonly ContentRule[];
  /** Source-id patterns, first match wins. Defaults to {@link DEFAULT_TOPIC_PATTERNS}; pass `[]` for none. */
  readonly patterns?: readonly TopicPattern[];
  /** Topic when nothing matches. Defaults to `wildfire-default`. */
  readonly defaultTopic?: string;
  /** Most source ids whose resolution is cached (default 10,000; 0 disables the cache). */
  readonly cacheSize?: number;
  /** Where to log; silent by default. */
  readonly logger?: Logger;
}

/** Which rule decided a topic. */
export type ResolutionLevel = 'custom' | 'content' | 'pattern' | 'default';

/** Counters of a {@link TopicResolver}; plain data. */
export interface TopicResolverMetrics {
  /** Records resolved (a batch of n records counts n). */
  readonly resolutions: number;
  /** Source-id lookups answered from the cache (one per `resolveTopic` call or per batch). */
  readonly cacheHits: number;
  /** Source-id lookups that had to run the mappings and patterns. */
  readonly cacheMisses: number;
  /** Source ids currently cached. */
  readonly cacheEntries: number;
  /** Records resolved per topic. */
  readonly topicUsage: Readonly<Record<string, number>>;
  /** Records resolved per deciding rule. */
  readonly byLevel: Readonly<Record<ResolutionLevel, number>>;
}

/** Default {@link TopicResolverOptions.cacheSize}. */
export const DEFAULT_TOPIC_CACHE_SIZE = 10_000;

// How many source ids that fell to the default topic are remembered, so each is logged once.
const LOGGED_DEFAULT_SOURCES = 10_000;

interface SourceResolution {
  readonly topic: string;
  readonly level: Exclude<ResolutionLevel, 'content'>;
}

/**
 * Picks the Kafka topic of a record: custom mapping → content rules (when a record is given) →
 * regex patterns on the source id → default topic.
 *
 * Every topic name is checked against Kafka's rules at construction. The source-id part of a
 * resolution (custom mapping, patterns, default) is cached per source id in a bounded map; content
 * rules depend on each record and are evaluated every time.
 */
export class TopicResolver {
  readonly #custom: ReadonlyMap<string, string>;
  readonly #contentRules: readonly CompiledContentRule[];
  readonly #patterns: readonly CompiledPattern[];
  readonly #defaultTopic: string;
  readonly #cacheSize: number;
  readonly #logger: Logger;
  readonly #cache = new Map<string, SourceResolution>();
  readonly #loggedDefault = new Set<string>();
  readonly #topicUsage = new Map<string, number>();
  readonly #byLevel: Record<ResolutionLevel, number> = { custom: 0, content: 0, pattern: 0, default: 0 };
  #resolutions = 0;
  #cacheHits = 0;
  #cacheMisses = 0;

  /** @throws {@link InvalidOptionError} or a `FIRESTREAM_INVALID_TOPIC` error naming the bad value. */
  constructor(options: TopicResolverOptions = {}) {
    this.#custom = compileCustomMappings(options.customMappings);
    this.#contentRules = compileContentRules(options.contentRules);
    this.#patterns = compilePatterns(options.patterns ?? DEFAULT_TOPIC_PATTERNS);
    this.#defaultTopic = assertValidTopicName(options.defaultTopic ?? DEFAULT_TOPIC, 'defaultTopic');
    const cacheSize = options.cacheSize ?? DEFAULT_TOPIC_CACHE_SIZE;
    if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
      throw new InvalidOptionError('cacheSize', cacheSize, 'must be an integer of 0 or more');
    }
    this.#cacheSize = cacheSize;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Returns the topic for one record of `sourceId` (or for the source alone when `record` is omitted). */
  resolveTopic(sourceId: string, record?: RecordPayload): string {
    const base = this.#resolveSource(sourceId);
    let topic = base.topic;
    let level: ResolutionLevel = base.level;
    if (record !== undefined && level !== 'custom') {
      const byContent = this.#matchContent(record);
      if (byContent !== undefined) {
        topic = byContent;
        level = 'content';
      }
    }
    this.#count(topic, level, 1);
    return topic;
  }

  /**
   * Groups a batch of one source's records by topic in one pass. Records keep their order
   * within each group.
   */
  resolveBatch<T extends RecordPayload>(sourceId: string, records: readonly T[]): Map<string, T[]>;
  /**
   * Groups a batch of one source's items (for example envelopes) by topic; `select` returns the
   * record that content rules look at.
   */
  resolveBatch<T>(sourceId: string, items: readonly T[], select: (item: T) => RecordPayload): Map<string, T[]>;
  resolveBatch<T>(sourceId: string, items: readonly T[], select?: (item: T) => RecordPayload): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    if (items.length === 0) return groups;
    const base = this.#resolveSource(sourceId);
    if (base.level === 'custom' || this.#contentRules.length === 0) {
      groups.set(base.topic, items.slice());
      this.#count(base.topic, base.level, items.length);
      return groups;
    }
    let contentMatches = 0;
    // Neighbouring records usually share a topic: remember the last group to skip most Map lookups.
    let lastTopic: string | undefined;
    let lastGroup: T[] = [];
    for (const item of items) {
      const record = select === undefined ? (item as unknown as RecordPayload) : select(item);
      let topic = this.#matchContent(record);
      if (topic === undefined) topic = base.topic;
      else contentMatches++;
      if (topic !== lastTopic) {
        let group = groups.get(topic);
        if (group === undefined) {
          group = [];
          groups.set(topic, group);
        }
        lastTopic = topic;
        lastGroup = group;
      }
      lastGroup.push(item);
    }
    for (const [topic, group] of groups) this.#addUsage(topic, group.length);
    this.#resolutions += items.length;
    this.#byLevel.content += contentMatches;
    this.#byLevel[base.level] += items.length - contentMatches;
    return groups;
  }

  /** Returns plain-data counters: usage per topic and per rule, cache hits and misses. */
  getMetrics(): TopicResolverMetrics {
    return {
      resolutions: this.#resolutions,
      cacheHits: this.#cacheHits,
      cacheMisses: this.#cacheMisses,
      cacheEntries: this.#cache.size,
      topicUsage: Object.fromEntries(this.#topicUsage),
      byLevel: { ...this.#byLevel },
    };
  }

  /** Empties the source-id cache (counters are kept). */
  clearCache(): void {
    this.#cache.clear();
  }

  #resolveSource(sourceId: string): SourceResolution {
    if (typeof sourceId !== 'string') throw new InvalidOptionError('sourceId', sourceId, 'must be a string');
    const cached = this.#cache.get(sourceId);
    if (cached !== undefined) {
      this.#cacheHits++;
      return cached;
    }
    this.#cacheMisses++;
    const resolution = this.#computeSource(sourceId);
    if (this.#cacheSize > 0) {
      if (this.#cache.size >= this.#cacheSize) {
        // Evict the oldest entry (Map keeps insertion order): O(1), keeps the map bounded.
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(sourceId, resolution);
    }
    return resolution;
  }

  #computeSource(sourceId: string): SourceResolution {
    const custom = this.#custom.get(sourceId);
    if (custom !== undefined) return { topic: custom, level: 'custom' };
    for (const { regex, topic } of this.#patterns) {
      if (regex.test(sourceId)) return { topic, level: 'pattern' };
    }
    this.#logDefault(sourceId);
    return { topic: this.#defaultTopic, level: 'default' };
  }

  // Once per source id, whatever the cache does (eviction, cacheSize 0); the memory of logged ids
  // is bounded too, its oldest id forgotten first.
  #logDefault(sourceId: string): void {
    if (this.#loggedDefault.has(sourceId)) return;
    if (this.#loggedDefault.size >= LOGGED_DEFAULT_SOURCES) {
      const oldest = this.#loggedDefault.values().next();
      if (oldest.done !== true) this.#loggedDefault.delete(oldest.value);
    }
    this.#loggedDefault.add(sourceId);
    this.#logger.debug({ sourceId, topic: this.#defaultTopic }, 'firestream:routing: no mapping or pattern matches the source; using the default topic (logged once per source)');
  }

  #matchContent(record: RecordPayload): string | undefined {
    for (const rule of this.#contentRules) {
      if (readPath(record, rule.path) === rule.equals) return rule.topic;
    }
    return undefined;
  }

  #count(topic: string, level: ResolutionLevel, n: number): void {
    this.#resolutions += n;
    this.#byLevel[level] += n;
    this.#addUsage(topic, n);
  }

  #addUsage(topic: string, n: number): void {
    this.#topicUsage.set(topic, (this.#topicUsage.get(topic) ?? 0) + n);
  }
}
