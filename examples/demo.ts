/**
 * `npm run demo`: recorded NASA FIRMS detections and NWS weather observations go through
 * firestream's config, routing, partition keys, enrichment and producer layer into a real Kafka
 * broker, and are read back and checked record by record.
 *
 * Uses `KAFKA_BROKERS` when set; otherwise starts the same local broker the tests use.
 */
import { fileURLToPath } from 'node:url';
import {
  KafkaJsProducer,
  PartitionKeyer,
  RECORD_ID_HEADER,
  SOURCE_ID_HEADER,
  TopicResolver,
  createEnvelope,
  enrichBatch,
  enricherFromConfig,
  kafkaJsProducerOptionsFromConfig,
  loadConfig,
  Priority,
  partitionKeyerOptionsFromConfig,
  topicResolverOptionsFromConfig,
} from '../src/index.js';
import type { TopicBatch } from '../src/index.js';
import { readFirmsCsv, readNwsObservations } from './demo/fixtures.js';
import type { ParsedFixture } from './demo/fixtures.js';
import { demoKafka } from './demo/local-kafka.js';
import { verifyReadBack } from './demo/read-back.js';
import type { SentRecord } from './demo/read-back.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const log = (message: string): void => console.log(message);

async function main(): Promise<number> {
  const kafka = await demoKafka((m) => log(`[kafka] ${m}`));
  log(`Kafka: ${kafka.brokers.join(',')} (${kafka.origin})`);
  try {
    return await run(kafka.brokers);
  } finally {
    await kafka.release();
  }
}

async function run(brokers: string[]): Promise<number> {
  const config = await loadConfig(here('./stream_config.example.yaml'), { overrides: { kafka: { bootstrapServers: brokers } } });
  const resolver = new TopicResolver(topicResolverOptionsFromConfig(config));
  const keyer = new PartitionKeyer(partitionKeyerOptionsFromConfig(config));
  const enrich = enricherFromConfig(config);
  const producer = new KafkaJsProducer(kafkaJsProducerOptionsFromConfig(config, { clientId: 'firestream-demo' }));

  const inputs: [string, ParsedFixture][] = [
    ['firms_viirs_snpp', await readFirmsCsv(here('./fixtures/firms_viirs_snpp_nrt_california.csv'))],
    ['noaa_weather_california', await readNwsObservations(here('./fixtures/nws_observations_california.json'))],
  ];

  const ensured = await producer.ensureTopics(config.topics);
  log(`Topics: created ${ensured.created.length}, already there ${ensured.existing.length}`);
  await producer.connect();
  const sent = new Map<string, SentRecord>();
  try {
    for (const [sourceId, parsed] of inputs) {
      const started = performance.now();
      const now = Date.now();
      const enriched = enrichBatch(parsed.records, { producerId: 'firestream-demo', now, sourceId }, enrich);
      const envelopes = enriched.map((payload) => createEnvelope({ sourceId, payload, priority: Priority.NORMAL, now }));
      const batches: TopicBatch[] = [];
      for (const [topic, group] of resolver.resolveBatch(sourceId, envelopes, (e) => e.payload)) {
        const messages = group.map((e) => {
          const key = keyer.keyFor(e.payload, sourceId);
          sent.set(e.id, { topic, key });
          return { key, value: JSON.stringify(e.payload), headers: { [RECORD_ID_HEADER]: e.id, [SOURCE_ID_HEADER]: sourceId } };
        });
        batches.push({ topic, messages });
      }
      const result = await producer.send(batches);
      const ms = (performance.now() - started).toFixed(1);
      const where = result.topics.map((t) => `${t.topic} ×${t.count} (${producer.compressionFor(t.topic)})`).join(', ');
      log(`${sourceId}: ${result.messageCount} records → ${where} in ${ms} ms; ${parsed.rejected.length} rows rejected`);
      for (const reject of parsed.rejected) log(`  rejected: ${reject.reason}: ${reject.input}`);
    }
  } finally {
    await producer.disconnect();
  }

  const keys = keyer.getMetrics();
  log(`Partition keys: ${JSON.stringify(keys)}`);
  const check = await verifyReadBack(brokers, sent);
  log(`Read back ${check.received} of ${sent.size} records in ${check.ms} ms: ${check.missing.length} missing, ${check.duplicates.length} duplicated, ${check.misplaced.length} on the wrong topic or key`);
  const ok = check.missing.length === 0 && check.duplicates.length === 0 && check.misplaced.length === 0;
  log(ok ? 'OK: every record arrived exactly once, where it was sent.' : 'FAILED: see the counts above.');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
