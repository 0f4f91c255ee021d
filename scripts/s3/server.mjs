#!/usr/bin/env node
// A real S3-compatible server (S3Proxy on its filesystem backend) for the integration tests, the
// demo and local development: one JVM, data on local disk, signed requests only, with credentials
// generated for each start. Its jar comes from Maven Central (scripts/s3/pom.xml) into
// .cache/s3proxy/lib. Module (ensureS3ProxyJar, startS3Proxy, stopS3Proxy, s3ProxyStatus) and CLI:
//   node scripts/s3/server.mjs start|stop|status|fetch [--port N]
// Needs Java 17+ and Maven on PATH (JAVA_HOME is honoured). See docs/imagery-s3.md.
// Pid files, stop-on-exit, the watchdog and free ports come from scripts/kafka/ (see ownership.mjs).
import { chmodSync, closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaBin } from '../kafka/jars.mjs';
import { installStopOnExit, spawnWatchdog } from '../kafka/lifecycle.mjs';
import { readPidRecord, releasePidFile, writePidRecord } from '../kafka/pid-file.mjs';
import { terminate, waitForExit } from '../kafka/processes.mjs';
import { freePorts } from '../kafka/ready.mjs';
import { randomCredentials, renderEnvFile, renderS3ProxyProperties, writePrivateFile } from './config.mjs';
import { defaultS3CacheDir, ensureS3ProxyJar, s3ProxyJarIn } from './jar.mjs';
import { S3PROXY_MAIN, claimS3PidFile, judgeS3ProxyRecord, stopS3PidFile } from './ownership.mjs';
import { createBucket, waitUntilS3Ready } from './ready.mjs';

export { randomCredentials, renderS3ProxyProperties } from './config.mjs';
export { defaultS3CacheDir, ensureS3ProxyJar, missingS3Tools } from './jar.mjs';
export { isS3ProxyCommandLine, judgeS3ProxyRecord } from './ownership.mjs';

const ATTEMPTS = 3; // with freePortFallback: starts again on a fresh free port after the port was taken
const DEFAULT_PORT = 9000;

/** Where the pid file of the `s3:start` server on `port` is kept. */
export const s3PidFileFor = (port, cacheDir = defaultS3CacheDir) => join(resolve(cacheDir), `s3proxy-${port}.pid`);
const defaultRunDir = (port, cacheDir) => join(resolve(cacheDir), `run-${port}`);
const sizeOf = (file) => { try { return statSync(file).size; } catch { return 0; } };

/** Stops the S3Proxy of a pid file (default: the `s3:start` one on `port`); resolves the pid it stopped. */
export function stopS3Proxy({ port = DEFAULT_PORT, cacheDir = defaultS3CacheDir, pidFile = s3PidFileFor(port, cacheDir), timeoutMs = 30_000 } = {}) {
  return stopS3PidFile(resolve(pidFile), { timeoutMs });
}

/** `{ running, pid, pidFile, state }` for the S3Proxy of a pid file. */
export function s3ProxyStatus({ port = DEFAULT_PORT, cacheDir = defaultS3CacheDir, pidFile = s3PidFileFor(port, cacheDir) } = {}) {
  const record = readPidRecord(pidFile);
  const state = judgeS3ProxyRecord(record);
  const running = ['running', 'stale', 'owned', 'unverifiable'].includes(state);
  return { running, pid: running ? record.pid : undefined, pidFile, state };
}

/**
 * Starts S3Proxy on 127.0.0.1 with fresh random credentials and resolves once it answers a request
 * signed with them; then creates `buckets`. The secret is written only to the properties file and
 * `s3.env` in `runDir` (mode 0600) and returned in the handle: never logged.
 */
