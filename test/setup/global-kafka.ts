// Vitest global setup of the `integration` project. With KAFKA_BROKERS set it uses that cluster as
// is; otherwise it fetches the Kafka jars (first run only), starts a single-node broker on
// 127.0.0.1:9092 (controller 9093; free ports when those are taken) with an empty data dir, exports KAFKA_BROKERS to the test
// workers and stops the broker on teardown or when the test process is interrupted.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defaultCacheDir, ensureJars, startBroker, stopBroker } from '../../scripts/kafka/broker.mjs';

const PORT = 9092;
const CONTROLLER_PORT = 9093;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The broker runs in its own process group, so Ctrl-C does not reach it: send it SIGTERM when
 * this process is interrupted or exits (it shuts itself down even after we are gone). Installed
 * before the broker is spawned, so an interrupt during start-up is covered too; the pid comes
 * from the pid file. Our listeners go first because vitest's SIGINT/SIGTERM listener calls
 * process.exit(), after which later 'exit' listeners never run. Returns the uninstaller.
 */
function stopBrokerOnExit(pidFile: string): () => void {
  const forward = (): void => {
    try {
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    forward();
    unhook();
    // Keep the default behaviour (exit) when nobody else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unhook = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', forward);
  };
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  process.prependListener('exit', forward);
  return unhook;
}

/** Resolves `preferred` when nothing listens on it on 127.0.0.1, else a free port the OS picks. */
function portFor(preferred: number): Promise<number> {
  const tryListen = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as AddressInfo;
        server.close(() => resolve(bound));
      });
    });
  return tryListen(preferred).then((port) => port ?? tryListen(0).then((p) => p ?? preferred));
}

/** Starts the test broker unless KAFKA_BROKERS names one; resolves the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) return async () => {};

  const log = (message: string): void => console.error(`[kafka] ${message}`);
  await ensureJars({ log });
  // Its own pid file, so a broker started with `npm run kafka:start` is never taken for a stale one.
  const pidFile = join(defaultCacheDir, `test-broker-${PORT}.pid`);
  // A fixed place wiped at every start: each run gets an empty broker, and an interrupted run
  // leaves nothing behind that the next one does not clean.
  const dataDir = join(defaultCacheDir, `test-data-${PORT}`);
  const stale = await stopBroker({ pidFile });
  if (stale) log(`stopped a test broker left over from an interrupted run (pid ${stale})`);
  rmSync(dataDir, { recursive: true, force: true });

  // A developer's own broker (`npm run kafka:start`) may hold 9092: then the tests take free ports.
  const port = await portFor(PORT);
  const controllerPort = await portFor(port === PORT ? CONTROLLER_PORT : 0);
  if (port !== PORT) log(`127.0.0.1:${PORT} is in use; the test broker listens on ${port} instead`);

  const unhook = stopBrokerOnExit(pidFile);
  try {
    const broker = await startBroker({
      port,
      controllerPort,
      dataDir,
      logDir: join(defaultCacheDir, `test-logs-${PORT}`),
      pidFile,
      log,
    });
    process.env.KAFKA_BROKERS = broker.brokers;
    return async () => {
      try {
        await broker.stop();
      } finally {
        unhook();
        rmSync(dataDir, { recursive: true, force: true });
      }
    };
  } catch (err) {
    unhook();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
