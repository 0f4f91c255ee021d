#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft, broker + controller in one JVM) for tests, the demo
// and local development. Its jars come from Maven Central (scripts/kafka/pom.xml) into
// .cache/kafka/libs. Module (ensureJars, startBroker, stopBroker, brokerStatus, ...) and CLI:
//   node scripts/kafka/broker.mjs start|stop|status|fetch [--port N] [--controller-port N]
// Needs Java 17+ and Maven on PATH (JAVA_HOME is honoured). See docs/local-kafka.md.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomClusterId, renderLog4j, renderServerProperties } from './config.mjs';
import { defaultCacheDir, ensureJars, javaBin, requireJava } from './jars.mjs';
import { installStopOnExit, spawnWatchdog } from './lifecycle.mjs';
import { claimPidFile, judgePidRecord, readPidRecord, releasePidFile, stopPidFileBroker, writePidRecord } from './pid-file.mjs';
import { terminate, waitForExit } from './processes.mjs';
import { assertPortFree, clusterIdOf, freePorts, sizeOf, waitUntilReady } from './ready.mjs';

export { randomClusterId, renderServerProperties } from './config.mjs';
export { defaultCacheDir, ensureJars, missingBrokerTools, repoRoot } from './jars.mjs';
export { installStopOnExit, spawnWatchdog } from './lifecycle.mjs';
export { claimPidFile, judgePidRecord, parsePidRecord, readPidRecord, writePidRecord } from './pid-file.mjs';
export { isAlive, terminate } from './processes.mjs';
export { freePorts } from './ready.mjs';

const ATTEMPTS = 3; // with freePortFallback: starts on fresh free ports after a port was taken

/** Where the pid of the `kafka:start` broker on `port` is kept. */
export function pidFileFor(port, cacheDir = defaultCacheDir) {
  return join(resolve(cacheDir), `broker-${port}.pid`);
}

const defaultPropsFile = (port, cacheDir) => join(resolve(cacheDir), `logs-${port}`, 'server.properties');

/**
 * Stops the broker recorded in the pid file for `port` (default: the `kafka:start` one) and
 * resolves the pid it stopped, if any. Refuses (a coded error) a broker another live process owns.
 */
export async function stopBroker({ port = 9092, cacheDir = defaultCacheDir, pidFile = pidFileFor(port, cacheDir), propsFile = defaultPropsFile(port, cacheDir), timeoutMs = 30_000 } = {}) {
  return stopPidFileBroker(resolve(pidFile), { propsFile, timeoutMs });
}

