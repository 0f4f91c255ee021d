// Vitest global setup of the `integration` project. With KAFKA_BROKERS set it uses that cluster as
// is; otherwise it fetches the Kafka jars (first run only), starts a single-node broker on
// 127.0.0.1:9092 (controller 9093; free ports when those are taken), exports KAFKA_BROKERS to the
// test workers and stops the broker on teardown, when the test process is interrupted, or
// (through a watchdog) when it is killed.
//
// Each run has its own directory, `.cache/kafka/test-run-<pid>/` (data, logs, pid file), so
// concurrent runs never share files. Directories of runs whose process is gone are deleted at
// setup (their broker stopped first, should it still run); a finished run's logs stay until then.
import { rmSync } from 'node:fs';
import { defaultCacheDir, ensureJars, startBroker } from '../../scripts/kafka/broker.mjs';
import { removeDeadRuns, runFiles } from './run-dirs.js';

/** Starts the test broker unless KAFKA_BROKERS names one; resolves the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) return async () => {};

  const log = (message: string): void => console.error(`[kafka] ${message}`);
  await ensureJars({ log });
  await removeDeadRuns(defaultCacheDir, log);
  const { dataDir, logDir, pidFile } = runFiles(defaultCacheDir);
  const broker = await startBroker({
    port: 9092,
    controllerPort: 9093,
    freePortFallback: true,
    freshDataDir: true, // empty, even should a dead run with our pid have left data
    stopOnExit: true,
    dataDir,
    logDir,
    pidFile,
    log,
  });
  process.env.KAFKA_BROKERS = broker.brokers;
  return async () => {
    try {
      await broker.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
