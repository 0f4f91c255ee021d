// Lifetime, ownership and secrets of S3Proxy servers started by scripts/s3/server.mjs, each with
// its own files in a temporary directory and on a free port.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readPidRecord } from '../../scripts/kafka/broker.mjs';
import { ensureS3ProxyJar, missingS3Tools, s3ProxyStatus, startS3Proxy, stopS3Proxy } from '../../scripts/s3/server.mjs';
import type { S3ProxyHandle } from '../../scripts/s3/server.mjs';
import { ErrorCodes } from '../../src/errors.js';
import { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import { exitWithin, tempDirs } from './fixtures/local-broker.js';

// With S3_ENDPOINT set, Java and Maven may be missing (S3_ENDPOINT is documented to remove that need).
const missing = process.env.S3_ENDPOINT ? missingS3Tools() : [];
if (missing.length > 0) console.warn(`[s3-server.int.test] skipping the tests that start S3Proxy servers of their own: S3_ENDPOINT is set and ${missing.join('; ')}`);

const dirs = tempDirs();
const handles: S3ProxyHandle[] = [];
const children: ChildProcess[] = [];
const serverUrl = new URL('../../scripts/s3/server.mjs', import.meta.url).href;

beforeAll(async () => {
  if (missing.length === 0) await ensureS3ProxyJar();
}, 120_000);
afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
afterAll(() => dirs.cleanup());

const files = (dir: string) => ({ port: 0, freePortFallback: true, runDir: dir, pidFile: join(dir, 's3proxy.pid') });

describe.skipIf(missing.length > 0)('a local S3Proxy', () => {
  it('answers only this start\'s credentials, keeps the secret in 0600 files and out of its log, and stops', async () => {
    const dir = dirs.make();
    const server = await startS3Proxy({ ...files(dir), buckets: ['lifecycle'] });
    handles.push(server);
    const connection = { bucket: 'lifecycle', endpoint: server.endpoint, forcePathStyle: true, accessKeyId: server.accessKeyId, maxAttempts: 1 };
    const good = new S3ObjectStore({ ...connection, secretAccessKey: server.secretAccessKey });
    const bad = new S3ObjectStore({ ...connection, secretAccessKey: 'not-the-secret-of-this-start' });
    await good.put('k', Buffer.from('v'));
    await expect(bad.get('k')).rejects.toMatchObject({ code: ErrorCodes.OBJECT_STORE_FAILED, context: { reason: 'access_denied' } });
    await Promise.all([good.close(), bad.close()]);

    for (const file of [server.propsFile, server.envFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(server.runDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(server.envFile, 'utf8')).toContain(`export S3_ENDPOINT='${server.endpoint}'`);
    expect(readFileSync(server.logFile, 'utf8')).not.toContain(server.secretAccessKey);

    await handles.pop()?.stop();
    expect(isAlive(server.pid)).toBe(false);
    expect(readPidRecord(server.pidFile)).toBe(undefined);
  }, 90_000);

  it('SIGKILL of the owner: the watchdog stops its server and deletes the pid file', async () => {
    const options = files(dirs.make());
    const script = `const { startS3Proxy } = await import(${JSON.stringify(serverUrl)});
      const h = await startS3Proxy({ ...${JSON.stringify(options)}, stopOnExit: true });
      console.log(JSON.stringify({ pid: h.pid }));
      setInterval(() => {}, 60_000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the owner exited (${code}) before its server was ready`)));
      child.stdout.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { pid: number }).pid));
    });
    expect(readPidRecord(options.pidFile)).toMatchObject({ pid, ownerPid: child.pid });
    child.kill('SIGKILL');
    expect(await exitWithin(pid, 30_000)).toBeLessThan(30_000);
    await expect.poll(() => readPidRecord(options.pidFile), { timeout: 5_000 }).toBeUndefined();
  }, 90_000);

  it('regression: the test setup\'s teardown deletes the run\'s secret files and data, and keeps its logs', () => {
    const setupModule = fileURLToPath(new URL('../setup/global-s3.ts', import.meta.url));
    const script = `const { default: setup } = await import(${JSON.stringify(setupModule)});
      const { defaultS3CacheDir } = await import(${JSON.stringify(serverUrl)});
      const { existsSync } = await import('node:fs');
      const teardown = await setup();
      const dir = defaultS3CacheDir + '/test-run-' + process.pid;
      console.log(JSON.stringify({ dir, before: ['s3proxy.properties', 's3.env', 'data'].map((f) => existsSync(dir + '/' + f)) }));
      await teardown();`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('S3_')) delete env[name];
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 80_000 });
    const { dir, before } = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { dir: string; before: boolean[] };
    try {
      expect(before).toEqual([true, true, true]);
      expect(['s3proxy.properties', 's3.env', 'data', 'logs/s3proxy.log'].map((f) => existsSync(join(dir, f)))).toEqual([false, false, false, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a persistent server refuses a second start with its pid file, and stopS3Proxy stops it', async () => {
    const options = files(dirs.make());
    const server = await startS3Proxy({ ...options, persistent: true });
    expect(s3ProxyStatus({ pidFile: options.pidFile })).toMatchObject({ running: true, pid: server.pid, state: 'running' });
    await expect(startS3Proxy({ ...options })).rejects.toMatchObject({ code: 'ALREADY_RUNNING' });
    expect(isAlive(server.pid)).toBe(true);
    expect(await stopS3Proxy({ pidFile: options.pidFile })).toBe(server.pid);
    expect([isAlive(server.pid), s3ProxyStatus({ pidFile: options.pidFile }).state]).toEqual([false, 'empty']);
  }, 90_000);
});
