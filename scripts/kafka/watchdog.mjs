#!/usr/bin/env node
// Watchdog of a broker started by tests or the demo (see lifecycle.mjs): stops the broker JVM when
// the Node process that owns it is gone, even after a SIGKILL. Argument: JSON
// { ownerPid, pid, pidFile, propsFile, pollMs, timeoutMs }.
import { releasePidFile } from './pid-file.mjs';
import { commandLineOf, isAlive, isBrokerCommandLine, sleep, terminate } from './processes.mjs';

const { ownerPid, pid, pidFile, propsFile, pollMs = 1_000, timeoutMs = 30_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!Number.isInteger(ownerPid) || !Number.isInteger(pid)) process.exit(2);

while (isAlive(pid)) {
  if (!isAlive(ownerPid)) {
    // Never kill a process that is provably not our broker (pid reuse).
    if (isBrokerCommandLine(commandLineOf(pid), propsFile) !== false) await terminate(pid, timeoutMs);
    break;
  }
  await sleep(pollMs);
}
if (pidFile) releasePidFile(pidFile, { pid });
