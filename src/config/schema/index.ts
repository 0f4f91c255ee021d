/**
 * The firestream configuration schema: the single source of truth for every setting, its
 * default and its limits. Types are inferred from it.
 *
 * Units are in the key names (`…Ms`, `…Seconds`, `…Bytes`); ratios are fractions 0..1.
 *
 * @module
 */
import { z } from 'zod';
import { BackpressureSchema } from './backpressure.js';
import { BufferSchema } from './buffer.js';
import { checkAcrossSections } from './cross-checks.js';
import { DlqSchema } from './dlq.js';
import { ImagesSchema } from './images.js';
import { ApiClientSchema, IngestionSchema } from './ingestion.js';
import { InstanceSchema, ShutdownSchema } from './instance.js';
import { KafkaSchema } from './kafka.js';
import { MetricsSchema } from './metrics.js';
import { PrioritySchema } from './priority.js';
import { ProducerSchema } from './producer.js';
import { QueueSchema } from './queue.js';
import { ALWAYS } from './refine.js';
import { RoutingSchema } from './routing.js';
import { SourcesSchema } from './sources.js';
import { ThrottlingSchema } from './throttling.js';
import { TopicsSchema } from './topics.js';

/**
 * zod schema of the whole configuration (camelCase keys). Every section may be left out; its
 * defaults are the design defaults. Unknown keys are errors, so that typos do not pass silently.
 * Cross-field and cross-section checks run even while other settings are invalid, so one parse
 * reports every problem. `topics` is the wildfire preset when absent and replaced whole by a list;
 * every topic the configuration names must be declared in it.
 */
export const StreamConfigSchema = z
  .strictObject({
    instance: InstanceSchema.prefault({}).describe('This instance and the sources it runs.'),
    kafka: KafkaSchema.prefault({}).describe('Connection to Kafka and producer settings.'),
    priority: PrioritySchema.prefault({}).describe('How records get one of the four priorities.'),
    queue: QueueSchema.prefault({}).describe('The four bounded priority queues.'),
    backpressure: BackpressureSchema.prefault({}).describe('Admission control by queue fill.'),
    throttling: ThrottlingSchema.prefault({}).describe('Send delays by consumer lag.'),
    producer: ProducerSchema.prefault({}).describe('Retries and circuit breaker around sends.'),
    dlq: DlqSchema.prefault({}).describe('The dead-letter queue.'),
    buffer: BufferSchema.prefault({}).describe('The disk buffer for outages and shutdown.'),
    ingestion: IngestionSchema.prefault({}).describe('Ingestion-mode selection and fetch sizes.'),
    apiClient: ApiClientSchema.prefault({}).describe('Defaults of the source API clients.'),
    topics: TopicsSchema.describe('Topics firestream writes to; the wildfire preset by default.'),
    routing: RoutingSchema.prefault({}).describe('Topic resolution, partition keys and enrichment.'),
    sources: SourcesSchema.describe('The data sources (a list, or in files a map keyed by source id).'),
    images: ImagesSchema.prefault({}).describe('Binary image handling by size.'),
    metrics: MetricsSchema.prefault({}).describe('Metrics and the health/metrics HTTP server.'),
    shutdown: ShutdownSchema.prefault({}).describe('Graceful shutdown.'),
  })
  .superRefine(checkAcrossSections, ALWAYS);

/** The validated configuration, with every default applied (the output of {@link StreamConfigSchema}). */
export type StreamConfig = z.output<typeof StreamConfigSchema>;

/** What may be written in a configuration object: every key optional (the input of {@link StreamConfigSchema}). */
export type StreamConfigInput = z.input<typeof StreamConfigSchema>;

/** One source as configured, defaults applied. */
export type SourceConfig = StreamConfig['sources'][number];

/** One topic in the canonical spec shape, defaults applied. */
export type TopicConfig = StreamConfig['topics'][number];

export { DEFAULT_TOPICS, TopicSpecSchema } from './topics.js';
export { DEFAULT_CRITICAL_ALLOW_LIST, DEFAULT_PRIORITY_RULES } from './priority.js';
export { topicNameSchema, validateTopicName } from './topic-name.js';
