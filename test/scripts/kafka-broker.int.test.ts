import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJars, freePorts, isAlive, readPidRecord, startBroker } from '../../scripts/kafka/broker.mjs';
import { kafkaBrokers, uniqueTopic } from '../helpers/kafka.js';
import { brokerFiles, brokerTestsSkipReason, tempDirs } from './fixtures/local-broker.js';

const MiB = 1024 * 1024;

function client(brokers: string[]): Kafka {
  return new kafkajs.Kafka({ clientId: 'kafka-broker-int-test', brokers, logLevel: kafkajs.logLevel.NOTHING });
}

/** Reads `count` messages of `topic` from the beginning with a fresh group. */
async function consume(kafka: Kafka, topic: string, count: number): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: `g-${randomBytes(6).toString('hex')}`, maxBytesPerPartition: 20 * MiB, maxBytes: 32 * MiB });
  const got: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${got.length} of ${count} from ${topic}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push({ partition, message });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** True when nothing listens on 127.0.0.1:`port`. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('the broker the integration setup provides', () => {
  const kafka = client(kafkaBrokers());
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it('creates a 3-partition topic and gives back what was produced to each partition', async () => {
    const topic = uniqueTopic('broker-int');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);

    const sent = [0, 1, 2].flatMap((partition) =>
      [0, 1].map((i) => ({ partition, key: `k${partition}-${i}`, value: `v${partition}-${i}` })),
    );
    await producer.send({ topic, messages: sent });

    const got = await consume(kafka, topic, sent.length);
    const seen = got.map(({ partition, message }) => ({ partition, key: message.key?.toString(), value: message.value?.toString() }));
    expect(seen.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''))).toEqual(sent);
  });

  it('allows 16 MiB and more per message and per replica fetch, and takes a 15 MiB message', async () => {
    const brokerId = (await admin.describeCluster()).brokers[0]?.nodeId;
    const configs = await admin.describeConfigs({
      resources: [{ type: kafkajs.ConfigResourceTypes.BROKER, name: String(brokerId), configNames: ['message.max.bytes', 'replica.fetch.max.bytes'] }],
      includeSynonyms: false,
    });
    const entries = configs.resources[0]?.configEntries ?? [];
    const setting = (name: string): number => Number(entries.find((e) => e.configName === name)?.configValue);
    expect(setting('message.max.bytes')).toBeGreaterThanOrEqual(16 * MiB);
    expect(setting('replica.fetch.max.bytes')).toBeGreaterThanOrEqual(16 * MiB);

    const topic = uniqueTopic('broker-int-big');
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(16 * MiB) }] }],
      waitForLeaders: true,
    });
    const value = randomBytes(15 * MiB);
    await producer.send({ topic, messages: [{ key: 'big', value }] });

    const [got] = await consume(kafka, topic, 1);
    const back = got?.message.value ?? Buffer.alloc(0);
    expect(back.length).toBe(value.length);
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(value).digest('hex'));
  });
});

// Tests that start brokers of their own need Java (and Maven until the jars are fetched), which
// KAFKA_BROKERS is documented to make unnecessary: without them, skip with the reason printed.
const skipReason = brokerTestsSkipReason('kafka-broker.int.test');

