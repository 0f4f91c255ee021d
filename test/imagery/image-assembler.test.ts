import type { Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { ImageAssembler } from '../../src/imagery/image-assembler.js';
import type { ImageAssemblerError } from '../../src/imagery/image-assembler-types.js';
import { ImagePublisher } from '../../src/imagery/image-publisher.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import type { StoredMessage } from '../../src/testing/in-memory-producer.js';
import { sha256Hex, syntheticImage } from './image-fixtures.js';
import { rejection } from './rejection.js';
import { SeekableConsumer } from './seekable-consumer.js';

const TOPIC = 'imagery';

/** The stand-in consumer over one partition's messages. */
class FakeConsumer extends SeekableConsumer {
  constructor(messages: KafkaMessage[]) {
    super(messages.map((m) => ({ p: 0, m })));
  }
  get offsets(): string[] {
    return this.commits.map((c) => c.offset);
  }
}

function kafkaMessage(stored: StoredMessage, offset: number): KafkaMessage {
  return { key: stored.key, value: stored.value, headers: { ...stored.headers }, offset: String(offset), timestamp: '0', attributes: 0 } as KafkaMessage;
}

/** Three direct images on one partition, with a message that is not an image and a corrupt packet between the first two. */
async function topicWithImages(): Promise<{ messages: KafkaMessage[]; sha256: string[] }> {
  const producer = new InMemoryProducer({ partitions: 1 });
  await producer.connect();
  const publisher = new ImagePublisher({ producer, topic: TOPIC });
  const images = [syntheticImage('png', 500), syntheticImage('png', 600), syntheticImage('png', 700)];
  await publisher.publish(images[0]!, { sourceId: 'a' });
  const stored = [...producer.messages(TOPIC)];
  const badPacket = { ...stored[1]!, value: Buffer.concat([stored[1]!.value!, Buffer.from([0])]) };
  stored.push({ ...stored[0]!, value: Buffer.from('{}'), headers: {} }, stored[0]!, badPacket);
  producer.clear();
  for (const image of images.slice(1)) await publisher.publish(image, { sourceId: 'a' });
  stored.push(...producer.messages(TOPIC));
  return { messages: stored.map(kafkaMessage), sha256: images.map(sha256Hex) };
}

function assemblerOn(consumer: FakeConsumer, maxBufferedImages = 1): ImageAssembler {
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  return new ImageAssembler({ kafka, topic: TOPIC, groupId: 'g', maxBufferedImages, heartbeatIntervalMs: 5 });
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('ImageAssembler (with a stand-in consumer)', () => {
  it('yields the images, reports the bad message, and commits only what the loop finished', async () => {
    const { messages, sha256 } = await topicWithImages();
    // offsets: 0 metadata A, 1 packet A, 2 not an image, 3 metadata A again, 4 corrupt packet A, 5-6 image B, 7-8 image C
    const consumer = new FakeConsumer(messages);
    const assembler = assemblerOn(consumer);
    const errors: ImageAssemblerError[] = [];
    assembler.on('error', (e) => errors.push(e));
    const seen: string[] = [];
    for await (const image of assembler.images()) {
      seen.push(image.sha256);
      await tick();
      if (seen.length === 1) {
        // The loop holds A and B waits in the full buffer: reading stopped before C, and
        // nothing past A's first message is committed (the corrupt copy of A did not release it).
        expect(consumer.delivered.at(-1)).toBe('7');
        expect(consumer.offsets.every((offset) => offset === '0')).toBe(true);
      }
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(sha256.slice(0, 2));
    expect(errors.map((e) => [e.offset, e.kind, (e.error as { code?: string }).code])).toEqual([['4', 'packet', ErrorCodes.IMAGE_CORRUPT]]);
    // A finished; B held by the loop when it stopped: the group resumes at B's metadata message.
    expect(consumer.offsets.at(-1)).toBe('5');
    expect(assembler.getMetrics()).toMatchObject({ imagesYielded: 2, errors: 1, decoder: { unknownKind: 1 } });
  });

  it('ends with ABORTED when the signal aborts while waiting for an image', async () => {
    const assembler = assemblerOn(new FakeConsumer([]));
    const controller = new AbortController();
    const next = assembler.images({ signal: controller.signal }).next();
    await tick();
    controller.abort();
    expect((await rejection(next)).code).toBe(ErrorCodes.ABORTED);
    expect(assembler.getMetrics().buffered).toBe(0);
  });

  it('can be iterated once', async () => {
    const assembler = assemblerOn(new FakeConsumer([]));
    await assembler.close();
    expect((await rejection(assembler.images().next())).code).toBe(ErrorCodes.INVALID_OPTION);
  });
});
