/**
 * Reads the demo's topics back with a plain kafkajs consumer and checks that every record id sent
 * arrived exactly once, on the topic and with the key it was sent with. A consumer may be handed the
 * same offset twice (a rebalance before its first commit); that is not a duplicate in Kafka, so
 * messages are counted once per (topic, partition, offset).
 */
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { RECORD_ID_HEADER } from '../../src/index.js';

/** What the producer side sent for one record id. */
export interface SentRecord {
  topic: string;
  key: string;
}

/** The outcome of the read-back. */
export interface Verification {
  received: number;
  missing: string[];
  duplicates: string[];
  misplaced: string[];
  ms: number;
}

export async function verifyReadBack(brokers: string[], sent: ReadonlyMap<string, SentRecord>, timeoutMs = 60_000): Promise<Verification> {
  const started = Date.now();
  const kafka = new kafkajs.Kafka({ clientId: 'firestream-demo-reader', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `firestream-demo-${randomBytes(6).toString('hex')}` });
  const seen = new Map<string, number>();
  const offsets = new Set<string>();
  const misplaced: string[] = [];
  const topics = [...new Set([...sent.values()].map((s) => s.topic))];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs); // report what is missing rather than hang
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const id = message.headers?.[RECORD_ID_HEADER]?.toString();
              const expected = id === undefined ? undefined : sent.get(id);
              if (id === undefined || expected === undefined) continue;
              const where = `${batch.topic}/${batch.partition}/${message.offset}`;
              if (offsets.has(where)) continue;
              offsets.add(where);
              seen.set(id, (seen.get(id) ?? 0) + 1);
              if (expected.topic !== batch.topic || expected.key !== message.key?.toString()) misplaced.push(id);
            }
            if (seen.size === sent.size) {
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
  const missing = [...sent.keys()].filter((id) => !seen.has(id));
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  return { received: [...seen.values()].reduce((a, b) => a + b, 0), missing, duplicates, misplaced, ms: Date.now() - started };
}
