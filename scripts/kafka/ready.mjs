// Ports and readiness of a broker started by scripts/kafka/broker.mjs. Ready means: the broker on
// our port is OURS (its cluster id is the one our data dir was formatted with, so a second run
// whose JVM could not bind never takes another run's broker for its own), it can create and delete
// a topic, and our JVM still runs afterwards.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import kafkajs from 'kafkajs';
import { brokerError } from './pid-file.mjs';
import { sleep } from './processes.mjs';

const text = (file, from = 0) => (existsSync(file) ? readFileSync(file).subarray(from).toString('utf8') : '');
const tail = (file, lines = 40) => text(file).trimEnd().split('\n').slice(-lines).join('\n');

/** The size of `file` in bytes (0 when missing): where the output of the next JVM starts. */
export const sizeOf = (file) => (existsSync(file) ? statSync(file).size : 0);

/** The `cluster.id` a KRaft data dir was formatted with (from its meta.properties), if any. */
export function clusterIdOf(dataDir) {
  return /^cluster\.id=(.+)$/m.exec(text(`${dataDir}/meta.properties`))?.[1]?.trim();
}

/** Fails (a plain Error naming the port) when something listens on 127.0.0.1:`port`. */
export function assertPortFree(port) {
  return new Promise((ok, fail) => {
    const server = net.createServer();
    server.once('error', (err) => {
      fail(new Error(err.code === 'EADDRINUSE'
        ? `port ${port} on 127.0.0.1 is already in use by another process: free it, pick other ports (--port/--controller-port), or set KAFKA_BROKERS to use the broker that runs there`
        : `cannot check port ${port} on 127.0.0.1: ${err.message}`));
    });
    server.listen(port, '127.0.0.1', () => server.close(() => ok()));
  });
}

/**
 * Distinct ports on 127.0.0.1, one per entry of `preferred`: the preferred port when nothing
 * listens on it, else one the OS picks (0 always asks the OS). All are held until all are chosen;
 * another process may still take one before the broker binds it (then the start retries).
 */
export async function freePorts(preferred) {
  const servers = [];
  const listen = (port) => new Promise((ok) => {
    const server = net.createServer();
    server.once('error', () => ok(undefined));
    server.listen(port, '127.0.0.1', () => { servers.push(server); ok(server.address().port); });
  });
  try {
    const ports = [];
    for (const port of preferred) ports.push((port > 0 ? await listen(port) : undefined) ?? await listen(0));
    if (ports.includes(undefined)) throw new Error(`no free port on 127.0.0.1 for ${preferred.join(', ')}`);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  }
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

const portTaken = (port, why) => brokerError('PORT_TAKEN', `127.0.0.1:${port} ${why}: another process took the port while this broker started`);

async function probe(kafka, port, clusterId) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    // Before touching anything: is this our broker at all?
    if (clusterId !== undefined && cluster.clusterId !== clusterId) {
      throw portTaken(port, `is answered by another Kafka broker (cluster id ${cluster.clusterId}, ours is ${clusterId})`);
    }
    if (cluster.brokers.length === 0) throw new Error('no brokers in metadata yet');
    const topic = `__firestream-probe-${randomBytes(4).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true, timeout: 10_000 });
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Resolves once our broker is ready (see the top of this file). Rejects with `PORT_TAKEN` when
 * another broker answers on the port or our JVM exited because a port was in use, and with a
 * plain Error (log tails included) when it exited otherwise or was not ready in time.
 * `logFrom` / `stdoutFrom`: where this JVM's output starts in the (appended) log files.
 */
export async function waitUntilReady({ port, advertisedPort, clusterId, readyTimeoutMs, exited, logFile, stdoutFile, logFrom = 0, stdoutFrom = 0 }) {
  const kafka = probeClient(port, advertisedPort);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    let code = exited();
    let lastError;
    if (code === undefined) {
      try {
        await probe(kafka, port, clusterId);
        code = exited();
        if (code === undefined) return; // and our JVM still runs
      } catch (err) {
        if (err.code === 'PORT_TAKEN') throw err;
        lastError = err;
      }
    }
    if (code !== undefined && /Address already in use/.test(text(logFile, logFrom) + text(stdoutFile, stdoutFrom))) {
      throw portTaken(port, `or its controller port was in use when the broker bound it (exit ${code}, see ${logFile})`);
    }
    if (code !== undefined || Date.now() > deadline) {
      const why = code !== undefined ? `exited (${code}) before it was ready` : `was not ready within ${readyTimeoutMs} ms (last error: ${lastError?.message}); killed it`;
      throw new Error(`Kafka broker on 127.0.0.1:${port} ${why}. Tail of ${logFile}:\n${tail(logFile)}\n${tail(stdoutFile, 15)}`);
    }
    await sleep(250);
  }
}
