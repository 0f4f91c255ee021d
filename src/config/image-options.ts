/**
 * The image path from a validated {@link StreamConfig}: serializer, chunk manager, S3 handler and
 * publisher on the producer side, decoder and assembler options on the consumer side, all with
 * the `images` thresholds and the `maxMessageBytes` of `images.topic`.
 *
 * @module
 */
import type { Clock } from '../core/clock.js';
import { InvalidOptionError } from '../errors.js';
import { BinaryImageSerializer } from '../imagery/binary-image-serializer.js';
import { imageChunkManagerOptionsFromConfig, imageReassemblerOptionsFromConfig } from '../imagery/chunk-options.js';
import type { ImageAssemblerOptions } from '../imagery/image-assembler.js';
import { ImageChunkManager } from '../imagery/image-chunk-manager.js';
import type { ImageMessageDecoderOptions } from '../imagery/image-message-decoder.js';
import { ImagePublisher } from '../imagery/image-publisher.js';
import { ImageReassembler } from '../imagery/image-reassembler.js';
import type { ObjectStore } from '../imagery/object-store.js';
import { S3ObjectStore } from '../imagery/s3-object-store.js';
import { S3ReferenceHandler } from '../imagery/s3-reference-handler.js';
import type { RecordProducer } from '../producer/record-producer.js';
import { kafkaJsProducerOptionsFromConfig } from './component-options.js';
import type { StreamConfig } from './schema/index.js';

/** What the configuration file cannot hold: the producer, the object store and the clock. */
export interface ImagePathRuntime {
  /** Object store of images over `chunkedMaxBytes` (default: an `S3ObjectStore` from `images.s3`, when that is set). */
  objectStore?: ObjectStore;
  /** Time source (default the system clock). */
  clock?: Clock;
}

/** Producer-side runtime of {@link imagePipelineFromConfig}. */
export interface ImagePipelineRuntime extends ImagePathRuntime {
  /** The producer the publisher writes with (connected by you). */
  producer: RecordProducer;
}

/** The producer side of the image path, built from the configuration. */
export interface ImagePipeline {
  /** Serializer of direct images. */
  readonly serializer: BinaryImageSerializer;
  /** Chunker of images over `directMaxBytes`. */
  readonly chunkManager: ImageChunkManager;
  /** S3 route, when an object store is configured or given. */
  readonly s3?: S3ReferenceHandler;
  /** Publishes images by size with the parts above. */
  readonly publisher: ImagePublisher;
}

/** The parts of a validated {@link StreamConfig} the image path reads: `images` and `topics`. */
export type ImagesConfig = Pick<StreamConfig, 'images' | 'topics'>;

function checkEnabled(config: ImagesConfig): void {
  if (!config.images.enabled) throw new InvalidOptionError('images.enabled', false, 'must be true to build the image path');
}

/** The S3 route: the given store, or an `S3ObjectStore` from `images.s3`; `undefined` when neither exists. */
function s3HandlerFromConfig(config: ImagesConfig, runtime: ImagePathRuntime): S3ReferenceHandler | undefined {
  const { images } = config;
  const store = runtime.objectStore ?? (images.s3 === undefined ? undefined : S3ObjectStore.fromConfig(images.s3));
  if (store === undefined) return undefined;
  return new S3ReferenceHandler({
    store,
    ...(images.s3 === undefined ? {} : { prefix: images.s3.prefix }),
    directMaxBytes: images.directMaxBytes,
    chunkedMaxBytes: images.chunkedMaxBytes,
    minCompressionSavings: images.minCompressionSavings,
    ...(runtime.clock === undefined ? {} : { clock: runtime.clock }),
  });
}

function serializerFromConfig(config: ImagesConfig, clock: Clock | undefined): BinaryImageSerializer {
  const { directMaxBytes, minCompressionSavings } = config.images;
  return new BinaryImageSerializer({ maxImageBytes: directMaxBytes, minCompressionSavings, ...(clock === undefined ? {} : { clock }) });
}

