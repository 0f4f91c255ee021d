#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft, broker + controller in one JVM) for tests, the demo
// and local development. Its jars come from Maven Central (scripts/kafka/pom.xml) into
// .cache/kafka/libs. Module (ensureJars, startBroker, stopBroker, brokerStatus) and CLI:
//   node scripts/kafka/broker.mjs start|stop|status|fetch [--port N] [--controller-port N]
// Needs Java 17+ and Maven on PATH (JAVA_HOME is honoured). See docs/local-kafka.md.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const here = dirname(fileURLToPath(import.meta.url));
const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

/** Repository root, the default cache (.cache/kafka) and the pom that lists the jars. */
export const repoRoot = resolve(here, '..', '..');
export const defaultCacheDir = join(repoRoot, '.cache', 'kafka');
const pomFile = join(here, 'pom.xml');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const javaBin = () => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

function requireTool(cmd, args, hint) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} is not available (${r.error?.message ?? `exit ${r.status}`}): ${hint}`);
  }
  return `${r.stdout}${r.stderr}`;
}

function requireJava() {
  const out = requireTool(javaBin(), ['-version'], 'install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`) or set KAFKA_BROKERS to use an existing cluster');
  const major = Number(/version "(?:1\.)?(\d+)/.exec(out)?.[1] ?? 0);
  if (major && major < 17) throw new Error(`java ${major} found; the local Kafka broker needs Java 17 or newer (set JAVA_HOME or KAFKA_BROKERS)`);
}

function tail(file, lines = 40) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Makes sure the broker's jars are in `libsDir` (default .cache/kafka/libs), fetching them with
 * Maven when they are missing or the pom changed. Resolves `{ libsDir, fetched, ms }`.
 */
export async function ensureJars({ libsDir = join(defaultCacheDir, 'libs'), log = () => {} } = {}) {
  const dir = resolve(libsDir);
  const stamp = createHash('sha256').update(readFileSync(pomFile)).digest('hex').slice(0, 16);
  const marker = join(dir, `.complete-${stamp}`);
  if (existsSync(marker)) return { libsDir: dir, fetched: false, ms: 0 };
  requireJava();
  requireTool('mvn', ['-v'], 'install Apache Maven (e.g. `apt-get install maven`) to fetch the Kafka jars, or set KAFKA_BROKERS to use an existing cluster');
  // A different pom (e.g. a new Kafka version) must not leave old jars on the classpath.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`fetching Kafka jars into ${dir} ...`);
  const started = performance.now();
  const args = ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${dir}`, '-DincludeScope=runtime'];
  await new Promise((ok, fail) => {
    execFile('mvn', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`mvn ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${`${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n')}`));
      else ok();
    });
  });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { libsDir: dir, fetched: true, ms: Math.round(performance.now() - started) };
}

/** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
export function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The server.properties text for a single-node broker + controller on 127.0.0.1. */
export function renderServerProperties({ port, controllerPort, advertisedPort = port, dataDir, extraProps = {} }) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'auto.create.topics.enable': 'true',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'min.insync.replicas': '1',
    'group.initial.rebalance.delay.ms': '0',
    'message.max.bytes': String(MAX_MESSAGE_BYTES),
    'replica.fetch.max.bytes': String(MAX_MESSAGE_BYTES),
    ...Object.fromEntries(Object.entries(extraProps).map(([k, v]) => [k, String(v)])),
  };
  return `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

function renderLog4j(logFile) {
  return [
    'log4j.rootLogger=WARN, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // One INFO line that says the broker started, so the log shows each start.
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
}

/** True when `pid` is a live process (zombies count as dead). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill(pid, 0)
  }
}

function looksLikeKafka(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true; // no /proc: the pid file is our only evidence
  }
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid, timeoutMs = 30_000) {
  if (!isAlive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  if (await waitForExit(pid, timeoutMs)) return;
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  await waitForExit(pid, 10_000);
}

/** Where the pid of the broker on `port` is kept (stable across runs, so stale brokers are found). */
export function pidFileFor(port, cacheDir = defaultCacheDir) {
  return join(resolve(cacheDir), `broker-${port}.pid`);
}

function readPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Stops the broker recorded in the pid file for `port`. Resolves the pid it stopped, if any. */
export async function stopBroker({ port = 9092, cacheDir = defaultCacheDir, pidFile = pidFileFor(port, cacheDir), timeoutMs = 30_000 } = {}) {
  const pid = readPid(pidFile);
  let stopped;
  if (pid && isAlive(pid) && looksLikeKafka(pid)) {
    await terminate(pid, timeoutMs);
    stopped = pid;
  }
  rmSync(pidFile, { force: true });
  return stopped;
}

/** `{ running, pid, pidFile }` for the broker on `port`, from its pid file. */
export function brokerStatus({ port = 9092, cacheDir = defaultCacheDir } = {}) {
  const pidFile = pidFileFor(port, cacheDir);
  const pid = readPid(pidFile);
  const running = Boolean(pid && isAlive(pid) && looksLikeKafka(pid));
  return { running, pid: running ? pid : undefined, pidFile };
}

function assertPortFree(port) {
  return new Promise((ok, fail) => {
    const server = net.createServer();
    server.once('error', (err) => {
      fail(new Error(err.code === 'EADDRINUSE'
        ? `port ${port} on 127.0.0.1 is already in use by another process (not a broker this script started): free it, pick other ports (--port/--controller-port), or set KAFKA_BROKERS to use the broker that runs there`
        : `cannot check port ${port} on 127.0.0.1: ${err.message}`));
    });
    server.listen(port, '127.0.0.1', () => server.close(() => ok()));
  });
}

// A kafkajs client that reaches the broker even when it advertises another port (a test proxy
// that is not up yet): connections to the advertised port are sent to the real one.
function probeClient(port, advertisedPort) {
  const socketFactory = ({ host, port: p, onConnect }) =>
    net.connect({ host, port: p === advertisedPort ? port : p }, onConnect);
  return new kafkajs.Kafka({
    clientId: 'firestream-broker-probe', brokers: [`127.0.0.1:${port}`], logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1_000, requestTimeout: 10_000, retry: { retries: 0 }, socketFactory,
  });
}

async function probe(kafka) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers in metadata yet');
    const topic = `__firestream-probe-${randomBytes(4).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true, timeout: 10_000 });
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    return cluster.clusterId;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 and resolves once it answers metadata requests
 * and can create and delete a topic. Stops a stale broker of ours on the same port first; fails
 * with a message naming the port when another process holds it.
 */