/** `{ running, pid, pidFile, state }` for the broker of a pid file (see judgePidRecord for `state`). */
export function brokerStatus({ port = 9092, cacheDir = defaultCacheDir, pidFile = pidFileFor(port, cacheDir), propsFile = defaultPropsFile(port, cacheDir) } = {}) {
  const record = readPidRecord(pidFile);
  const state = judgePidRecord(record, { propsFile });
  const running = ['running', 'stale', 'owned', 'unverifiable'].includes(state);
  return { running, pid: running ? record.pid : undefined, pidFile, state };
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 and resolves once it answers metadata requests
 * as the cluster its data dir was formatted for and can create and delete a topic. Claims the pid
 * file first (stopping a broker whose owner is gone, refusing one a live process owns); fails with
 * a message naming the port when another process holds it (also when it takes the port while the
 * broker starts: `PORT_TAKEN`), unless `freePortFallback` lets it take (other) free ports.
 */
export async function startBroker(options = {}) {
  const { cacheDir = defaultCacheDir, extraProps = {}, readyTimeoutMs = 90_000, log = () => {} } = options;
  const { freePortFallback = false, freshDataDir = false, stopOnExit = false, persistent = false } = options;
  if (stopOnExit && persistent) throw new Error('startBroker: a persistent broker cannot stop on exit (choose one of stopOnExit, persistent)');
  const wanted = { port: options.port ?? 9092, controllerPort: options.controllerPort ?? 9093 };
  const dataDir = resolve(options.dataDir ?? join(cacheDir, `data-${wanted.port}`));
  const logDir = resolve(options.logDir ?? join(cacheDir, `logs-${wanted.port}`));
  const libsDir = resolve(options.libsDir ?? join(cacheDir, 'libs'));
  const pidFile = resolve(options.pidFile ?? pidFileFor(wanted.port, cacheDir));
  const propsFile = join(logDir, 'server.properties');
  if (!existsSync(libsDir)) throw new Error(`Kafka jars not found in ${libsDir}: call ensureJars() (or run \`node scripts/kafka/broker.mjs fetch\`) first`);
  requireJava();

  const ownerPid = persistent ? null : process.pid;
  const { record: claim, stale } = await claimPidFile(pidFile, { ownerPid, propsFile });
  if (stale) log(`stopped a broker (pid ${stale}) left over by a process that is gone (${pidFile})`);
  const hook = stopOnExit ? installStopOnExit() : undefined;
  let pid;
  let held = claim; // what the pid file holds while it is ours
  const release = () => {
    hook?.unhook();
    releasePidFile(pidFile, held);
  };
  const pickPorts = options.pickPorts ?? freePorts;
  const choosePorts = async (attempt) => {
    if (!freePortFallback) {
      await assertPortFree(wanted.port);
      await assertPortFree(wanted.controllerPort);
      return [wanted.port, wanted.controllerPort];
    }
    const ports = await pickPorts(attempt === 1 ? [wanted.port, wanted.controllerPort] : [0, 0]);
    if (ports[0] !== wanted.port || ports[1] !== wanted.controllerPort) {
      log(`127.0.0.1:${wanted.port}/${wanted.controllerPort} is in use; the broker listens on ${ports[0]} (controller ${ports[1]}) instead`);
    }
    return ports;
  };
  const killJvm = async () => {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await waitForExit(pid, 10_000);
  };
  try {
    if (freshDataDir) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    const log4jFile = join(logDir, 'log4j.properties');
    const logFile = join(logDir, 'server.log');
    const stdoutFile = join(logDir, 'stdout.log');
    writeFileSync(log4jFile, renderLog4j(logFile));
    const classpath = join(libsDir, '*');
    const jvmLog = `-Dlog4j.configuration=file:${log4jFile}`;

    for (let attempt = 1; ; attempt += 1) {
      const [port, controllerPort] = await choosePorts(attempt);
      const advertisedPort = options.advertisedPort ?? port;
      writeFileSync(propsFile, renderServerProperties({ port, controllerPort, advertisedPort, dataDir, extraProps }));
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        const format = spawnSync(javaBin(), ['-cp', classpath, jvmLog, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', propsFile], { encoding: 'utf8' });
        if (format.status !== 0) throw new Error(`formatting ${dataDir} failed (exit ${format.status}):\n${`${format.stdout}${format.stderr}`.trim()}`);
      }
      // Readiness checks that the broker answering on `port` has this id: our own, not another run's.
      const clusterId = clusterIdOf(dataDir);

      const [logFrom, stdoutFrom] = [sizeOf(logFile), sizeOf(stdoutFile)];
      const out = openSync(stdoutFile, 'a');
      const spawnedAt = performance.now();
      const child = spawn(javaBin(), [
        '-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dkafka.logs.dir=${logDir}`, jvmLog,
        '-cp', classpath, 'kafka.Kafka', propsFile,
      ], { detached: true, stdio: ['ignore', out, out] });
      closeSync(out);
      let exitCode;
      child.on('exit', (code, signal) => { exitCode = code ?? signal; });
      child.unref();
      pid = child.pid;
      hook?.setPid(pid);
      writePidRecord(pidFile, held, { ...claim, pid });
      held = { pid };
      if (stopOnExit) spawnWatchdog({ pid, pidFile, propsFile });

      try {
        await waitUntilReady({ port, advertisedPort, clusterId, readyTimeoutMs, exited: () => exitCode, logFile, stdoutFile, logFrom, stdoutFrom });
      } catch (err) {
        if (err.code !== 'PORT_TAKEN') throw err;
        // Back to the claim before the JVM dies, so its watchdog never deletes our pid file.
        writePidRecord(pidFile, held, claim);
        held = claim;
        await killJvm();
        pid = undefined;
        hook?.setPid(undefined);
        if (!freePortFallback) throw Object.assign(new Error(`${err.message}; free it, pick other ports, or set KAFKA_BROKERS to use that broker`), { code: err.code });
        if (attempt >= ATTEMPTS) throw Object.assign(new Error(`${err.message}; gave up after ${attempt} attempts on free ports`), { code: err.code });
        log(`${err.message}; starting again on other free ports`);
        continue;
      }
      const readyMs = Math.round(performance.now() - spawnedAt);
      const brokers = `127.0.0.1:${advertisedPort}`;
      log(`Kafka ready on ${brokers} (pid ${pid}, ${readyMs} ms, logs in ${logDir})`);
      const stop = async (timeoutMs = 30_000) => {
        await terminate(pid, timeoutMs);
        release();
      };
      const kill = async () => {
        await killJvm();
        release();
      };
      return { brokers, port, controllerPort, clusterId, pid, dataDir, logDir, logFile, pidFile, readyMs, stop, kill };
    }
  } catch (err) {
    if (pid !== undefined) await killJvm();
    release();
    if (freshDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i];
    const value = Number(rest[i + 1]);
    if (flag !== '--port' && flag !== '--controller-port') throw new Error(`unknown option ${flag}`);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${flag} needs a port number (1-65535), got ${rest[i + 1]}`);
    opts[flag === '--port' ? 'port' : 'controllerPort'] = value;
    i += 1;
  }
  return { command, port: opts.port ?? 9092, controllerPort: opts.controllerPort ?? (opts.port ?? 9092) + 1 };
}

async function main(argv) {
  const { command, port, controllerPort } = parseArgs(argv);
  const log = (msg) => console.log(`[kafka] ${msg}`);
  const stopHint = `node scripts/kafka/broker.mjs stop${port === 9092 ? '' : ` --port ${port}`}`;
  switch (command) {
    case 'fetch': {
      const { libsDir, fetched, ms } = await ensureJars({ log });
      log(fetched ? `fetched jars into ${libsDir} in ${ms} ms` : `jars already in ${libsDir}`);
      return;
    }
    case 'start': {
      await ensureJars({ log });
      try {
        const handle = await startBroker({ port, controllerPort, persistent: true, log });
        log(`export KAFKA_BROKERS=${handle.brokers}   # stop with: ${stopHint}`);
      } catch (err) {
        if (err.code !== 'ALREADY_RUNNING') throw err;
        log(`already running: ${err.message}`);
        log(`export KAFKA_BROKERS=127.0.0.1:${port}   # stop with: ${stopHint}`);
      }
      return;
    }
    case 'stop': {
      const pid = await stopBroker({ port });
      log(pid ? `stopped the broker on port ${port} (pid ${pid})` : `no broker of ours is running on port ${port}`);
      return;
    }
    case 'status': {
      const { running, pid, pidFile, state } = brokerStatus({ port });
      log(running ? `running on 127.0.0.1:${port} (pid ${pid}${state === 'running' ? '' : `, ${state}`})` : `not running on port ${port} (${state === 'starting' ? 'starting' : `pid file ${pidFile}`})`);
      process.exitCode = running ? 0 : 3;
      return;
    }
    default:
      throw new Error(`usage: node scripts/kafka/broker.mjs start|stop|status|fetch [--port N] [--controller-port N] (got ${command ?? 'nothing'})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`[kafka] ${err.message}`);
    process.exit(1);
  });
}
