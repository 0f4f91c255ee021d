import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';
import { chunkMessages, ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import type { ChunkAddResult } from '../../src/imagery/reassembly-types.js';
import { KafkaJsProducer } from '../../src/producer/kafkajs-producer.js';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { readBack, testKafka } from '../producer/kafka-read-back.js';

const TOPIC_MAX_MESSAGE_BYTES = 64 * 1024;

describe('image chunks through a real broker', () => {
  let admin: Admin;
  let producer: KafkaJsProducer;
  let topic: string;

  beforeAll(async () => {
    admin = testKafka(kafkaBrokers()).admin();
    await admin.connect();
    producer = new KafkaJsProducer({ brokers: kafkaBrokers(), clientId: 'image-chunks' });
    await producer.connect();
    topic = uniqueTopic('image-chunks');
    await producer.ensureTopics([{ name: topic, partitions: 3, maxMessageBytes: TOPIC_MAX_MESSAGE_BYTES }]);
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it("sizes chunks to the topic's max.message.bytes, and the consumer side gets the image back", async () => {
    const image = randomBytes(400_000);
    const manager = new ImageChunkManager({ topicMaxMessageBytes: TOPIC_MAX_MESSAGE_BYTES });
    const set = manager.createChunks(image, { sourceId: 'landsat_9_oli', format: 'unknown' });
    expect(set.total).toBe(7);
    // One chunk per request: the broker checks max.message.bytes per record batch.
    for (const message of chunkMessages(set)) await producer.send([{ topic, messages: [message] }]);

    const consumed = await readBack(testKafka(kafkaBrokers()), topic, set.total);
    expect(new Set(consumed.map((m) => m.partition)).size).toBe(1);
    expect(consumed.map((m) => String(m.headers['firestream-image-id']))).toEqual(new Array(set.total).fill(set.imageId));
    const reassembler = new ImageReassembler();
    // Redeliver the first chunk too, as a consumer restart would.
    const results: ChunkAddResult[] = [...consumed, consumed[0]!].map((m) => reassembler.addChunk(m.value as Buffer));
    const complete = results.find((r) => r.status === 'complete');
    expect(complete?.status === 'complete' && complete.image.equals(image)).toBe(true);
    expect(results.at(-1)).toMatchObject({ status: 'duplicate', afterCompletion: true });
  });

  it('is refused by the broker when all chunks of an image go in one request (one batch over the limit)', async () => {
    const set = new ImageChunkManager({ topicMaxMessageBytes: TOPIC_MAX_MESSAGE_BYTES }).createChunks(randomBytes(200_000), { sourceId: 'goes_18' });
    const err = await producer.send([{ topic, messages: chunkMessages(set) }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FirestreamError);
    expect((err as FirestreamError).code).toBe(ErrorCodes.RECORD_TOO_LARGE);
  });
});