export async function startBroker(options = {}) {
  const { port = 9092, controllerPort = 9093, advertisedPort = port, cacheDir = defaultCacheDir, extraProps = {}, readyTimeoutMs = 90_000, log = () => {} } = options;
  const dataDir = resolve(options.dataDir ?? join(cacheDir, `data-${port}`));
  const logDir = resolve(options.logDir ?? join(cacheDir, `logs-${port}`));
  const libsDir = resolve(options.libsDir ?? join(cacheDir, 'libs'));
  const pidFile = options.pidFile ?? pidFileFor(port, cacheDir);
  if (!existsSync(libsDir)) throw new Error(`Kafka jars not found in ${libsDir}: call ensureJars() (or run \`node scripts/kafka/broker.mjs fetch\`) first`);
  requireJava();

  const stale = await stopBroker({ pidFile });
  if (stale) log(`stopped a stale broker (pid ${stale}) from an earlier run on port ${port}`);
  await assertPortFree(port);
  await assertPortFree(controllerPort);

  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  mkdirSync(dirname(pidFile), { recursive: true });
  const propsFile = join(logDir, 'server.properties');
  const log4jFile = join(logDir, 'log4j.properties');
  const logFile = join(logDir, 'server.log');
  const stdoutFile = join(logDir, 'stdout.log');
  writeFileSync(propsFile, renderServerProperties({ port, controllerPort, advertisedPort, dataDir, extraProps }));
  writeFileSync(log4jFile, renderLog4j(logFile));
  const classpath = join(libsDir, '*');
  const jvmLog = `-Dlog4j.configuration=file:${log4jFile}`;

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const format = spawnSync(javaBin(), ['-cp', classpath, jvmLog, 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', propsFile], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`formatting ${dataDir} failed (exit ${format.status}):\n${`${format.stdout}${format.stderr}`.trim()}`);
  }

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
  const pid = child.pid;
  writeFileSync(pidFile, `${pid}\n`);

  const brokers = `127.0.0.1:${advertisedPort}`;
  const kill = async () => {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    await waitForExit(pid, 10_000);
    rmSync(pidFile, { force: true });
  };
  const stop = async (timeoutMs = 30_000) => {
    await terminate(pid, timeoutMs);
    rmSync(pidFile, { force: true });
  };

  const kafka = probeClient(port, advertisedPort);
  const deadline = Date.now() + readyTimeoutMs;
  let lastError;
  for (;;) {
    if (exitCode !== undefined) lastError = new Error(`the broker process exited (${exitCode})`);
    else {
      try {
        await probe(kafka);
        break;
      } catch (err) {
        lastError = err;
      }
    }
    if (exitCode !== undefined || Date.now() > deadline) {
      const why = exitCode !== undefined ? `exited (${exitCode}) before it was ready` : `was not ready within ${readyTimeoutMs} ms (last error: ${lastError?.message}); killed it`;
      await kill();
      throw new Error(`Kafka broker on 127.0.0.1:${port} ${why}. Tail of ${logFile}:\n${tail(logFile)}\n${tail(stdoutFile, 15)}`);
    }
    await sleep(250);
  }
  const readyMs = Math.round(performance.now() - spawnedAt);
  log(`Kafka ready on ${brokers} (pid ${pid}, ${readyMs} ms, logs in ${logDir})`);
  return { brokers, port, controllerPort, pid, dataDir, logDir, logFile, pidFile, readyMs, stop, kill };
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
  switch (command) {
    case 'fetch': {
      const { libsDir, fetched, ms } = await ensureJars({ log });
      log(fetched ? `fetched jars into ${libsDir} in ${ms} ms` : `jars already in ${libsDir}`);
      return;
    }
    case 'start': {
      await ensureJars({ log });
      const handle = await startBroker({ port, controllerPort, log });
      log(`export KAFKA_BROKERS=${handle.brokers}   # stop with: node scripts/kafka/broker.mjs stop${port === 9092 ? '' : ` --port ${port}`}`);
      return;
    }
    case 'stop': {
      const pid = await stopBroker({ port });
      log(pid ? `stopped the broker on port ${port} (pid ${pid})` : `no broker of ours is running on port ${port}`);
      return;
    }
    case 'status': {
      const { running, pid, pidFile } = brokerStatus({ port });
      log(running ? `running on 127.0.0.1:${port} (pid ${pid})` : `not running on port ${port} (pid file ${pidFile})`);
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
