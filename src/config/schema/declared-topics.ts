import type { z } from 'zod';
import { DEFAULT_TOPIC_PATTERNS } from '../../routing/wildfire-sources.js';
import { readable } from './refine.js';

/** The parts of the parsed configuration that name topics. */
export interface TopicNamingConfig {
  readonly topics: readonly { readonly name: string }[];
  readonly dlq: { readonly enabled: boolean; readonly topic: string };
  readonly images: { readonly enabled: boolean; readonly topic: string };
  readonly sources: readonly { readonly topic?: string | undefined }[];
  readonly routing: {
    readonly defaultTopic: string;
    readonly criticalTopic: string;
    readonly customMappings: Readonly<Record<string, string>>;
    readonly contentRules: readonly { readonly topic: string }[];
    readonly patterns?: readonly { readonly topic: string }[] | undefined;
  };
}

type Path = readonly (string | number)[];

function undeclared(topic: string): string {
  return (
    `names topic "${topic}", which is not declared in topics: declare it (for example { name: "${topic}", partitions: 3 }) so that ` +
    'ensureTopics(config.topics) creates it (a topics list replaces the wildfire preset; a map merges into it)'
  );
}

/** Each topic a setting names, with the path of that setting (only settings that passed their own validation). */
function namedTopics(config: TopicNamingConfig, ctx: z.RefinementCtx): { path: Path; topic: string }[] {
  const named: { path: Path; topic: string }[] = [];
  const add = (path: Path, topic: unknown, when: Path[] = []): void => {
    if (typeof topic === 'string' && readable(ctx, path, ...when)) named.push({ path, topic });
  };
  if (readable(ctx, ['dlq', 'enabled']) && config.dlq.enabled) add(['dlq', 'topic'], config.dlq.topic);
  if (readable(ctx, ['images', 'enabled']) && config.images.enabled) add(['images', 'topic'], config.images.topic);
  if (Array.isArray(config.sources)) config.sources.forEach((source, i) => add(['sources', i, 'topic'], source?.topic));
  const { routing } = config;
  if (typeof routing !== 'object' || routing === null) return named;
  add(['routing', 'defaultTopic'], routing.defaultTopic);
  add(['routing', 'criticalTopic'], routing.criticalTopic);
  if (readable(ctx, ['routing', 'customMappings'])) {
    for (const [sourceId, topic] of Object.entries(routing.customMappings)) add(['routing', 'customMappings', sourceId], topic);
  }
  if (Array.isArray(routing.contentRules)) routing.contentRules.forEach((rule, i) => add(['routing', 'contentRules', i, 'topic'], rule?.topic));
  if (Array.isArray(routing.patterns)) routing.patterns.forEach((pattern, i) => add(['routing', 'patterns', i, 'topic'], pattern?.topic));
  return named;
}

/**
 * Checks that every topic the configuration writes to is declared in `topics`, so that
 * `ensureTopics(config.topics)` creates all of them: the DLQ topic (when the DLQ is on), the image
 * topic (when images are on), the default and critical topics, each source's topic, and the topics
 * of custom mappings, content rules and patterns — or of the built-in wildfire patterns when
 * `routing.patterns` is absent.
 */
export function checkTopicsDeclared(config: TopicNamingConfig, ctx: z.RefinementCtx): void {
  if (!Array.isArray(config.topics)) return;
  const declared = new Set<string>();
  config.topics.forEach((topic, i) => {
    if (readable(ctx, ['topics', i, 'name'])) declared.add(topic.name);
  });
  for (const { path, topic } of namedTopics(config, ctx)) {
    if (!declared.has(topic)) ctx.addIssue({ code: 'custom', path: [...path], message: undeclared(topic) });
  }
  // `routing` and its fields are read only once they passed their own validation (`routing: null` fails it).
  if (readable(ctx, ['routing', 'patterns']) && config.routing.patterns === undefined) {
    const missing = [...new Set(DEFAULT_TOPIC_PATTERNS.map((pattern) => pattern.topic))].filter((topic) => !declared.has(topic));
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['routing', 'patterns'],
        message:
          `is absent, so the built-in wildfire patterns apply, and they write to ${missing.map((t) => `"${t}"`).join(', ')}, not declared in topics: ` +
          'declare them, or set routing.patterns (`[]` for none)',
      });
    }
  }
}
