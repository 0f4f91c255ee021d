// Pid files of scripts/kafka/broker.mjs, with stand-in processes: a "broker" is a Node process whose
// command line holds `kafka.Kafka <propsFile>` like the real JVM's, an "owner" an idle Node process.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokerStatus, claimPidFile, isAlive, judgePidRecord, parsePidRecord, readPidRecord, stopBroker, terminate, writePidRecord } from '../../scripts/kafka/broker.mjs';
import type { PidRecord } from '../../scripts/kafka/broker.mjs';

const IDLE = 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 60000)';
let dir = '';
const procs: ChildProcess[] = [];

function start(...args: string[]): number {
  const child = spawn(process.execPath, ['-e', IDLE, ...args], { stdio: 'ignore' });
  procs.push(child);
  return child.pid ?? 0;
}
const fakeBroker = (propsFile: string): number => start('kafka.Kafka', propsFile);
async function deadPid(): Promise<number> {
  const pid = start();
  await terminate(pid, 5_000);
  return pid;
}
const record = (r: Partial<PidRecord>): string => JSON.stringify({ pid: null, ownerPid: null, propsFile: '/x/server.properties', startedAt: 't', ...r });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firestream-pid-test-'));
});
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('parsePidRecord', () => {
  it('reads JSON records and legacy plain pids, and nothing else', () => {
    expect(parsePidRecord('{"pid":42,"ownerPid":7,"propsFile":"/p","startedAt":"2025-01-01T00:00:00Z"}'))
      .toEqual({ pid: 42, ownerPid: 7, propsFile: '/p', startedAt: '2025-01-01T00:00:00Z' });
    expect(parsePidRecord('{"pid":null,"ownerPid":null,"propsFile":"/p"}')).toEqual({ pid: null, ownerPid: null, propsFile: '/p', startedAt: undefined });
    expect(parsePidRecord('4242\n')).toEqual({ pid: 4242, ownerPid: undefined, propsFile: undefined, startedAt: undefined });
    for (const bad of ['', '0', '-3', '1.5', 'abc', '{"pid":1}', '{"pid":"1","ownerPid":null,"propsFile":"/p"}', '{"pid":1,"ownerPid":0,"propsFile":"/p"}', 'null', '[1]']) {
      expect(parsePidRecord(bad)).toBeUndefined();
    }
  });
});

