import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { IHeaders, Kafka } from 'kafkajs';
import type { ReadBackMessage } from '../../src/testing/producer-contract.js';

const { logLevel } = kafkajs;

/** A kafkajs client for test set-up and read-back (quiet logs). */
export function testKafka(brokers: string[]): Kafka {
  return new kafkajs.Kafka({ clientId: 'firestream-test', brokers, logLevel: logLevel.NOTHING });
}

/** A read-back message plus where it was stored. */
export interface ConsumedMessage extends ReadBackMessage {
  /** Partition it came from. */
  partition: number;
  /** Its offset. */
  offset: string;
}

function flattenHeaders(headers: IHeaders | undefined): Record<string, Buffer | string | undefined> {
  const out: Record<string, Buffer | string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = Array.isArray(value) ? value[0] : value;
  return out;
}

/**
 * Consumes `topic` from the beginning with a fresh consumer group until `count` messages arrived
 * (or `timeoutMs` passed), then returns them.
 */
export async function readBack(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({ groupId: `read-back-${randomBytes(6).toString('hex')}`, maxBytesPerPartition: 8 * 1024 * 1024 });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read back ${messages.length} of ${count} messages from ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              messages.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: flattenHeaders(m.headers) });
            }
            if (messages.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages.slice(0, count);
}
