// Ties a broker started by tests or the demo to the Node process that started it (its owner):
// `installStopOnExit` sends the broker SIGTERM when the owner exits or gets SIGINT/SIGTERM/SIGHUP,
// and `spawnWatchdog` starts a tiny detached process that stops the broker when the owner is gone
// without a word (SIGKILL, a crash). Brokers of `kafka:start` use neither.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const watchdogFile = join(dirname(fileURLToPath(import.meta.url)), 'watchdog.mjs');

/**
 * The broker runs in its own process group, so Ctrl-C does not reach it: send it SIGTERM when
 * this process is interrupted or exits (it shuts itself down even after we are gone). Install it
 * before the broker is spawned and call `setPid` once its pid is known, so an interrupt during
 * start-up is covered too. Our listeners go first because vitest's SIGINT/SIGTERM listener calls
 * process.exit(), after which later 'exit' listeners never run. Returns `{ setPid, unhook }`.
 */
export function installStopOnExit() {
  let pid;
  const forward = () => {
    if (pid === undefined) return;
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  };
  const onSignal = (signal) => {
    forward();
    unhook();
    // Keep the default behaviour (exit by the signal) when nobody else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unhook = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', forward);
  };
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  process.prependListener('exit', forward);
  return { setPid: (p) => { pid = p; }, unhook };
}

/**
 * Starts the watchdog of broker `pid` (or of another JVM: S3Proxy passes its `mainClass`): every
 * `pollMs` it checks `ownerPid`; once the owner is gone it SIGTERMs the JVM (SIGKILL after
 * `timeoutMs`) unless the pid is provably another program now, deletes `pidFile` if it still
 * names the JVM, and exits. It also exits as soon as the JVM is gone. Returns the watchdog's pid.
 */
export function spawnWatchdog({ ownerPid = process.pid, pid, pidFile, propsFile, mainClass = 'kafka.Kafka', pollMs = 1_000, timeoutMs = 30_000 }) {
  const args = JSON.stringify({ ownerPid, pid, pidFile, propsFile, mainClass, pollMs, timeoutMs });
  const child = spawn(process.execPath, [watchdogFile, args], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid;
}
