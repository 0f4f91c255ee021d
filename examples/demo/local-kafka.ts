/**
 * The Kafka the demo talks to: `KAFKA_BROKERS` when set, a broker already started with
 * `npm run kafka:start`, or a fresh single-node broker from the same script the tests use (fetched
 * with Maven on first use), stopped again when the demo ends.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { brokerStatus, defaultCacheDir, ensureJars, startBroker } from '../../scripts/kafka/broker.mjs';

/** Brokers to use and how to let go of them. */
export interface DemoKafka {
  brokers: string[];
  origin: string;
  release(): Promise<void>;
}

const PORT = 9092;

export async function demoKafka(log: (message: string) => void): Promise<DemoKafka> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv.split(','), origin: 'KAFKA_BROKERS', release: async () => undefined };
  if (brokerStatus({ port: PORT }).running) {
    return { brokers: [`127.0.0.1:${PORT}`], origin: 'the broker of `npm run kafka:start`', release: async () => undefined };
  }
  await ensureJars({ log });
  const dataDir = join(defaultCacheDir, 'demo-data'); // fresh each run, so the demo starts from empty topics
  rmSync(dataDir, { recursive: true, force: true });
  const broker = await startBroker({ port: PORT, controllerPort: PORT + 1, dataDir, log });
  return {
    brokers: [broker.brokers],
    origin: `a local broker started for the demo (pid ${broker.pid}, ready in ${broker.readyMs} ms)`,
    release: () => broker.stop(),
  };
}
