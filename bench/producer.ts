/**
 * Producer-layer overhead: the same batches through a bare kafkajs producer and through
 * KafkaJsProducer (same brokers, acks=all, codec, batch size), in alternating (ABBA) rounds so drift
 * and warm-up hit both alike. Reports records/s and the ratio firestream / raw for each codec.
 */
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { KafkaJsProducer } from '../src/producer/kafkajs-producer.js';
import type { CompressionName } from '../src/producer/codecs/codec.js';
import { kafkaCompressionType } from '../src/producer/codecs/register-codecs.js';
import { RECORD_ID_HEADER } from '../src/core/record.js';
import { demoKafka } from '../examples/demo/local-kafka.js';
import { printTable, writeResult } from './report.js';
import { round } from './timing.js';

const BATCH = 500;
const BATCHES_PER_ROUND = 20;
const ROUNDS = 6;
const CODECS: CompressionName[] = ['none', 'zstd'];

/** The records as both clients take them (string values and headers, no timestamp). */
interface BenchMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

function batches(): BenchMessage[][] {
  return Array.from({ length: BATCHES_PER_ROUND }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      const value = JSON.stringify({ latitude: 32.5 + (n % 9500) / 1000, longitude: -124.5 + (n % 10400) / 1000, bright_ti4: 300 + (n % 80), frp: (n % 500) / 10, acq_date: '2026-08-14', acq_time: '1209', satellite: 'N', confidence: 'n', version: '2.0NRT', daynight: 'D', scan: 0.4, track: 0.38 });
      return { key: `geo_${n % 97}_${n % 16}`, value, headers: { [RECORD_ID_HEADER]: randomUUID() } };
    }),
  );
}

async function timeRound(send: (messages: BenchMessage[]) => Promise<unknown>, data: BenchMessage[][]): Promise<number> {
  const start = performance.now();
  for (const messages of data) await send(messages);
  return performance.now() - start;
}

/** Runs the producer-overhead scenario against `KAFKA_BROKERS` or a local broker. */
export async function runProducerBench(): Promise<void> {
  const kafka = await demoKafka((m) => console.log(`[kafka] ${m}`));
  try {
    const client = new kafkajs.Kafka({ clientId: 'bench-raw', brokers: kafka.brokers, logLevel: kafkajs.logLevel.NOTHING });
    const raw = client.producer({ allowAutoTopicCreation: false, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    const results = [];
    for (const codec of CODECS) {
      const ours = new KafkaJsProducer({ brokers: kafka.brokers, clientId: 'bench-firestream', allowAutoTopicCreation: false });
      const topic = `bench-producer-${codec}-${Date.now()}`;
      await ours.ensureTopics([{ name: topic, partitions: 6, compression: codec }]);
      await Promise.all([ours.connect(), raw.connect()]);
      const data = batches();
      const sendRaw = (messages: BenchMessage[]) => raw.sendBatch({ acks: -1, compression: kafkaCompressionType(codec), topicMessages: [{ topic, messages }] });
      const sendOurs = (messages: BenchMessage[]) => ours.send([{ topic, messages }]);
      await timeRound(sendRaw, data.slice(0, 2)); // warm up connections and the JIT
      await timeRound(sendOurs, data.slice(0, 2));
      let rawMs = 0;
      let oursMs = 0;
      for (let r = 0; r < ROUNDS; r++) {
        // ABBA order: whichever runs second in a pair gets warmer caches, so alternate who that is.
        if (r % 2 === 0) {
          rawMs += await timeRound(sendRaw, data);
          oursMs += await timeRound(sendOurs, data);
        } else {
          oursMs += await timeRound(sendOurs, data);
          rawMs += await timeRound(sendRaw, data);
        }
      }
      await ours.disconnect();
      const records = ROUNDS * BATCHES_PER_ROUND * BATCH;
      results.push({ codec, records, rawRecordsPerSec: Math.round(records / (rawMs / 1000)), firestreamRecordsPerSec: Math.round(records / (oursMs / 1000)), ratio: round(rawMs / oursMs, 3) });
    }
    await raw.disconnect();
    console.log(`${BATCH}-record batches, acks=all, one batch in flight, ${ROUNDS} alternating rounds of ${BATCHES_PER_ROUND} batches`);
    printTable(['codec', 'raw kafkajs rec/s', 'KafkaJsProducer rec/s', 'ratio'], results.map((r) => [r.codec, r.rawRecordsPerSec, r.firestreamRecordsPerSec, r.ratio]));
    console.log(`wrote ${writeResult('producer', { settings: { batch: BATCH, batchesPerRound: BATCHES_PER_ROUND, rounds: ROUNDS, acks: -1, kafkajs: '2.2.4' }, results })}`);
  } finally {
    await kafka.release();
  }
}
