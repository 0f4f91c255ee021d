// Pid files of scripts/kafka/broker.mjs. A pid file records who owns a broker, so one run never
// stops a broker that another live process (a test run, the demo) still uses:
//   {"pid": 4242, "ownerPid": 4200, "starterPid": 4200, "propsFile": "/abs/logs/server.properties", "startedAt": "..."}
// `pid` is null while the broker starts; `ownerPid` is null for a broker that outlives the process
// that started it (`kafka:start`); `starterPid` is the process that started it (so a `kafka:start`
// claim counts as `starting` while its starter lives). A plain number is a pid file of an older
// version of `kafka:start` (owner unknown).
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KAFKA_MAIN, commandLineOf, isAlive, isJvmCommandLine, terminate } from './processes.mjs';

/**
 * The server a pid file is about, for the identity check and the messages: the Kafka broker by
 * default; scripts/s3 passes S3Proxy's. `mainClass` must be on the JVM's command line.
 */
export const KAFKA_SERVER = Object.freeze({ mainClass: KAFKA_MAIN, aName: 'a broker', theName: 'the broker', startCommand: 'npm run kafka:start', stopCommand: 'npm run kafka:stop' });

/** An Error with a `code` (PID_FILE_OWNED, ALREADY_RUNNING, UNVERIFIABLE, PID_FILE_BUSY, ...). */
export function brokerError(code, message) {
  return Object.assign(new Error(message), { code });
}

const positive = (v) => (Number.isInteger(v) && v > 0 ? v : undefined);

/** Parses pid-file text (JSON, or a legacy plain pid); `undefined` when it is neither. */
export function parsePidRecord(text) {
  const trimmed = String(text).trim();
  if (/^\d+$/.test(trimmed)) {
    const pid = positive(Number(trimmed));
    return pid && { pid, ownerPid: undefined, starterPid: undefined, propsFile: undefined, startedAt: undefined };
  }
  let data;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const pid = data.pid === null ? null : positive(data.pid);
  const ownerPid = data.ownerPid === null ? null : positive(data.ownerPid);
  if (pid === undefined || ownerPid === undefined || typeof data.propsFile !== 'string') return undefined;
  const startedAt = typeof data.startedAt === 'string' ? data.startedAt : undefined;
  return { pid, ownerPid, starterPid: positive(data.starterPid), propsFile: data.propsFile, startedAt };
}

