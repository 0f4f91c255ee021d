// Directories of integration test runs: each run keeps its broker's data, logs and pid file in
// `.cache/kafka/test-run-<pid>/`, where <pid> is the test process that owns the broker.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, stopBroker } from '../../scripts/kafka/broker.mjs';

const PREFIX = 'test-run-';

/** The files of the broker of test run `pid` (default: this process) under `cacheDir`. */
export function runFiles(cacheDir: string, pid = process.pid): { dir: string; dataDir: string; logDir: string; pidFile: string } {
  const dir = join(cacheDir, `${PREFIX}${pid}`);
  return { dir, dataDir: join(dir, 'data'), logDir: join(dir, 'logs'), pidFile: join(dir, 'broker.pid') };
}

/**
 * Deletes the directories of test runs whose process is gone, after stopping their broker when it
 * still runs (only when its command line names that directory's server.properties). A directory
 * whose broker cannot be checked is kept (with a message). Resolves the directories it deleted.
 */
export async function removeDeadRuns(cacheDir: string, log: (message: string) => void = () => {}): Promise<string[]> {
  if (!existsSync(cacheDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(cacheDir)) {
    const pid = Number(name.slice(PREFIX.length));
    if (!name.startsWith(PREFIX) || !Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    const files = runFiles(cacheDir, pid);
    try {
      const stopped = await stopBroker({ pidFile: files.pidFile, propsFile: join(files.logDir, 'server.properties') });
      if (stopped) log(`stopped the broker (pid ${stopped}) of test run ${pid}, which is gone`);
    } catch (err) {
      log(`kept ${files.dir}: ${(err as Error).message}`);
      continue;
    }
    rmSync(files.dir, { recursive: true, force: true });
    removed.push(files.dir);
  }
  return removed;
}