/**
 * The producer side of the image path from the `images` and `topics` sections: a serializer
 * (`maxImageBytes` = `directMaxBytes`), a chunk manager sized to the topic, the S3 route when
 * `images.s3` is set (or `runtime.objectStore` given), and an {@link ImagePublisher} on
 * `images.topic` with the topic's `maxMessageBytes` (Kafka's default 1,048,588 bytes when the topic
 * declares none).
 *
 * @throws {@link InvalidOptionError} when `images.enabled` is false.
 */
export function imagePipelineFromConfig(config: ImagesConfig, runtime: ImagePipelineRuntime): ImagePipeline {
  checkEnabled(config);
  const { images } = config;
  const { clock } = runtime;
  const serializer = serializerFromConfig(config, clock);
  const chunkOptions = imageChunkManagerOptionsFromConfig(config);
  const chunkManager = new ImageChunkManager({ ...chunkOptions, ...(clock === undefined ? {} : { clock }) });
  const s3 = s3HandlerFromConfig(config, runtime);
  const publisher = new ImagePublisher({
    producer: runtime.producer,
    topic: images.topic,
    serializer,
    chunkManager,
    ...(s3 === undefined ? {} : { s3 }),
    directMaxBytes: images.directMaxBytes,
    chunkedMaxBytes: images.chunkedMaxBytes,
    ...(chunkOptions.topicMaxMessageBytes === undefined ? {} : { topicMaxMessageBytes: chunkOptions.topicMaxMessageBytes }),
    ...(clock === undefined ? {} : { clock }),
  });
  return Object.freeze({ serializer, chunkManager, ...(s3 === undefined ? {} : { s3 }), publisher });
}

/**
 * Options of an {@link ImageMessageDecoder} from the `images` section: a serializer and a
 * reassembler with its limits and timeout, and the S3 route when `images.s3` is set (or
 * `runtime.objectStore` given).
 *
 * @throws {@link InvalidOptionError} when `images.enabled` is false.
 */
export function imageMessageDecoderOptionsFromConfig(config: ImagesConfig, runtime: ImagePathRuntime = {}): ImageMessageDecoderOptions {
  checkEnabled(config);
  const { clock } = runtime;
  const s3 = s3HandlerFromConfig(config, runtime);
  return {
    serializer: serializerFromConfig(config, clock),
    reassembler: new ImageReassembler({ ...imageReassemblerOptionsFromConfig(config), ...(clock === undefined ? {} : { clock }) }),
    ...(s3 === undefined ? {} : { s3 }),
    metadataTimeoutMs: config.images.reassemblyTimeoutMs,
    ...(clock === undefined ? {} : { clock }),
  };
}

/**
 * Options of an {@link ImageAssembler} for consumer group `groupId` on `images.topic`, connected
 * with the producer's client settings (brokers, client id, TLS, SASL, timeouts), fetching up to
 * the topic's `maxMessageBytes` per partition, with a decoder from
 * {@link imageMessageDecoderOptionsFromConfig}.
 *
 * @param extra - Options the file cannot hold (logger, a kafkajs instance, buffer size, …); they win.
 * @throws {@link InvalidOptionError} when `images.enabled` is false.
 */
export function imageAssemblerOptionsFromConfig(
  config: Pick<StreamConfig, 'images' | 'topics' | 'kafka'>,
  groupId: string,
  runtime: ImagePathRuntime = {},
  extra: Partial<ImageAssemblerOptions> = {},
): ImageAssemblerOptions {
  const decoder = imageMessageDecoderOptionsFromConfig(config, runtime);
  const { brokers, clientId, ssl, sasl, requestTimeoutMs, connectionTimeoutMs } = kafkaJsProducerOptionsFromConfig(config);
  const { topicMaxMessageBytes } = imageChunkManagerOptionsFromConfig(config);
  return {
    topic: config.images.topic,
    groupId,
    decoder,
    brokers,
    clientId,
    requestTimeoutMs,
    connectionTimeoutMs,
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    ...(topicMaxMessageBytes === undefined ? {} : { maxBytesPerPartition: topicMaxMessageBytes }),
    ...extra,
  };
}
