/**
 * `npx tsx examples/images.ts`: three synthetic satellite images go to Kafka by size — a PNG in
 * one packet, a GeoTIFF in chunks, an HDF5 granule through an object store — and come back whole,
 * each checked against its SHA-256.
 *
 * Kafka: `KAFKA_BROKERS`, or a local broker as for `npm run demo`. Object store: the S3-compatible
 * server named by `S3_ENDPOINT` (with `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`, `S3_BUCKET`; see
 * docs/imagery-s3.md), or an in-memory one. Small thresholds keep the images small. Each run
 * writes to a topic and reads with a consumer group of its own, so an earlier run's messages (whose
 * S3 objects may be gone) are never read, and a local broker is released whatever happens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ImageAssembler,
  KafkaJsProducer,
  S3ObjectStore,
  imageAssemblerOptionsFromConfig,
  imagePipelineFromConfig,
  kafkaJsProducerOptionsFromConfig,
  loadConfig,
} from 'firestream';
import type { ObjectStore } from 'firestream';
import { InMemoryObjectStore } from 'firestream/testing';
import { demoKafka } from './demo/local-kafka.js';

const MiB = 1_048_576;
const run = randomUUID().slice(0, 8);
const topic = `wildfire-satellite-imagery-example-${run}`;
const kafka = await demoKafka((message) => console.log(`[kafka] ${message}`));
try {
  const config = await loadConfig(fileURLToPath(new URL('./stream_config.example.yaml', import.meta.url)), {
    overrides: {
      kafka: { bootstrapServers: kafka.brokers },
      // A map merges by name: this run's own topic, next to the file's.
      topics: { [topic]: { partitions: 1, compression: 'none', max_message_bytes: 22_020_096 } },
      images: { topic, directMaxBytes: MiB, chunkedMaxBytes: 8 * MiB, chunkSizeBytes: MiB / 2 },
    },
  });
  const { S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET = 'firestream' } = process.env;
  const objectStore: ObjectStore = S3_ENDPOINT
    ? new S3ObjectStore({ endpoint: S3_ENDPOINT, bucket: S3_BUCKET, accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY, forcePathStyle: true })
    : new InMemoryObjectStore();

  const producer = new KafkaJsProducer(kafkaJsProducerOptionsFromConfig(config, { clientId: 'firestream-images' }));
  await producer.ensureTopics(config.topics.filter((t) => t.name === topic));
  await producer.connect();
  const { publisher } = imagePipelineFromConfig(config, { producer, objectStore });

  /** Random bytes behind a real magic number: what a PNG, GeoTIFF or HDF5 file starts with. */
  const image = (magic: number[], size: number): Buffer => Buffer.concat([Buffer.from(magic), randomBytes(size - magic.length)]);
  const sent = new Map<string, string>(); // correlation id → SHA-256
  for (const [name, bytes] of [
    ['PNG', image([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 200_000)],
    ['GeoTIFF', image([0x49, 0x49, 0x2a, 0x00], 3 * MiB)],
    ['HDF5', image([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 9 * MiB)],
  ] as const) {
    const published = await publisher.publish(bytes, { sourceId: 'landsat_9', attributes: { name } });
    sent.set(published.correlationId, published.sha256);
    console.log(`${name}: ${bytes.length} bytes → ${published.route}, ${published.messages} messages`);
  }
  await producer.disconnect();

  // A new consumer group reads this run's topic from its start.
  const assembler = new ImageAssembler(imageAssemblerOptionsFromConfig(config, `images-example-${run}`, { objectStore }, { fromBeginning: true }));
  assembler.on('error', ({ error, offset }) => console.error(`message at offset ${offset ?? '-'} refused: ${String(error)}`));
  for await (const got of assembler.images({ signal: AbortSignal.timeout(60_000) })) {
    if (sent.get(got.correlationId) !== got.sha256) continue; // read again (delivery is at least once)
    sent.delete(got.correlationId);
    console.log(`back: ${String(got.metadata?.metadata['name'])} via ${got.route}, ${got.bytes.length} bytes, SHA-256 ${got.sha256.slice(0, 16)}… verified`);
    if (sent.size === 0) break;
  }
} finally {
  await kafka.release();
}
