import { z } from 'zod';
import { topicSpecSchema } from '../../producer/topic-spec.js';
import type { TopicSpec } from '../../producer/topic-spec.js';
import { compressionSchema } from './kafka.js';
import { ALWAYS, readable } from './refine.js';
import { topicNameSchema } from './topic-name.js';

/**
 * One topic firestream writes to, in the canonical shape the producer layer uses
 * (`{ name, partitions, replicationFactor, compression, retentionMs?, maxMessageBytes? }`).
 * Limits come from the producer's topic-spec schema, so the two never disagree.
 */
export const TopicSpecSchema = z.strictObject({
  name: topicNameSchema.describe("Topic name (Kafka's rules: 1-249 characters from a-z A-Z 0-9 . _ -, not . or ..)."),
  partitions: topicSpecSchema.shape.partitions.describe('Number of partitions.'),
  replicationFactor: topicSpecSchema.shape.replicationFactor.describe('Replication factor.'),
  compression: compressionSchema.default('none').describe('Compression the producer uses for this topic (`compression_type` in older files).'),
  retentionMs: topicSpecSchema.shape.retentionMs.describe('`retention.ms` of the topic (-1 keeps forever); the broker default when absent.'),
  maxMessageBytes: topicSpecSchema.shape.maxMessageBytes.describe('`max.message.bytes` of the topic; the broker default when absent.'),
});

/** Room for the 48-byte image header and Kafka's record overhead on top of a 20 MiB direct image. */
const IMAGERY_MAX_MESSAGE_BYTES = 22_020_096; // 21 MiB

/**
 * The topics of the wildfire preset. `wildfire-default` and `wildfire-dlq` have no partition count in
 * the design table: 3 partitions each; the DLQ is uncompressed so that dead-lettering never depends
 * on a compression codec being available.
 */
export const DEFAULT_TOPICS: readonly Readonly<TopicSpec>[] = Object.freeze(
  (
    [
      { name: 'wildfire-nasa-firms', partitions: 6, compression: 'zstd' },
      { name: 'wildfire-weather-data', partitions: 12, compression: 'zstd' },
      { name: 'wildfire-iot-sensors', partitions: 16, compression: 'zstd' },
      { name: 'wildfire-satellite-imagery', partitions: 10, compression: 'none', maxMessageBytes: IMAGERY_MAX_MESSAGE_BYTES },
      { name: 'wildfire-weather-bulk', partitions: 8, compression: 'zstd' },
      { name: 'wildfire-critical-alerts', partitions: 3, compression: 'none' },
      { name: 'wildfire-default', partitions: 3, compression: 'zstd' },
      { name: 'wildfire-dlq', partitions: 3, compression: 'none' },
    ] as const
  ).map((topic) => Object.freeze({ replicationFactor: 1, ...topic })),
);

/**
 * The list of topics; names must be unique, and every topic the configuration names must be in it
 * (so that `ensureTopics(config.topics)` creates everything the pipeline writes to). The wildfire
 * preset when absent. In files, a list replaces the preset, while a map (`{ <name>: {…} }`) merges
 * into it by name.
 */
export const TopicsSchema = z
  .array(TopicSpecSchema)
  .prefault(() => DEFAULT_TOPICS.map((topic) => ({ ...topic })))
  .superRefine((topics: unknown, ctx) => {
    if (!Array.isArray(topics)) return;
    const seen = new Set<string>();
    (topics as z.output<typeof TopicSpecSchema>[]).forEach((topic, i) => {
      if (!readable(ctx, [i, 'name'])) return;
      if (seen.has(topic.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate topic "${topic.name}": give each topic one entry` });
      seen.add(topic.name);
    });
  }, ALWAYS);
