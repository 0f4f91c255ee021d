/**
 * firestream: move data from many sources into Apache Kafka with priorities, backpressure and no
 * silent data loss.
 *
 * @packageDocumentation
 */
export {
  ErrorCodes,
  FirestreamError,
  ConfigError,
  InvalidOptionError,
  isFirestreamError,
  formatIssue,
  describeValue,
} from './errors.js';
export type { ErrorCode, FirestreamErrorOptions, ConfigIssue } from './errors.js';
export { Priority, PRIORITY_NAMES, ALL_PRIORITIES, PRIORITY_LATENCY_TARGET_MS, priorityName, parsePriority } from './priority/priority.js';
export type { PriorityName } from './priority/priority.js';
export { createEnvelope, RECORD_ID_HEADER, SOURCE_ID_HEADER } from './core/record.js';
export type { RecordEnvelope, RecordPayload, CreateEnvelopeOptions } from './core/record.js';
export { silentLogger } from './core/logger.js';
export type { Logger } from './core/logger.js';
export { systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
export { TypedEmitter } from './core/events.js';
export { TokenBucket } from './core/token-bucket.js';
export type { TokenBucketOptions } from './core/token-bucket.js';
export { TopicResolver, DEFAULT_TOPIC_CACHE_SIZE } from './routing/topic-resolver.js';
export type { TopicResolverOptions, TopicResolverMetrics, ContentRule, ContentRuleValue, TopicPattern, ResolutionLevel } from './routing/topic-resolver.js';
export { assertValidTopicName, isValidTopicName, topicNameProblem, MAX_TOPIC_NAME_LENGTH } from './routing/topic-names.js';
export { WildfireTopics, DEFAULT_TOPIC, DEFAULT_TOPIC_PATTERNS, WILDFIRE_SOURCE_RULES, classifyWildfireSource } from './routing/wildfire-sources.js';
export type { WildfireDataCategory, WildfireSourceRule } from './routing/wildfire-sources.js';
export { readCoordinates, coordinatesOf, COORDINATE_PROBLEMS } from './routing/coordinates.js';
export type { Coordinates, CoordinateProblem } from './routing/coordinates.js';
export { geoGridKey, geoGridCell, geohashKey, sourceIdKey, assertGeohashPrecision, DEFAULT_GEOHASH_PRECISION } from './routing/partition-keys.js';
export { PartitionKeyer } from './routing/partition-keyer.js';
export type {
  PartitionKeyStrategy,
  PartitionKeyStrategyName,
  PartitionKeyFunction,
  PartitionKeyFallbackReason,
  PartitionKeyerOptions,
  PartitionKeyerMetrics,
} from './routing/partition-keyer.js';
export { composeEnrichers, createEnrichers, enrichBatch, checkContext, defaultEnricher, DEFAULT_ENRICHERS, ENRICHER_NAMES } from './routing/enrichers.js';
export type { Enricher, EnricherName, EnrichmentContext } from './routing/enrichers.js';
export { ingestionMetadataEnricher, createIngestionMetadataEnricher, isoTimestamp } from './routing/ingestion-metadata-enricher.js';
export type { IngestionMetadata } from './routing/ingestion-metadata-enricher.js';
export { californiaRelevanceEnricher, isInCalifornia, CALIFORNIA_BOUNDS } from './routing/california-relevance-enricher.js';
export { wildfireContextEnricher, createWildfireContextEnricher, DEFAULT_FIRE_SEASON_MONTHS } from './routing/wildfire-context-enricher.js';
export type { WildfireContext, WildfireContextOptions } from './routing/wildfire-context-enricher.js';
export { KafkaJsProducer } from './producer/kafkajs-producer.js';
export type { EnsureTopicsResult } from './producer/kafkajs-producer.js';
export type { KafkaJsProducerOptions } from './producer/kafkajs-options.js';
export type { KafkaLogLevelName } from './producer/kafkajs-logging.js';
export { DEFAULT_PRODUCER_TIMEOUT_MS, EMPTY_SEND_RESULT } from './producer/record-producer.js';
export type {
  RecordProducer,
  TopicBatch,
  OutgoingMessage,
  SendResult,
  TopicSendResult,
  PartitionAck,
  ProducerHealth,
  ProducerCallOptions,
} from './producer/record-producer.js';
export type { FailedTopic } from './producer/send-groups.js';
export { topicSpecSchema } from './producer/topic-spec.js';
export type { TopicSpec } from './producer/topic-spec.js';
export { registerCompressionCodecs, registeredCompressionCodecs, MIN_MAX_DECOMPRESSED_BYTES } from './producer/codecs/register-codecs.js';
export type { CompressionCodecOptions, RegisteredCodecs } from './producer/codecs/register-codecs.js';
export { COMPRESSION_NAMES, DEFAULT_MAX_DECOMPRESSED_BYTES } from './producer/codecs/codec.js';
export type { CompressionName } from './producer/codecs/codec.js';
export type { ZstdBackendName } from './producer/codecs/zstd-backends.js';
export { loadConfig, resolveConfig } from './config/load-config.js';
export type { LoadConfigOptions, ResolveConfigOptions } from './config/load-config.js';
export { redactConfig } from './config/redact.js';
export { REDACTED, TRUNCATED, DEFAULT_REDACT_DEPTH, redactDeep, isSecretKey, stripUrlCredentials, scrubString } from './core/secrets.js';
export type { RedactOptions, SecretPath } from './core/secrets.js';
export { MAX_CONFIG_FILE_BYTES, MAX_CONFIG_DEPTH } from './config/limits.js';
export { ENV_PREFIX, CONFIG_PATH_ENV } from './config/env-overrides.js';
export { CONFIG_FILE_EXTENSIONS, readConfigFile } from './config/read-config-file.js';
export { StreamConfigSchema, DEFAULT_TOPICS, DEFAULT_PRIORITY_RULES, DEFAULT_CRITICAL_ALLOW_LIST, TopicSpecSchema, topicNameSchema } from './config/schema/index.js';
export type { StreamConfig, StreamConfigInput, SourceConfig, TopicConfig } from './config/schema/index.js';
export { kafkaJsProducerOptionsFromConfig, topicResolverOptionsFromConfig, partitionKeyerOptionsFromConfig, enricherFromConfig } from './config/component-options.js';
export { PriorityAssigner, DEFAULT_PRIORITY_CACHE_SIZE } from './priority/priority-assigner.js';
export type {
  PriorityAssignerOptions,
  PriorityAssignerEvents,
  PriorityAssignerMetrics,
  PrioritySplit,
  NonAllowListedCriticalEvent,
  CriticalDemotedEvent,
} from './priority/priority-assigner.js';
export type { PriorityRule, PriorityLike, PriorityDecision, PriorityDecisionLevel } from './priority/priority-rules.js';
export type { CriticalDemotionReason } from './priority/critical-rate-limiter.js';
export { BackpressureManager } from './queue/backpressure-manager.js';
export type { BackpressureManagerOptions } from './queue/backpressure-options.js';
export { BackpressureState, BACKPRESSURE_STATES } from './queue/backpressure-state.js';
export type { BackpressureThresholds } from './queue/backpressure-state.js';
export type {
  AdmissionDecision,
  BatchAdmission,
  BackpressureManagerEvents,
  BackpressureMetrics,
  BackpressureStateChangeEvent,
  BackpressureProfileChangeEvent,
} from './queue/backpressure-types.js';
export { priorityAssignerOptionsFromConfig, backpressureOptionsFromConfig } from './config/queue-layer-options.js';
export { ThrottlingManager } from './throttling/throttling-manager.js';
export type { CheckAndThrottleOptions, RefreshLagOptions, ThrottleOutcome, ThrottleEvent, ThrottlingEvents, ThrottlingMetrics } from './throttling/throttling-manager.js';
export type { ThrottleAction, ThrottleDecision } from './throttling/backoff-state.js';
export type { LagWindowStats } from './throttling/lag-window.js';
export type { LagSource, LagReadOptions } from './throttling/lag-source.js';
export { KafkaLagSource, DEFAULT_LAG_READ_TIMEOUT_MS } from './throttling/kafka-lag-source.js';
export type { KafkaLagSourceOptions, KafkaConnectionOptions, PartitionLag, ConsumerLagReport } from './throttling/kafka-lag-source.js';
export { QueueFillLagSource, DEFAULT_QUEUE_FILL_LAG_FACTOR } from './throttling/queue-fill-lag-source.js';
export type { QueueFillLagSourceOptions } from './throttling/queue-fill-lag-source.js';
export { abortableSleep } from './throttling/sleep.js';
export type { Sleep } from './throttling/sleep.js';
export type { ThrottlingManagerOptions, ThrottlingRuntimeOptions, ThrottlingSettings, ThrottlingSettingsInput, DecisionLag } from './throttling/throttling-options.js';
export { throttlingManagerOptionsFromConfig, kafkaLagSourceOptionsFromConfig, queueFillLagSourceOptionsFromConfig } from './config/throttling-options.js';
export { BinaryImageSerializer, MAX_IMAGE_BYTES_LIMIT, DEFAULT_SKIP_COMPRESSION_FORMATS } from './imagery/binary-image-serializer.js';
export type { BinaryImageSerializerOptions, SerializedImage, DeserializedImage, DeserializeImageOptions, BinaryImageSerializerMetrics } from './imagery/binary-image-serializer.js';
export { detectFormat, isImageData, imageBytesOf, imageFormatCode, imageFormatOfCode, IMAGE_FORMATS, IMAGE_DATA_FIELDS, HDF5_MAX_SIGNATURE_OFFSET } from './imagery/image-format.js';
export type { ImageFormat } from './imagery/image-format.js';
export { readImageHeader, IMAGE_HEADER_BYTES, IMAGE_PACKET_MAGIC, IMAGE_PACKET_VERSION, MAX_IMAGE_PACKET_SIZE, IMAGE_COMPRESSIONS } from './imagery/image-header.js';
export type { ImageHeader, ImageCompression } from './imagery/image-header.js';
export type { ImageCompressionMode } from './imagery/image-compression.js';
export type { ImageCorruptReason } from './imagery/image-errors.js';
export { createCorrelationId, parseCorrelationId, CORRELATION_HASH_HEX_CHARS } from './imagery/correlation-id.js';
export type { CorrelationIdParts } from './imagery/correlation-id.js';
export { DEFAULT_MAX_METADATA_BYTES } from './imagery/image-metadata.js';
export type { ImageMetadataInput, ImageMetadataMessage, JsonValue } from './imagery/image-metadata.js';
export type { ZstdBackend } from './producer/codecs/zstd-backends.js';
export { ImageChunkManager, chunkMessages } from './imagery/image-chunk-manager.js';
export type { CreateChunksMeta, ImageChunk, ImageChunkSet, ImageChunkManagerMetrics } from './imagery/image-chunk-manager.js';
export { ImageReassembler } from './imagery/image-reassembler.js';
export type {
  ChunkAddResult,
  ChunkPending,
  ChunkDuplicate,
  ImageComplete,
  IncompleteReason,
  ImageIncompleteEvent,
  ImageCompleteEvent,
  ImageCorruptEvent,
  ImageSupersededEvent,
  ChunkRejectReason,
  ChunkRejectedEvent,
  ImageReassemblerEvents,
  ImageReassemblerMetrics,
} from './imagery/reassembly-types.js';
export {
  parseImageChunk,
  verifyChunkData,
  chunkHeaderBytes,
  chunkCount,
  CHUNK_MAGIC,
  CHUNK_FORMAT_VERSION,
  CHUNK_FIXED_HEADER_BYTES,
  CHUNK_FLAG_SERIALIZED,
  MAX_CHUNK_COUNT,
} from './imagery/chunk-header.js';
export type { ImageChunkHeader, ParsedImageChunk, ParseImageChunkOptions } from './imagery/chunk-header.js';
export {
  imageChunkManagerOptionsFromConfig,
  imageReassemblerOptionsFromConfig,
  KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_RECORD_OVERHEAD_BYTES,
  DEFAULT_REMEMBER_COMPLETED,
  DEFAULT_REMEMBER_DROPPED,
  DEFAULT_EVICT_AFTER_IDLE_MS,
  MAX_CHUNK_SIZE_BYTES,
} from './imagery/chunk-options.js';
export type { ImageChunkManagerOptions, ImageReassemblerOptions } from './imagery/chunk-options.js';
export {
  createImageId,
  sanitizeImageSource,
  isValidImageId,
  IMAGE_ID_PATTERN,
  MAX_IMAGE_ID_LENGTH,
  MAX_IMAGE_ID_SOURCE_LENGTH,
  IMAGE_ID_HASH_LENGTH,
  IMAGE_KIND_HEADER,
  IMAGE_ID_HEADER,
  IMAGE_KIND_CHUNK,
} from './imagery/image-id.js';
export { QueueManager } from './queue/queue-manager.js';
export { QueueFullError } from './queue/queue-errors.js';
export type { QueueFullDetails, QueueFullOptions } from './queue/queue-errors.js';
export { DEFAULT_BLOCK_TIMEOUT_MS } from './queue/queue-options.js';
export type { QueueManagerOptions, QueueSettings, QueueSettingsInput } from './queue/queue-options.js';
export { DROP_REASONS } from './queue/queue-types.js';
export type {
  DropReason,
  SpillReason,
  SpillSink,
  EnqueueResult,
  EnqueueOptions,
  TryDequeueOptions,
  DequeueOptions,
  DropEvent,
  PromoteEvent,
  SpillEvent,
  SpillErrorEvent,
  FullEvent,
  CapacityChangeEvent,
  QueueEvents,
  PriorityCounts,
  QueueMetrics,
} from './queue/queue-types.js';
export { linkQueueCapacity } from './queue/capacity-link.js';
export type { CapacityTarget } from './queue/capacity-link.js';
export { LatencyHistogram } from './core/latency-histogram.js';
export type { LatencySnapshot } from './core/latency-histogram.js';
export { systemScheduler } from './core/scheduler.js';
export type { Scheduler } from './core/scheduler.js';
export type { PerPriority } from './config/schema/common.js';
export { OVERFLOW_STRATEGIES } from './config/schema/queue.js';
export type { OverflowStrategy } from './config/schema/queue.js';
export type { ObjectStore, ObjectStoreCallOptions, ObjectPutOptions, ObjectGetOptions, StoredObject, ObjectInfo } from './imagery/object-store.js';
export { DEFAULT_OBJECT_STORE_TIMEOUT_MS, DEFAULT_OBJECT_TRANSFER_TIMEOUT_MS, DEFAULT_OBJECT_MAX_BYTES } from './imagery/object-store.js';
export { validateObjectKey, objectKeyProblem, MAX_OBJECT_KEY_BYTES } from './imagery/object-key.js';
export type { ObjectStoreOperation, ObjectStoreFailureReason } from './imagery/object-store-call.js';
export { S3ObjectStore, MIN_MULTIPART_PART_BYTES } from './imagery/s3-object-store.js';
export type { S3ObjectStoreOptions, S3ConnectionConfig } from './imagery/s3-object-store.js';
export { S3ReferenceHandler } from './imagery/s3-reference-handler.js';
export type {
  S3ReferenceHandlerOptions,
  S3UploadMeta,
  S3FetchOptions,
  S3ReferenceHandlerMetrics,
  S3ReferenceHandlerEvents,
  S3VerificationFailure,
} from './imagery/s3-reference-handler.js';
export { S3ImageReferenceSchema, parseS3ImageReference } from './imagery/s3-image-reference.js';
export type { S3ImageReference, S3CompressionAlgorithm, S3ImageCorruptReason } from './imagery/s3-image-reference.js';
export { ImagePublisher } from './imagery/image-publisher.js';
export type { ImagePublisherOptions } from './imagery/image-publisher.js';
export type { PublishImageMeta, PublishImageOptions, PublishedImage, ImagePublishFailure, ImagePublisherEvents, ImagePublisherMetrics } from './imagery/image-publish-types.js';
export { ImageMessageDecoder, DEFAULT_MAX_PENDING_METADATA, MAX_IMAGE_KEY_LENGTH } from './imagery/image-message-decoder.js';
export type { ImageMessageDecoderOptions } from './imagery/image-message-decoder.js';
export type {
  IncomingImageMessage,
  AssembledImage,
  ImageDecodeResult,
  ImageDropReason,
  ImageDroppedEvent,
  ImageMessageDecoderEvents,
  ImageMessageDecoderMetrics,
} from './imagery/image-decode-types.js';
export { ImageAssembler } from './imagery/image-assembler.js';
export type { ImageAssemblerOptions } from './imagery/image-assembler.js';
export type { ImageAssemblerError, ImageAssemblerEvents, ImageAssemblerMetrics, ImageReadOptions } from './imagery/image-assembler-types.js';
export { routeBySize } from './imagery/image-routing.js';
export type { ImageSizeThresholds } from './imagery/image-routing.js';
export {
  IMAGE_CORRELATION_HEADER,
  IMAGE_KIND_METADATA,
  IMAGE_KIND_PACKET,
  IMAGE_KIND_REFERENCE,
  IMAGE_MESSAGE_KINDS,
  ImageMetadataMessageSchema,
  parseImageMetadataMessage,
  METADATA_ENVELOPE_BYTES,
  MAX_METADATA_DEPTH,
} from './imagery/image-messages.js';
export type { ImageMessageKind, ImageRoute, IncomingHeaders, ImageMessageCorruptReason } from './imagery/image-messages.js';
export { imagePipelineFromConfig, imageMessageDecoderOptionsFromConfig, imageAssemblerOptionsFromConfig } from './config/image-options.js';
export type { ImagePipeline, ImagePipelineRuntime, ImagePathRuntime, ImagesConfig } from './config/image-options.js';