describe.skipIf(skipReason !== undefined)('startBroker', () => {
  const dirs = tempDirs();

  beforeAll(async () => {
    await ensureJars();
  }, 120_000);
  afterAll(() => dirs.cleanup());

  it('refuses a port another process holds, naming the port', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    const [controllerPort] = await freePorts([0]);
    try {
      const dir = dirs.make();
      const pidFile = join(dir, 'pid');
      await expect(
        startBroker({ port, controllerPort, dataDir: join(dir, 'data'), logDir: dir, pidFile }),
      ).rejects.toThrow(new RegExp(`port ${port} .*in use`));
      expect(existsSync(pidFile)).toBe(false); // the claim is given back
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('a port taken between the check and the bind: the start never takes the other broker for its own', async () => {
    const clusterIdAt = async (brokers: string): Promise<string> => {
      const admin = client([brokers]).admin();
      await admin.connect();
      try {
        return (await admin.describeCluster()).clusterId;
      } finally {
        await admin.disconnect();
      }
    };
    const a = await startBroker(brokerFiles(dirs.make(), 29600));
    try {
      // B's free-port check ran before A bound its port (a concurrent test run): B is handed A's
      // broker port once, and a free controller port, so B's JVM cannot bind while A answers there.
      const [freeController = 0] = await freePorts([0]);
      let calls = 0;
      const pickPorts = async (preferred: number[]): Promise<number[]> => (calls++ === 0 ? [a.port, freeController] : freePorts(preferred));
      const logs: string[] = [];
      const b = await startBroker({ ...brokerFiles(dirs.make(), 29610), pickPorts, log: (m) => logs.push(m) });
      try {
        expect(calls).toBe(2); // retried on fresh free ports
        expect(b.port).not.toBe(a.port);
        expect(b.clusterId).toBeDefined();
        expect(b.clusterId).not.toBe(a.clusterId);
        expect(await clusterIdAt(b.brokers)).toBe(b.clusterId);
        expect(logs.join('\n')).toMatch(new RegExp(`127\\.0\\.0\\.1:${a.port} .*another process took the port`));
      } finally {
        await b.stop();
      }

      // Handed A's ports every time: fails clearly, leaves no pid file and no JVM of its own.
      const dir = dirs.make();
      const failed = startBroker({ ...brokerFiles(dir), pickPorts: async () => [a.port, a.controllerPort] });
      await expect(failed).rejects.toMatchObject({ code: 'PORT_TAKEN', message: expect.stringMatching(/another process took the port.*gave up after 3 attempts/) });
      expect(existsSync(join(dir, 'broker.pid'))).toBe(false);

      expect(isAlive(a.pid)).toBe(true);
      expect(await clusterIdAt(a.brokers)).toBe(a.clusterId);
    } finally {
      await a.stop();
    }
  }, 240_000);

  it('starts a broker that answers through its advertised port, and stop() frees the ports', async () => {
    const dir = dirs.make();
    const pidFile = join(dir, 'broker.pid');
    // 29092-29094 when free, else ports the OS picks.
    const [port = 0, controllerPort = 0, advertisedPort = 0] = await freePorts([29092, 29093, 29094]);
    // Advertise another port and put a TCP proxy there only after the broker is ready: readiness
    // must not depend on the advertised address.
    const broker = await startBroker({
      port, controllerPort, advertisedPort,
      dataDir: join(dir, 'data'), logDir: join(dir, 'logs'), pidFile,
    });
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((downstream) => {
      const upstream = net.connect(port, '127.0.0.1');
      for (const s of [downstream, upstream]) {
        sockets.add(s);
        s.on('error', () => { downstream.destroy(); upstream.destroy(); });
      }
      downstream.pipe(upstream).pipe(downstream);
    });
    try {
      expect(broker.brokers).toBe(`127.0.0.1:${advertisedPort}`);
      expect(isAlive(broker.pid)).toBe(true);
      expect(readPidRecord(pidFile)).toMatchObject({ pid: broker.pid, ownerPid: process.pid, propsFile: join(dir, 'logs', 'server.properties') });
      await new Promise<void>((resolve) => proxy.listen(advertisedPort, '127.0.0.1', resolve));

      const kafka = client([broker.brokers]);
      const admin = kafka.admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.disconnect();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([`127.0.0.1:${advertisedPort}`]);

      const topic = uniqueTopic('start-broker');
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'hello' }] }); // auto-created topic
      await producer.disconnect();
      const [got] = await consume(kafka, topic, 1);
      expect(got?.message.value?.toString()).toBe('hello');
    } finally {
      for (const s of sockets) s.destroy();
      proxy.close();
      await broker.stop();
    }
    expect(isAlive(broker.pid)).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    expect(await portIsFree(controllerPort)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  }, 150_000);
});