describe('judgePidRecord', () => {
  const props = '/c/logs/server.properties';
  const live = new Set([10, 20]);
  const probes = (args: string[] | undefined) => ({
    selfPid: 1,
    alive: (pid: number) => live.has(pid),
    commandLine: () => (args === undefined ? undefined : { args }),
  });
  const broker = ['java', '-cp', '*', 'kafka.Kafka', props];
  const rec = (r: Partial<PidRecord>): PidRecord => ({ pid: 10, ownerPid: null, propsFile: props, startedAt: 't', ...r });

  it('tells whose a broker is', () => {
    expect(judgePidRecord(undefined, probes(broker))).toBe('empty');
    expect(judgePidRecord(rec({ pid: 99 }), probes(broker))).toBe('gone');
    expect(judgePidRecord(rec({ pid: null, ownerPid: 20 }), probes(broker))).toBe('starting');
    expect(judgePidRecord(rec({ pid: null, ownerPid: 99 }), probes(broker))).toBe('gone');
    expect(judgePidRecord(rec({ pid: null, ownerPid: null, starterPid: 20 }), probes(broker))).toBe('starting'); // kafka:start
    expect(judgePidRecord(rec({ pid: null, ownerPid: null, starterPid: 99 }), probes(broker))).toBe('gone');
    expect(judgePidRecord(rec({ ownerPid: 20 }), probes(broker))).toBe('owned');
    expect(judgePidRecord(rec({ ownerPid: null }), probes(broker))).toBe('running');
    expect(judgePidRecord(rec({ ownerPid: 99 }), probes(broker))).toBe('stale');
    expect(judgePidRecord(rec({ ownerPid: 1 }), probes(broker))).toBe('stale'); // this process's own
  });

  it('a reused pid (another program, or a broker of another props file) is foreign, never a broker to stop', () => {
    expect(judgePidRecord(rec({ ownerPid: 99 }), probes(['vim', 'notes.txt']))).toBe('foreign');
    expect(judgePidRecord(rec({ ownerPid: 99 }), probes(['java', 'kafka.Kafka', '/other/server.properties']))).toBe('foreign');
    expect(judgePidRecord(rec({ ownerPid: null }), probes(['java', 'kafka.Kafka', `${props}.bak`]))).toBe('foreign');
  });

  it('without a command line to check (no /proc, no ps) a live pid is unverifiable, not stale', () => {
    expect(judgePidRecord(rec({ ownerPid: 99 }), probes(undefined))).toBe('unverifiable');
    expect(judgePidRecord(rec({ ownerPid: undefined, propsFile: undefined }), { ...probes(broker), propsFile: undefined })).toBe('unverifiable');
  });

  it('matches `ps` text where there is no /proc', () => {
    const ps = (text: string) => ({ ...probes(undefined), commandLine: () => ({ text }) });
    expect(judgePidRecord(rec({ ownerPid: 99 }), ps(`java -cp x kafka.Kafka ${props}`))).toBe('stale');
    expect(judgePidRecord(rec({ ownerPid: 99 }), ps(`java -cp x kafka.Kafka ${props}.bak`))).toBe('foreign');
  });

  it('a legacy record is checked against the props file the caller expects', () => {
    const legacy = rec({ ownerPid: undefined, propsFile: undefined });
    expect(judgePidRecord(legacy, { ...probes(broker), propsFile: props })).toBe('stale');
    expect(judgePidRecord(legacy, { ...probes(broker), propsFile: '/elsewhere/server.properties' })).toBe('foreign');
  });
});

