// Process helpers of scripts/kafka/broker.mjs and its watchdog: is a pid alive, what is its command
// line, and stopping it (SIGTERM, then SIGKILL). No dependencies, so the watchdog starts fast.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True when `pid` is a live process (zombies count as dead where /proc tells). */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill(pid, 0)
  }
}

/**
 * The command line of `pid`: `{ args }` (exact arguments, from /proc), `{ text }` (arguments
 * joined by spaces, from `ps` where there is no /proc), or `undefined` when neither can tell.
 */
export function commandLineOf(pid) {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return { args: raw.split('\0').filter((a) => a.length > 0) };
  } catch (err) {
    // With /proc, no cmdline means the process is gone (ENOENT) or hidden from us (EACCES).
    if (existsProc()) return err.code === 'ENOENT' ? { args: [] } : undefined;
  }
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const text = ps.status === 0 ? ps.stdout.trim() : '';
  return text ? { text } : undefined;
}

function existsProc() {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a command line is the JVM of `mainClass` that reads `propsFile`: `true`, `false`, or
 * `undefined` when there is no command line to look at (then nobody may kill the pid).
 * With exact arguments (/proc) both `mainClass` and the exact path must be arguments.
 */
export function isJvmCommandLine(commandLine, mainClass, propsFile) {
  if (commandLine === undefined) return undefined;
  if (commandLine.args) return commandLine.args.includes(mainClass) && commandLine.args.includes(propsFile);
  const text = ` ${commandLine.text} `;
  return text.includes(` ${mainClass} `) && text.includes(` ${propsFile} `);
}

/** The main class of the broker JVM. */
export const KAFKA_MAIN = 'kafka.Kafka';

/** Resolves true once `pid` is gone, false when it still lives after `timeoutMs`. */
export async function waitForExit(pid, timeoutMs) {
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