function readRaw(pidFile) {
  try {
    return readFileSync(pidFile, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The record in `pidFile`; `undefined` when there is none (or it is unreadable garbage). */
export function readPidRecord(pidFile) {
  const raw = readRaw(pidFile);
  return raw === undefined ? undefined : parsePidRecord(raw);
}

/**
 * What a pid-file record means now (pure apart from the injected probes):
 * `empty` no record; `gone` its process (or, while starting, its owner and starter) is gone;
 * `foreign` the pid now belongs to another program; `starting` another live process is starting
 * it; `owned` another live process owns it; `running`
 * a broker nobody owns (`kafka:start`) runs; `stale` a broker whose owner is gone (or unknown, or
 * this process) runs; `unverifiable` a process runs but its command line cannot be checked.
 */
export function judgePidRecord(record, { propsFile, mainClass = KAFKA_MAIN, selfPid = process.pid, alive = isAlive, commandLine = commandLineOf } = {}) {
  if (!record) return 'empty';
  const { pid, ownerPid } = record;
  const liveOther = (p) => typeof p === 'number' && p !== selfPid && alive(p);
  const ownerLive = liveOther(ownerPid);
  if (pid === null) return ownerLive || liveOther(record.starterPid) ? 'starting' : 'gone';
  if (!alive(pid)) return 'gone';
  const expected = record.propsFile ?? propsFile;
  const verified = expected === undefined ? undefined : isJvmCommandLine(commandLine(pid), mainClass, expected);
  if (verified === false) return 'foreign';
  if (ownerLive) return 'owned';
  if (verified === undefined) return 'unverifiable';
  return ownerPid === null ? 'running' : 'stale';
}

function refusal(state, record, pidFile, server) {
  switch (state) {
    case 'starting':
    case 'owned': {
      const holder = state === 'owned' || record.ownerPid ? record.ownerPid : record.starterPid;
      return brokerError('PID_FILE_OWNED', `${pidFile} belongs to ${server.aName}${record.pid ? ` (pid ${record.pid})` : ' that is starting'} of process ${holder}, which is still running; it is left alone: use another pid file (and ports), or end process ${holder} first`);
    }
    case 'running':
      return brokerError('ALREADY_RUNNING', `${server.aName} started with \`${server.startCommand}\` runs as pid ${record.pid} (${pidFile}); use it, or stop it with \`${server.stopCommand}\``);
    case 'unverifiable':
      return brokerError('UNVERIFIABLE', `${pidFile} names pid ${record.pid}, but its command line cannot be read to check that it is ${server.theName}, so it is not killed: if \`ps -p ${record.pid}\` shows a leftover ${server.mainClass}, stop it (\`kill ${record.pid}\`), then delete ${pidFile}`);
    default:
      return undefined;
  }
}

function removeIfUnchanged(pidFile, raw) {
  if (readRaw(pidFile) === raw) rmSync(pidFile, { force: true });
}

const matches = (record, expected) => record !== undefined && Object.entries(expected).every(([k, v]) => record[k] === v);

/**
 * Writes `record` to `pidFile` atomically (temp file + rename), but only while the file still
 * holds `expected` (our claim, or the record we wrote last): otherwise throws `PID_FILE_LOST`.
 */
export function writePidRecord(pidFile, expected, record) {
  if (!matches(readPidRecord(pidFile), expected)) {
    throw brokerError('PID_FILE_LOST', `${pidFile} was changed or deleted by another process while this broker started (e.g. \`kafka:stop\`); the start is abandoned`);
  }
  const tmp = `${pidFile}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, pidFile);
}

/**
 * Makes `pidFile` ours: `{ pid: null, ownerPid, starterPid, propsFile, startedAt }`, created atomically, so two
 * processes never both win. An earlier record is cleared when its process is gone; a stale broker
 * (owner gone) is stopped first (resolves its pid as `stale`). Throws a coded error (see
 * {@link judgePidRecord}) when the pid file belongs to a live owner or a `kafka:start` broker.
 * `server` (default {@link KAFKA_SERVER}) names the kind of server, as for S3Proxy.
 */
export async function claimPidFile(pidFile, { ownerPid, propsFile, timeoutMs = 30_000, server = KAFKA_SERVER }) {
  mkdirSync(dirname(pidFile), { recursive: true });
  let stale;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const raw = readRaw(pidFile);
    if (raw !== undefined) {
      const record = parsePidRecord(raw);
      const state = judgePidRecord(record, { propsFile, mainClass: server.mainClass });
      const refused = refusal(state, record, pidFile, server);
      if (refused) throw refused;
      if (state === 'stale') {
        await terminate(record.pid, timeoutMs);
        stale = record.pid;
      }
      removeIfUnchanged(pidFile, raw);
    }
    const mine = { pid: null, ownerPid, starterPid: process.pid, propsFile, startedAt: new Date().toISOString() };
    const tmp = `${pidFile}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(mine)}\n`);
    try {
      linkSync(tmp, pidFile); // fails when the file exists: another process claimed it first
      return { record: mine, stale };
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  throw brokerError('PID_FILE_BUSY', `could not claim ${pidFile}: other processes keep claiming it`);
}

/**
 * Stops the broker a pid file names and deletes the file; resolves the pid it stopped, if any.
 * Throws a coded error instead when another live process owns it or its command line cannot be
 * checked. `propsFile` identifies the broker of a legacy (plain-number) pid file; `server` as for
 * {@link claimPidFile}.
 */
export async function stopPidFileBroker(pidFile, { propsFile, timeoutMs = 30_000, server = KAFKA_SERVER } = {}) {
  const raw = readRaw(pidFile);
  if (raw === undefined) return undefined;
  const record = parsePidRecord(raw);
  const state = judgePidRecord(record, { propsFile, mainClass: server.mainClass });
  if (state === 'starting' || state === 'owned' || state === 'unverifiable') throw refusal(state, record, pidFile, server);
  let stopped;
  if (state === 'running' || state === 'stale') {
    await terminate(record.pid, timeoutMs);
    stopped = record.pid;
  }
  removeIfUnchanged(pidFile, raw);
  return stopped;
}

/**
 * Deletes `pidFile` when its record still matches every field of `expected` (e.g. `{ pid }`, or
 * `{ pid: null, ownerPid, startedAt }` of a claim): another process may have claimed it since.
 */
export function releasePidFile(pidFile, expected) {
  if (matches(readPidRecord(pidFile), expected)) rmSync(pidFile, { force: true });
}
