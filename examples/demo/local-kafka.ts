/**
 * The Kafka the demo talks to: `KAFKA_BROKERS` when set, a broker already started with
 * `npm run kafka:start`, or a fresh single-node broker from the same script the tests use (fetched
 * with Maven on first use). The demo's own broker has its own pid file and is stopped when the demo
 * ends, is interrupted (Ctrl-C) or killed; a leftover of an earlier demo whose process is gone is
 * stopped and replaced. One demo at a time: while another demo runs, this one fails with a message
 * saying so (set `KAFKA_BROKERS` to run more).
 */
import { join } from 'node:path';
import { brokerStatus, defaultCacheDir, ensureJars, readPidRecord, startBroker } from '../../scripts/kafka/broker.mjs';
import type { BrokerError, BrokerHandle } from '../../scripts/kafka/broker.mjs';

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
  // Only a broker that `kafka:start` owns (no owner process) is reused; never a demo's or a test's.
  if (brokerStatus({ port: PORT }).state === 'running') {
    return { brokers: [`127.0.0.1:${PORT}`], origin: 'the broker of `npm run kafka:start`', release: async () => undefined };
  }
  await ensureJars({ log });
  const pidFile = join(defaultCacheDir, 'demo-broker.pid');
  let broker: BrokerHandle;
  try {
    broker = await startBroker({
      port: PORT,
      controllerPort: PORT + 1,
      freePortFallback: true, // something else holds 9092: take free ports
      pidFile,
      dataDir: join(defaultCacheDir, 'demo-data'),
      logDir: join(defaultCacheDir, 'demo-logs'),
      freshDataDir: true, // the demo starts from empty topics
      stopOnExit: true, // Ctrl-C or a kill of the demo stops its broker too
      log,
    });
  } catch (err) {
    if ((err as BrokerError).code !== 'PID_FILE_OWNED') throw err;
    const owner = readPidRecord(pidFile)?.ownerPid ?? 'unknown';
    throw new Error(`another demo is running (pid ${owner}); wait for it or set KAFKA_BROKERS`, { cause: err });
  }
  return {
    brokers: [broker.brokers],
    origin: `a local broker started for the demo (pid ${broker.pid}, ready in ${broker.readyMs} ms)`,
    release: () => broker.stop(),
  };
}
