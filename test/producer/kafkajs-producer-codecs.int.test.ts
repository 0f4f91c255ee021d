import { randomBytes, randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_ID_HEADER, SOURCE_ID_HEADER } from '../../src/core/record.js';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import type { CompressionName } from '../../src/producer/codecs/codec.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';
import type { OutgoingMessage } from '../../src/producer/record-producer.js';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { readBack, testKafka } from './kafka-read-back.js';

const RECORDS = 10_000;
const BATCH = 500;

/** A FIRMS-like detection of about 250 bytes as JSON. */
function firmsRecord(id: string, i: number): Record<string, unknown> {
  return {
    id,
    latitude: 32.5 + ((i * 7919) % 9500) / 1000,
    longitude: -124.5 + ((i * 104729) % 10400) / 1000,
    bright_ti4: 295 + (i % 80) + 0.37,
    scan: 0.39 + (i % 10) / 100,
    track: 0.36 + (i % 7) / 100,
    acq_date: '2026-08-14',
    acq_time: String(1000 + (i % 1200)).padStart(4, '0'),
    satellite: i % 2 ? 'N' : 'N20',
    confidence: ['l', 'n', 'h'][i % 3],
    version: '2.0NRT',
    bright_ti5: 280 + (i % 40) + 0.12,
    frp: (i % 500) / 10,
    daynight: i % 4 ? 'D' : 'N',
  };
}

const { CompressionCodecs, CompressionTypes } = kafkajs;
const CODEC_TYPES = { gzip: CompressionTypes.GZIP, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;

describe('KafkaJsProducer codecs against a real broker', () => {
  let producer: KafkaJsProducer;
  /** Bytes through each registered codec, observed around the real codecs (they still do the work). */
  const traffic = new Map<string, { rawIn: number; compressedOut: number; decompressed: number }>();
  const originals = new Map<number, () => unknown>();

  beforeAll(async () => {
    producer = new KafkaJsProducer({ brokers: kafkaBrokers(), clientId: 'codec-test' });
    for (const [name, type] of Object.entries(CODEC_TYPES)) {
      const original = CompressionCodecs[type] as () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
      originals.set(type, original);
      const counts = { rawIn: 0, compressedOut: 0, decompressed: 0 };
      traffic.set(name, counts);
      CompressionCodecs[type] = () => {
        const codec = original();
        return {
          async compress(encoder: { buffer: Buffer }) {
            const out = await codec.compress(encoder);
            counts.rawIn += encoder.buffer.length;
            counts.compressedOut += out.length;
            return out;
          },
          async decompress(buffer: Buffer) {
            const out = await codec.decompress(buffer);
            counts.decompressed += out.length;
            return out;
          },
        };
      };
    }
    await producer.connect();
  });
  afterAll(async () => {
    for (const [type, original] of originals) CompressionCodecs[type as keyof typeof CompressionCodecs] = original;
    await producer.disconnect();
  });

  it.each<CompressionName>(['none', 'gzip', 'lz4', 'zstd'])('writes and reads back %s-compressed batches exactly', async (codec) => {
    const topic = uniqueTopic(`codec-${codec}`);
    const ensured = await producer.ensureTopics([{ name: topic, partitions: 3, compression: codec }]);
    expect(ensured.created).toEqual([topic]);
    expect(producer.compressionFor(topic)).toBe(codec);

    const expected = new Map<string, { key: string; value: string }>();
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < RECORDS; i += 1) {
      const id = randomUUID();
      const record = firmsRecord(id, i);
      const key = `geo_${Math.floor((record.latitude as number) * 10) % 100}_${Math.floor(Math.abs(record.longitude as number) * 10) % 100}`;
      const value = JSON.stringify(record);
      expected.set(id, { key, value });
      messages.push({ key, value, headers: { [RECORD_ID_HEADER]: id, [SOURCE_ID_HEADER]: Buffer.from('firms_viirs_snpp') } });
    }
    let acknowledged = 0;
    for (let i = 0; i < messages.length; i += BATCH) {
      const result = await producer.send([{ topic, messages: messages.slice(i, i + BATCH) }]);
      acknowledged += result.messageCount;
      expect(result.topics[0]?.partitions.length).toBeGreaterThan(0);
    }
    expect(acknowledged).toBe(RECORDS);

    // The topic holds exactly the records sent: no duplicates, nothing missing.
    const admin = testKafka(kafkaBrokers()).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    expect(offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)).toBe(RECORDS);
    const got = await readBack(testKafka(kafkaBrokers()), topic, RECORDS);
    const ids = new Set<string>();
    for (const m of got) {
      const id = String(m.headers[RECORD_ID_HEADER]);
      ids.add(id);
      const want = expected.get(id);
      expect(m.topic).toBe(topic);
      expect(m.key?.toString()).toBe(want?.key);
      expect(m.value?.toString()).toBe(want?.value);
      expect(String(m.headers[SOURCE_ID_HEADER])).toBe('firms_viirs_snpp');
    }
    expect(ids.size).toBe(RECORDS);
    expect([...expected.keys()].every((id) => ids.has(id))).toBe(true);
    if (codec !== 'none') {
      // The broker stored and served compressed batches: our codec shrank them and expanded them again.
      const t = traffic.get(codec);
      expect(t && t.compressedOut < t.rawIn / 2).toBe(true);
      expect(t && t.decompressed >= t.rawIn * 0.9).toBe(true);
    }
  });

  it('rejects a message larger than the topic max.message.bytes with RECORD_TOO_LARGE', async () => {
    const topic = uniqueTopic('too-large');
    await producer.ensureTopics([{ name: topic, partitions: 1, maxMessageBytes: 10_000 }]);
    const err = await producer.send([{ topic, messages: [{ key: 'k', value: randomBytes(50_000) }] }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FirestreamError);
    expect(err).toMatchObject({ code: ErrorCodes.RECORD_TOO_LARGE, retryable: false });
    expect((err as FirestreamError).cause).toBeDefined();
  });
});