export async function startS3Proxy(options = {}) {
  const { cacheDir = defaultS3CacheDir, buckets = [], region = 'us-east-1', readyTimeoutMs = 60_000, log = () => {} } = options;
  const { freePortFallback = false, freshDataDir = false, stopOnExit = false, persistent = false, extraProps = {} } = options;
  if (stopOnExit && persistent) throw new Error('startS3Proxy: a persistent server cannot stop on exit (choose one of stopOnExit, persistent)');
  const wanted = options.port ?? DEFAULT_PORT; // 0: any free port
  const runDir = resolve(options.runDir ?? defaultRunDir(wanted, cacheDir));
  const dataDir = resolve(options.dataDir ?? join(runDir, 'data'));
  const logDir = resolve(options.logDir ?? join(runDir, 'logs'));
  const pidFile = resolve(options.pidFile ?? s3PidFileFor(wanted, cacheDir));
  const propsFile = join(runDir, 's3proxy.properties');
  const envFile = join(runDir, 's3.env');
  const logFile = join(logDir, 's3proxy.log');
  const jarFile = s3ProxyJarIn(resolve(options.libDir ?? join(cacheDir, 'lib')));

  const claim = await claimS3PidFile(pidFile, { ownerPid: persistent ? null : process.pid, propsFile });
  const hook = stopOnExit ? installStopOnExit() : undefined;
  let held = claim;
  let pid;
  const release = () => {
    hook?.unhook();
    releasePidFile(pidFile, held);
  };
  const killJvm = async () => {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await waitForExit(pid, 10_000);
  };
  try {
    if (freshDataDir) rmSync(dataDir, { recursive: true, force: true });
    for (const dir of [runDir, dataDir, logDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(runDir, 0o700); // it holds this run's secret (the pid file may have created it before)
    for (let attempt = 1; ; attempt += 1) {
      const [port] = await freePorts([attempt === 1 ? wanted : 0]);
      if (port !== wanted && !freePortFallback) throw Object.assign(new Error(`port ${wanted} on 127.0.0.1 is already in use by another process: free it, pick another port (--port), or set S3_ENDPOINT to use the server that runs there`), { code: 'PORT_TAKEN' });
      if (port !== wanted && attempt === 1 && wanted > 0) log(`127.0.0.1:${wanted} is in use; S3Proxy listens on ${port} instead`);
      const credentials = randomCredentials();
      const endpoint = `http://127.0.0.1:${port}`;
      writePrivateFile(propsFile, renderS3ProxyProperties({ port, baseDir: dataDir, extraProps, ...credentials }));
      writePrivateFile(envFile, renderEnvFile({ endpoint, region, bucket: buckets[0], ...credentials }));

      const logFrom = sizeOf(logFile);
      const out = openSync(logFile, 'a');
      const spawnedAt = performance.now();
      const child = spawn(javaBin(), ['-Xms64m', '-Xmx512m', '-Djava.awt.headless=true', '-cp', jarFile, S3PROXY_MAIN, '--properties', propsFile], {
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...process.env, LOG_LEVEL: process.env.S3PROXY_LOG_LEVEL ?? 'warn' },
      });
      closeSync(out);
      let exitCode;
      child.on('exit', (code, signal) => { exitCode = code ?? signal; });
      child.unref();
      pid = child.pid;
      hook?.setPid(pid);
      writePidRecord(pidFile, held, { ...claim, pid });
      held = { pid };
      if (stopOnExit) spawnWatchdog({ pid, pidFile, propsFile, mainClass: S3PROXY_MAIN });
      try {
        await waitUntilS3Ready({ port, ...credentials, readyTimeoutMs, exited: () => exitCode, logFile, logFrom });
      } catch (err) {
        if (err.code !== 'PORT_TAKEN' || !freePortFallback || attempt >= ATTEMPTS) throw err;
        writePidRecord(pidFile, held, claim); // back to the claim first, so the watchdog leaves the file alone
        held = claim;
        await killJvm();
        pid = undefined;
        hook?.setPid(undefined);
        log(`${err.message}; starting again on another free port`);
        continue;
      }
      const readyMs = Math.round(performance.now() - spawnedAt);
      for (const bucket of buckets) await createBucket({ port, bucket, ...credentials });
      log(`S3Proxy ready on ${endpoint} (pid ${pid}, ${readyMs} ms, data in ${dataDir})`);
      const stop = async (timeoutMs = 30_000) => {
        await terminate(pid, timeoutMs);
        release();
      };
      const kill = async () => {
        await killJvm();
        release();
      };
      return { endpoint, port, region, buckets, ...credentials, pid, runDir, dataDir, logDir, logFile, propsFile, envFile, pidFile, readyMs, stop, kill };
    }
  } catch (err) {
    if (pid !== undefined) await killJvm();
    release();
    throw err;
  }
}

function parseArgs(argv) {
  const [command, flag, raw] = argv;
  if (flag === undefined) return { command, port: DEFAULT_PORT };
  const port = Number(raw);
  if (flag !== '--port') throw new Error(`unknown option ${flag}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number (1-65535), got ${raw}`);
  return { command, port };
}

async function main(argv) {
  const { command, port } = parseArgs(argv);
  const log = (msg) => console.log(`[s3] ${msg}`);
  const stopHint = `npm run s3:stop${port === DEFAULT_PORT ? '' : ` -- --port ${port}`}`;
  switch (command) {
    case 'fetch': {
      const { jarFile, fetched, ms } = await ensureS3ProxyJar({ log });
      log(fetched ? `fetched ${jarFile} in ${ms} ms` : `already there: ${jarFile}`);
      return;
    }
    case 'start': {
      await ensureS3ProxyJar({ log });
      try {
        const handle = await startS3Proxy({ port, persistent: true, freshDataDir: true, buckets: ['firestream'], log });
        log(`bucket "firestream" created; endpoint, bucket and this start's credentials are in ${handle.envFile} (mode 0600)`);
      } catch (err) {
        if (err.code !== 'ALREADY_RUNNING') throw err;
        log(`already running: ${err.message}`);
      }
      log(`load its settings with: source ${join(defaultRunDir(port, defaultS3CacheDir), 's3.env')}   # stop with: ${stopHint}`);
      return;
    }
    case 'stop': {
      const pid = await stopS3Proxy({ port });
      log(pid ? `stopped the S3Proxy on port ${port} (pid ${pid})` : `no S3Proxy of ours is running on port ${port}`);
      return;
    }
    case 'status': {
      const { running, pid, state } = s3ProxyStatus({ port });
      log(running ? `running on 127.0.0.1:${port} (pid ${pid}${state === 'running' ? '' : `, ${state}`})` : `not running on port ${port}`);
      process.exitCode = running ? 0 : 3;
      return;
    }
    default:
      throw new Error(`usage: node scripts/s3/server.mjs start|stop|status|fetch [--port N] (got ${command ?? 'nothing'})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`[s3] ${err.message}`);
    process.exit(1);
  });
}
