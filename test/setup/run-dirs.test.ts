// Directories of integration test runs (test/setup/run-dirs.ts), with stand-in processes: a
// "broker" is a Node process whose command line holds `kafka.Kafka <propsFile>` like the JVM's.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive, terminate } from '../../scripts/kafka/broker.mjs';
import { removeDeadRuns, runFiles } from './run-dirs.js';

const IDLE = 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 60000)';
let cache = '';
const procs: ChildProcess[] = [];

function start(...args: string[]): number {
  const child = spawn(process.execPath, ['-e', IDLE, ...args], { stdio: 'ignore' });
  procs.push(child);
  return child.pid ?? 0;
}
async function deadPid(): Promise<number> {
  const pid = start();
  await terminate(pid, 5_000);
  return pid;
}
/** A run directory of test process `owner` whose pid file names `broker`. */
function run(owner: number, broker: number | null): ReturnType<typeof runFiles> {
  const files = runFiles(cache, owner);
  mkdirSync(files.dataDir, { recursive: true });
  mkdirSync(files.logDir, { recursive: true });
  const propsFile = join(files.logDir, 'server.properties');
  writeFileSync(propsFile, 'node.id=1\n');
  writeFileSync(files.pidFile, JSON.stringify({ pid: broker, ownerPid: owner, starterPid: owner, propsFile, startedAt: 't' }));
  return files;
}

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'firestream-run-dirs-'));
});
afterEach(() => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  rmSync(cache, { recursive: true, force: true });
});

describe('removeDeadRuns', () => {
  it('gives each test run its own directory', () => {
    expect(runFiles(cache, 4242)).toEqual({
      dir: join(cache, 'test-run-4242'),
      dataDir: join(cache, 'test-run-4242', 'data'),
      logDir: join(cache, 'test-run-4242', 'logs'),
      pidFile: join(cache, 'test-run-4242', 'broker.pid'),
    });
    expect(runFiles(cache).dir).toBe(join(cache, `test-run-${process.pid}`));
  });

  it('concurrent runs: the directory and broker of a live run are left alone', async () => {
    const owner = start();
    const broker = start('kafka.Kafka', join(runFiles(cache, owner).logDir, 'server.properties'));
    const files = run(owner, broker);
    expect(await removeDeadRuns(cache)).toEqual([]);
    expect(existsSync(files.pidFile)).toBe(true);
    expect(isAlive(broker)).toBe(true);
  });

  it('a dead run: its broker (command line names its props file) is stopped, then its directory deleted', async () => {
    const owner = await deadPid();
    const broker = start('kafka.Kafka', join(runFiles(cache, owner).logDir, 'server.properties'));
    const files = run(owner, broker);
    const logs: string[] = [];
    expect(await removeDeadRuns(cache, (m) => logs.push(m))).toEqual([files.dir]);
    expect(isAlive(broker)).toBe(false);
    expect(existsSync(files.dir)).toBe(false);
    expect(logs.join('\n')).toContain(`stopped the broker (pid ${broker}) of test run ${owner}`);
  });

  it('a dead run whose broker pid now belongs to another program: that program lives, the directory goes', async () => {
    const owner = await deadPid();
    const other = start('kafka.Kafka', join(cache, 'elsewhere', 'server.properties'));
    const files = run(owner, other);
    expect(await removeDeadRuns(cache)).toEqual([files.dir]);
    expect(isAlive(other)).toBe(true);
    expect(existsSync(files.dir)).toBe(false);
  });

  it('leaves everything that is not a test-run directory alone', async () => {
    for (const name of ['libs', 'data-9092', 'test-run-abc', 'test-run-0']) mkdirSync(join(cache, name));
    expect(await removeDeadRuns(cache)).toEqual([]);
    for (const name of ['libs', 'data-9092', 'test-run-abc', 'test-run-0']) expect(existsSync(join(cache, name))).toBe(true);
    expect(await removeDeadRuns(join(cache, 'missing'))).toEqual([]);
  });
});
