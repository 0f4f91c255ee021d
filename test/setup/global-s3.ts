// Vitest global setup of the `integration` project for the object store. With S3_ENDPOINT set it
// uses that S3-compatible server as is (with S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION and
// S3_BUCKET, default `firestream-test`); otherwise it fetches S3Proxy (first run only), starts it
// on a free port of 127.0.0.1 with credentials made up for this run and the bucket
// `firestream-test`, exports S3_* to the test workers and stops it on teardown, when the test
// process is interrupted, or (through a watchdog) when it is killed.
//
// Each run has its own directory, `.cache/s3proxy/test-run-<pid>/` (data, logs, pid file, the
// 0600 properties file holding the secret), like the Kafka runs; directories of runs whose process
// is gone are deleted at setup (their server stopped first, should it still run). Teardown deletes
// the data and the files holding the secret, and keeps the logs until then.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../../scripts/kafka/broker.mjs';
import { defaultS3CacheDir, ensureS3ProxyJar, startS3Proxy, stopS3Proxy } from '../../scripts/s3/server.mjs';
import { runFiles } from './run-dirs.js';

/** The bucket the tests use when S3_BUCKET is unset. */
export const DEFAULT_TEST_BUCKET = 'firestream-test';

const PID_FILE = 's3proxy.pid';

async function removeDeadS3Runs(log: (message: string) => void): Promise<void> {
  if (!existsSync(defaultS3CacheDir)) return;
  for (const name of readdirSync(defaultS3CacheDir)) {
    const pid = Number(/^test-run-(\d+)$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    const { dir } = runFiles(defaultS3CacheDir, pid);
    try {
      const stopped = await stopS3Proxy({ pidFile: join(dir, PID_FILE) });
      if (stopped) log(`stopped the S3Proxy (pid ${stopped}) of test run ${pid}, which is gone`);
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      log(`kept ${dir}: ${(err as Error).message}`);
    }
  }
}

/** Starts the test S3Proxy unless S3_ENDPOINT names a server; resolves the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.S3_ENDPOINT) {
    process.env.S3_BUCKET ??= DEFAULT_TEST_BUCKET;
    return async () => {};
  }
  const log = (message: string): void => console.error(`[s3] ${message}`);
  await ensureS3ProxyJar({ log });
  await removeDeadS3Runs(log);
  const { dir, dataDir, logDir } = runFiles(defaultS3CacheDir);
  const server = await startS3Proxy({
    port: 0, // any free port
    freePortFallback: true,
    freshDataDir: true,
    stopOnExit: true,
    runDir: dir,
    dataDir,
    logDir,
    pidFile: join(dir, PID_FILE),
    buckets: [DEFAULT_TEST_BUCKET],
    log,
  });
  Object.assign(process.env, {
    S3_ENDPOINT: server.endpoint,
    S3_REGION: server.region,
    S3_BUCKET: DEFAULT_TEST_BUCKET,
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
  });
  return async () => {
    try {
      await server.stop();
    } finally {
      // The logs stay until the next run; the data and this run's secret go now.
      for (const path of [dataDir, server.propsFile, server.envFile]) rmSync(path, { recursive: true, force: true });
    }
  };
}
