import type { Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { ImageAssembler } from '../../src/imagery/image-assembler.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import { IMAGE_ID_HEADER } from '../../src/imagery/image-id.js';
import { ImageMessageDecoder } from '../../src/imagery/image-message-decoder.js';
import { ImagePublisher } from '../../src/imagery/image-publisher.js';
import { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import { S3ReferenceHandler } from '../../src/imagery/s3-reference-handler.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { InMemoryObjectStore } from '../../src/testing/in-memory-object-store.js';
import { InMemoryProducer } from '../../src/testing/in-memory-producer.js';
import type { StoredMessage } from '../../src/testing/in-memory-producer.js';
import { sha256Hex, syntheticImage } from './image-fixtures.js';
import { rejection } from './rejection.js';
import { SeekableConsumer } from './seekable-consumer.js';
import type { Step } from './seekable-consumer.js';

const TOPIC = 'imagery';
const km = (s: StoredMessage, offset: number, headers?: Record<string, string | Buffer>): KafkaMessage =>
  ({ key: s.key, value: s.value, headers: headers ?? { ...s.headers }, offset: String(offset), timestamp: '0', attributes: 0 }) as KafkaMessage;

/** Publishes each image alone and returns its messages. */
async function publishEach(images: Buffer[], clock: FakeClock, s3?: S3ReferenceHandler): Promise<StoredMessage[][]> {
  const producer = new InMemoryProducer({ partitions: 1, clock });
  await producer.connect();
  const chunkManager = new ImageChunkManager({ chunkSizeBytes: 1_000, maxImageBytes: 8_000, clock });
  const publisher = new ImagePublisher({ producer, topic: TOPIC, directMaxBytes: 1_000, chunkedMaxBytes: 8_000, chunkManager, ...(s3 ? { s3 } : {}), clock });
  const out: StoredMessage[][] = [];
  for (const image of images) {
    producer.clear();
    await publisher.publish(image, { sourceId: 'sat' });
    out.push([...producer.messages(TOPIC)]);
  }
  return out;
}

const onPartition = (p: number, messages: StoredMessage[], from = 0): Step[] => messages.map((m, i) => ({ p, m: km(m, from + i) }));
const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function assemblerOn(consumer: SeekableConsumer, decoder: ImageMessageDecoder, maxBufferedImages = 1): ImageAssembler {
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  return new ImageAssembler({ kafka, topic: TOPIC, groupId: 'g', maxBufferedImages, heartbeatIntervalMs: 5, redeliveryBackoffMs: 1, decoder });
}

/** Reads until no image comes for 300 ms; calls `after` with each image. */
async function readAll(assembler: ImageAssembler, after: (sha256: string) => void = () => undefined): Promise<string[]> {
  const seen: string[] = [];
  const images = assembler.images()[Symbol.asyncIterator]();
  for (;;) {
    const pending = images.next();
    const r = await Promise.race([pending, tick(300).then(() => 'idle' as const)]);
    if (r === 'idle') {
      await assembler.close();
      await pending;
      return seen;
    }
    if (r.done === true) return seen;
    seen.push(r.value.sha256);
    after(r.value.sha256);
    await tick();
  }
}

describe('ImageAssembler redelivery (with a seekable stand-in consumer)', () => {
  it('reads a reference again after a retryable object store failure instead of committing past it', async () => {
    const clock = new FakeClock();
    const store = new InMemoryObjectStore({ bucket: 'fire-images', clock });
    const s3 = new S3ReferenceHandler({ store, clock, directMaxBytes: 1_000, chunkedMaxBytes: 8_000 });
    const hdf5 = syntheticImage('hdf5', 9_000);
    const [messages] = await publishEach([hdf5], clock, s3);
    const consumer = new SeekableConsumer([{ p: 0, m: km(messages![0]!, 0) }, { run: () => store.failNext('get') }, { p: 0, m: km(messages![1]!, 1) }]);
    const assembler = assemblerOn(consumer, new ImageMessageDecoder({ clock, s3 }));
    const errors: unknown[] = [];
    assembler.on('error', (e) => errors.push(e.error));
    const commitsBefore: number[] = [];
    const seen = await readAll(assembler, () => commitsBefore.push(consumer.maxCommit(0)));
    expect(seen).toEqual([sha256Hex(hdf5)]);
    expect(errors).toHaveLength(1);
    expect(commitsBefore).toEqual([0]); // never past the metadata message before the image was yielded
    expect(consumer.seeks).toEqual([{ partition: 0, offset: '1' }]);
    expect(consumer.maxCommit(0)).toBe(2);
    expect(assembler.getMetrics()).toMatchObject({ redeliveries: 1, retryableFailures: 1 });
  });

  it('reads an image that timed out while the loop was busy again from its first chunk', async () => {
    const clock = new FakeClock();
    const decoder = new ImageMessageDecoder({ clock, reassembler: new ImageReassembler({ clock }) });
    const X = syntheticImage('tiff', 4_000);
    const [x, a, b] = await publishEach([X, syntheticImage('png', 500), syntheticImage('png', 600)], clock);
    // p0: X = metadata + 4 chunks, split by p1: A and B, direct.
    const steps: Step[] = [...onPartition(0, x!.slice(0, 3)), ...onPartition(1, [...a!, ...b!]), ...onPartition(0, x!.slice(3), 3)];
    const consumer = new SeekableConsumer(steps);
    const assembler = assemblerOn(consumer, decoder);
    const p0BeforeX: number[] = [];
    let gotX = false;
    const seen = await readAll(assembler, (sha) => {
      gotX ||= sha === sha256Hex(X);
      if (!gotX) p0BeforeX.push(consumer.maxCommit(0));
      clock.advance(301_000); // the loop spends 5 minutes on each image
    });
    expect(seen).toContain(sha256Hex(X));
    expect(Math.max(...p0BeforeX)).toBeLessThanOrEqual(1); // X's first chunk stayed uncommitted
    expect(consumer.seeks).toContainEqual({ partition: 0, offset: '1' });
    expect(assembler.getMetrics().redeliveries).toBeGreaterThanOrEqual(1);
  });

  it('reads a first chunk refused for memory again once there is room', async () => {
    const clock = new FakeClock();
    const decoder = new ImageMessageDecoder({ clock, reassembler: new ImageReassembler({ clock, maxReassemblyBytes: 8_000, maxImageBytes: 8_000 }) });
    const X = syntheticImage('tiff', 5_000);
    const Y = syntheticImage('tiff', 5_000);
    const [x, y] = await publishEach([X, Y], clock);
    const steps: Step[] = [...onPartition(0, x!.slice(0, 3)), ...onPartition(1, y!.slice(0, 3)), ...onPartition(0, x!.slice(3), 3), ...onPartition(1, y!.slice(3), 3)];
    const consumer = new SeekableConsumer(steps);
    const assembler = assemblerOn(consumer, decoder, 2);
    const refusals: string[] = [];
    assembler.on('error', (e) => refusals.push(`${e.partition}@${e.offset}:${(e.error as { code: string }).code}`));
    const seen = await readAll(assembler);
    expect(seen.sort()).toEqual([sha256Hex(X), sha256Hex(Y)].sort());
    expect(refusals[0]).toBe(`1@1:${ErrorCodes.IMAGE_TOO_LARGE}`);
    expect(consumer.maxCommit(1)).toBe(6);
  });

  it('releases a metadata message whose image-id header names another image', async () => {
    const clock = new FakeClock();
    const images = await publishEach([syntheticImage('png', 300), syntheticImage('png', 400), syntheticImage('png', 500)], clock);
    const all = images.flat();
    const steps: Step[] = all.map((m, i) => ({ p: 0, m: km(m, i, i === 0 ? { ...m.headers, [IMAGE_ID_HEADER]: 'not-the-key' } : undefined) }));
    const consumer = new SeekableConsumer(steps);
    const assembler = assemblerOn(consumer, new ImageMessageDecoder({ clock }), 3);
    const seen = await readAll(assembler);
    expect(seen).toHaveLength(3);
    expect(consumer.maxCommit(0)).toBe(all.length);
    expect(assembler.getMetrics().openImages).toBe(0);
  });

  it('ends with ABORTED and disconnects when the signal aborts while the consumer connects', async () => {
    const consumer = new SeekableConsumer([]);
    consumer.connect = () => new Promise(() => undefined);
    const assembler = assemblerOn(consumer, new ImageMessageDecoder());
    const controller = new AbortController();
    const next = assembler.images({ signal: controller.signal }).next();
    await tick();
    controller.abort();
    const outcome = await Promise.race([rejection(next).then((e) => e.code), tick(1_000).then(() => 'still pending')]);
    expect(outcome).toBe(ErrorCodes.ABORTED);
    expect(consumer.disconnects).toBe(1);
  });
});
