import { z } from 'zod';
import { InvalidOptionError } from '../errors.js';
import { assertValidTopicName } from '../routing/topic-names.js';
import { COMPRESSION_NAMES } from './codecs/codec.js';
import type { CompressionName } from './codecs/codec.js';
import { parseOptions } from './parse-options.js';

/** The canonical description of a topic firestream writes to. */
export interface TopicSpec {
  /** Topic name. */
  name: string;
  /** Number of partitions. */
  partitions: number;
  /** Replication factor (default 1). */
  replicationFactor?: number;
  /** Compression the producer uses for this topic (default `none`). */
  compression?: CompressionName;
  /** `retention.ms` of the topic; the broker default when absent. */
  retentionMs?: number;
  /** `max.message.bytes` of the topic; the broker default when absent. */
  maxMessageBytes?: number;
}

/** A {@link TopicSpec} with its defaults applied. */
export type ResolvedTopicSpec = Required<Omit<TopicSpec, 'retentionMs' | 'maxMessageBytes'>> & Pick<TopicSpec, 'retentionMs' | 'maxMessageBytes'>;

/** zod schema of {@link TopicSpec}; the single source of its defaults. */
export const topicSpecSchema = z.object({
  name: z.string().min(1),
  partitions: z.int().min(1).max(100_000),
  replicationFactor: z.int().min(1).max(32).default(1),
  compression: z.enum(COMPRESSION_NAMES as [CompressionName, ...CompressionName[]]).default('none'),
  retentionMs: z.int().min(-1).optional(),
  maxMessageBytes: z.int().min(1).max(2 ** 31 - 1).optional(),
});

/** Validates topic specs (names follow Kafka's rules, no duplicates) and applies defaults. */
export function resolveTopicSpecs(specs: readonly TopicSpec[]): ResolvedTopicSpec[] {
  const seen = new Set<string>();
  return specs.map((spec, i) => {
    const resolved = parseOptions(topicSpecSchema, spec, `topics[${i}]`);
    assertValidTopicName(resolved.name, `topics[${i}].name`);
    if (seen.has(resolved.name)) throw new InvalidOptionError(`topics[${i}].name`, resolved.name, 'must be unique: give each topic one spec');
    seen.add(resolved.name);
    return resolved;
  });
}

/** Kafka topic configuration entries for a spec. */
export function topicConfigEntries(spec: ResolvedTopicSpec): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [];
  if (spec.retentionMs !== undefined) entries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  if (spec.maxMessageBytes !== undefined) entries.push({ name: 'max.message.bytes', value: String(spec.maxMessageBytes) });
  return entries;
}