describe('claimPidFile and stopBroker with real processes', () => {
  const props = (): string => join(dir, 'logs', 'server.properties');
  const pidFile = (): string => join(dir, 'broker.pid');

  it('concurrent test runs: the broker of a live owner is neither stopped nor its pid file taken', async () => {
    const owner = start();
    const broker = fakeBroker(props());
    writeFileSync(pidFile(), record({ pid: broker, ownerPid: owner, propsFile: props() }));
    await expect(claimPidFile(pidFile(), { ownerPid: process.pid, propsFile: props() })).rejects.toMatchObject({ code: 'PID_FILE_OWNED' });
    await expect(stopBroker({ pidFile: pidFile() })).rejects.toMatchObject({ code: 'PID_FILE_OWNED' });
    expect(isAlive(broker)).toBe(true);
    expect(readPidRecord(pidFile())).toMatchObject({ pid: broker, ownerPid: owner });
  });

  it('a broker whose owner is gone is stopped and the pid file claimed', async () => {
    const broker = fakeBroker(props());
    writeFileSync(pidFile(), record({ pid: broker, ownerPid: await deadPid(), propsFile: props() }));
    const { stale, record: mine } = await claimPidFile(pidFile(), { ownerPid: process.pid, propsFile: props() });
    expect(stale).toBe(broker);
    expect(isAlive(broker)).toBe(false);
    expect(readPidRecord(pidFile())).toEqual(mine);
    expect(mine).toMatchObject({ pid: null, ownerPid: process.pid, propsFile: props() });
  });

  it('a pid reused by another program is not killed; its pid file is replaced', async () => {
    const other = start('kafka.Kafka', join(dir, 'another', 'server.properties'));
    writeFileSync(pidFile(), record({ pid: other, ownerPid: await deadPid(), propsFile: props() }));
    const { stale } = await claimPidFile(pidFile(), { ownerPid: process.pid, propsFile: props() });
    expect(stale).toBeUndefined();
    expect(isAlive(other)).toBe(true);
    expect(readPidRecord(pidFile())?.ownerPid).toBe(process.pid);
  });

  it('a kafka:start broker (no owner) is reported running, never replaced, and stopped on request', async () => {
    const broker = fakeBroker(props());
    writeFileSync(pidFile(), record({ pid: broker, ownerPid: null, propsFile: props() }));
    expect(brokerStatus({ pidFile: pidFile() })).toMatchObject({ running: true, pid: broker, state: 'running' });
    await expect(claimPidFile(pidFile(), { ownerPid: process.pid, propsFile: props() })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' });
    expect(isAlive(broker)).toBe(true);
    expect(await stopBroker({ pidFile: pidFile() })).toBe(broker);
    expect(isAlive(broker)).toBe(false);
    expect(existsSync(pidFile())).toBe(false);
  });

  it('a legacy plain-number pid file is still read: its broker is stopped when it runs the expected props file', async () => {
    const broker = fakeBroker(props());
    writeFileSync(pidFile(), `${broker}\n`);
    expect(await stopBroker({ pidFile: pidFile(), propsFile: props() })).toBe(broker);
    expect(isAlive(broker)).toBe(false);
    writeFileSync(pidFile(), `${await deadPid()}\n`);
    expect(await stopBroker({ pidFile: pidFile(), propsFile: props() })).toBeUndefined();
    expect(existsSync(pidFile())).toBe(false);
  });

  it('a kafka:start claim (no owner) is starting while its starter lives: kafka:stop and a second start leave it alone', async () => {
    const starter = start(); // stands in for the `kafka:start` process during the JVM's 1-2 s start
    writeFileSync(pidFile(), record({ pid: null, ownerPid: null, starterPid: starter, propsFile: props() }));
    expect(brokerStatus({ pidFile: pidFile() })).toMatchObject({ running: false, state: 'starting' });
    await expect(stopBroker({ pidFile: pidFile() })).rejects.toMatchObject({ code: 'PID_FILE_OWNED', message: expect.stringContaining(`process ${starter}`) });
    await expect(claimPidFile(pidFile(), { ownerPid: null, propsFile: props() })).rejects.toMatchObject({ code: 'PID_FILE_OWNED' });
    expect(readPidRecord(pidFile())).toMatchObject({ pid: null, starterPid: starter });

    await terminate(starter, 5_000); // the start died before writing the broker's pid
    expect(brokerStatus({ pidFile: pidFile() }).state).toBe('gone');
    const { record: mine } = await claimPidFile(pidFile(), { ownerPid: null, propsFile: props() });
    expect(mine).toMatchObject({ pid: null, ownerPid: null, starterPid: process.pid });
  });

  it('the broker pid is written only while the pid file still holds our claim', async () => {
    const { record: claim } = await claimPidFile(pidFile(), { ownerPid: null, propsFile: props() });
    writePidRecord(pidFile(), claim, { ...claim, pid: 4242 });
    expect(readPidRecord(pidFile())?.pid).toBe(4242);
    writePidRecord(pidFile(), { pid: 4242 }, claim); // back to the claim: matched the record we wrote last

    rmSync(pidFile()); // what kafka:stop did with a claim before starterPid
    expect(() => writePidRecord(pidFile(), claim, { ...claim, pid: 4243 })).toThrow(expect.objectContaining({ code: 'PID_FILE_LOST' }));
    expect(existsSync(pidFile())).toBe(false);
    const other = record({ pid: null, ownerPid: 7, starterPid: 7, propsFile: props() });
    writeFileSync(pidFile(), other); // another start claimed it meanwhile
    expect(() => writePidRecord(pidFile(), claim, { ...claim, pid: 4243 })).toThrow(expect.objectContaining({ code: 'PID_FILE_LOST' }));
    expect(readPidRecord(pidFile())?.ownerPid).toBe(7);
  });

  it('two claims of one pid file: exactly one wins', async () => {
    const [a, b] = [start(), start()];
    const results = await Promise.allSettled([
      claimPidFile(pidFile(), { ownerPid: a, propsFile: props() }),
      claimPidFile(pidFile(), { ownerPid: b, propsFile: props() }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'PID_FILE_OWNED' } });
  });
});
