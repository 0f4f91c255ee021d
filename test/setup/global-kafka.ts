// Vitest global setup of the `integration` project. With KAFKA_BROKERS set it uses that cluster as
// is; otherwise it fetches the Kafka jars (first run only), starts a single-node broker on
// 127.0.0.1:9092 (controller 9093; free ports when those are taken) with an empty data dir, exports
// KAFKA_BROKERS to the test workers and stops the broker on teardown, when the test process is
// interrupted, or (through a watchdog) when it is killed.
//
// Each run owns its pid file (`.cache/kafka/test-broker-9092.pid`): a second run in the same
// checkout while the first still runs leaves the first one's broker and data alone and takes the
// next slot (`test-broker-9092-1.pid`, `test-data-9092-1`, ...) and free ports.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, ensureJars, startBroker } from '../../scripts/kafka/broker.mjs';
import type { BrokerError } from '../../scripts/kafka/broker.mjs';

const PORT = 9092;
const CONTROLLER_PORT = 9093;
const SLOTS = 8;

/** Starts the test broker unless KAFKA_BROKERS names one; resolves the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) return async () => {};

  const log = (message: string): void => console.error(`[kafka] ${message}`);
  await ensureJars({ log });
  for (let slot = 0; ; slot += 1) {
    const suffix = slot === 0 ? '' : `-${slot}`;
    // Its own pid file, so a broker started with `npm run kafka:start` is never taken for a leftover.
    const pidFile = join(defaultCacheDir, `test-broker-${PORT}${suffix}.pid`);
    // Wiped at every start (once the pid file is ours): each run gets an empty broker.
    const dataDir = join(defaultCacheDir, `test-data-${PORT}${suffix}`);
    try {
      const broker = await startBroker({
        port: PORT,
        controllerPort: CONTROLLER_PORT,
        freePortFallback: true,
        freshDataDir: true,
        stopOnExit: true,
        dataDir,
        logDir: join(defaultCacheDir, `test-logs-${PORT}${suffix}`),
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
    } catch (err) {
      if ((err as BrokerError).code !== 'PID_FILE_OWNED' || slot + 1 >= SLOTS) throw err;
      log(`another test run is using ${pidFile}; trying the next slot`);
    }
  }
}
