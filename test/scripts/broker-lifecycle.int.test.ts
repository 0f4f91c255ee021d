// Ownership and lifetime of brokers started by scripts/kafka/broker.mjs: each broker here is started
// by a child Node process (its owner), on free ports with its own files.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureJars, isAlive, readPidRecord, startBroker, terminate } from '../../scripts/kafka/broker.mjs';
import type { BrokerError, BrokerHandle } from '../../scripts/kafka/broker.mjs';
import { brokerFiles, brokerTestsSkipReason, exitWithin, startBrokerInChild, tempDirs } from './fixtures/local-broker.js';
import type { ChildBroker } from './fixtures/local-broker.js';

const skipReason = brokerTestsSkipReason('broker-lifecycle.int.test');

describe.skipIf(skipReason !== undefined)('brokers owned by a process', () => {
  const dirs = tempDirs();
  const children: ChildBroker[] = [];
  const handles: BrokerHandle[] = [];

  beforeAll(async () => {
    await ensureJars();
  }, 120_000);
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.stop();
    for (const c of children.splice(0)) {
      c.child.kill('SIGKILL');
      await terminate(c.pid, 10_000);
    }
  });
  afterAll(() => dirs.cleanup());

  it('concurrent runs: a start with the pid file of a live owner is refused and leaves its broker alone; SIGINT to the owner stops it', async () => {
    const options = brokerFiles(dirs.make(), 29560);
    const owner = await startBrokerInChild({ ...options, freshDataDir: true });
    children.push(owner);
    expect(readPidRecord(options.pidFile ?? '')).toMatchObject({ pid: owner.pid, ownerPid: owner.child.pid });

    // What a second test run in the same checkout does with the same files.
    const second = startBroker({ ...options, freshDataDir: true, stopOnExit: true });
    await expect(second).rejects.toMatchObject({ code: 'PID_FILE_OWNED' } satisfies Partial<BrokerError>);
    expect(isAlive(owner.pid)).toBe(true);
    expect(readPidRecord(options.pidFile ?? '')?.pid).toBe(owner.pid);

    owner.child.kill('SIGINT'); // Ctrl-C of the test run or the demo
    expect(await exitWithin(owner.pid, 30_000)).toBeLessThan(30_000);
  }, 120_000);

  it('SIGKILL of the owner: the watchdog stops its broker within 30 s and deletes the pid file', async () => {
    const options = brokerFiles(dirs.make(), 29570);
    const owner = await startBrokerInChild(options);
    children.push(owner);
    owner.child.kill('SIGKILL');
    expect(await exitWithin(owner.pid, 30_000)).toBeLessThan(30_000);
    await expect.poll(() => readPidRecord(options.pidFile ?? ''), { timeout: 5_000 }).toBeUndefined();
  }, 120_000);

  it('a broker whose owner died without a watchdog is stopped by the next start with its pid file', async () => {
    const options = brokerFiles(dirs.make(), 29580);
    const owner = await startBrokerInChild({ ...options, stopOnExit: false });
    children.push(owner);
    owner.child.kill('SIGKILL');
    await exitWithin(owner.child.pid ?? 0, 10_000);
    expect(isAlive(owner.pid)).toBe(true); // nothing stopped it

    const logs: string[] = [];
    const next = await startBroker({ ...options, log: (m) => logs.push(m) });
    handles.push(next);
    expect(isAlive(owner.pid)).toBe(false);
    expect(logs.join('\n')).toContain(`stopped a broker (pid ${owner.pid})`);
    expect(readPidRecord(options.pidFile ?? '')).toMatchObject({ pid: next.pid, ownerPid: process.pid, propsFile: join(options.logDir ?? '', 'server.properties') });
  }, 120_000);
});
