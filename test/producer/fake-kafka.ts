import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One `sendBatch` the fake producer received. */
export interface FakeBatch {
  /** Compression type of the request. */
  compression: number | undefined;
  /** Topics and values of the request, values as text. */
  topics: { topic: string; values: string[] }[];
}

/** How the fake kafkajs clients behave; every field can be changed during a test. */
export interface FakeKafkaBehaviour {
  /** Delay of `producer.connect()` (default 0), and whether it then fails. */
  connectMs: number;
  connectError?: Error;
  /** Delay of each `sendBatch` (default 0). */
  sendMs: (batch: ProducerBatch) => number;
  /** Error a `sendBatch` fails with, if any. */
  sendError: (batch: ProducerBatch) => Error | undefined;
  /** Topics the admin lists. */
  topics: Set<string>;
  /** Answer of a readiness probe (`fetchTopicOffsets`): an error, or undefined when writable. */
  probe: (topic: string) => Error | undefined;
}

/** A kafkajs `Kafka` stand-in that records what producers and admins were asked to do. */
export interface FakeKafka {
  /** Pass as `kafka` to `KafkaJsProducer`. */
  kafka: Kafka;
  behaviour: FakeKafkaBehaviour;
  /** Every `sendBatch`, in the order the calls started. */
  batches: FakeBatch[];
  /** The largest number of `sendBatch` calls that were in flight at the same time. */
  maxConcurrentSends: number;
  /** Producers created and not disconnected after their last connect. */
  openProducers: number;
  /** Topics created through the admin. */
  created: string[];
}

/** Creates a fake kafkajs client (no network). */
export function fakeKafka(overrides: Partial<FakeKafkaBehaviour> = {}): FakeKafka {
  const fake: FakeKafka = {
    kafka: undefined as unknown as Kafka,
    behaviour: { connectMs: 0, sendMs: () => 0, sendError: () => undefined, topics: new Set(), probe: () => undefined, ...overrides },
    batches: [],
    maxConcurrentSends: 0,
    openProducers: 0,
    created: [],
  };
  let sending = 0;
  const producer = () => {
    let open = false;
    return {
      async connect() {
        if (!open) fake.openProducers += 1;
        open = true;
        await delay(fake.behaviour.connectMs);
        if (fake.behaviour.connectError) throw fake.behaviour.connectError;
      },
      async disconnect() {
        if (open) fake.openProducers -= 1;
        open = false;
      },
      async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
        sending += 1;
        fake.maxConcurrentSends = Math.max(fake.maxConcurrentSends, sending);
        fake.batches.push({
          compression: batch.compression,
          topics: (batch.topicMessages ?? []).map((t) => ({ topic: t.topic, values: t.messages.map((m) => String(m.value)) })),
        });
        try {
          await delay(fake.behaviour.sendMs(batch));
          const error = fake.behaviour.sendError(batch);
          if (error) throw error;
          return (batch.topicMessages ?? []).map((t) => ({ topicName: t.topic, partition: 0, errorCode: 0, baseOffset: '0' }));
        } finally {
          sending -= 1;
        }
      },
    };
  };
  const admin = () => ({
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [...fake.behaviour.topics],
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      for (const { topic } of topics) {
        fake.created.push(topic);
        fake.behaviour.topics.add(topic);
      }
      return true;
    },
    fetchTopicOffsets: async (topic: string) => {
      const error = fake.behaviour.probe(topic);
      if (error) throw error;
      return [{ partition: 0, offset: '0', high: '0', low: '0' }];
    },
    describeCluster: async () => ({ brokers: [], controller: 1, clusterId: 'fake' }),
  });
  fake.kafka = { producer, admin } as unknown as Kafka;
  return fake;
}

/** A kafkajs-shaped protocol error (the fields kafkajs's classification reads). */
export function protocolError(type: string, retriable: boolean): Error {
  return Object.assign(new Error(`${type} (fake)`), { name: 'KafkaJSProtocolError', type, retriable });
}
