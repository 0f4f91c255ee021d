#!/usr/bin/env node
// Watchdog of a JVM started by tests or the demo (see lifecycle.mjs): stops the Kafka broker (or
// S3Proxy, scripts/s3) when the Node process that owns it is gone, even after a SIGKILL. Argument:
// JSON { ownerPid, pid, pidFile, propsFile, mainClass (default kafka.Kafka), pollMs, timeoutMs }.
import { releasePidFile } from './pid-file.mjs';
import { KAFKA_MAIN, commandLineOf, isAlive, isJvmCommandLine, sleep, terminate } from './processes.mjs';

const { ownerPid, pid, pidFile, propsFile, mainClass = KAFKA_MAIN, pollMs = 1_000, timeoutMs = 30_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!Number.isInteger(ownerPid) || !Number.isInteger(pid)) process.exit(2);

while (isAlive(pid)) {
  if (!isAlive(ownerPid)) {
    // Never kill a process that is provably not our server (pid reuse).
    if (isJvmCommandLine(commandLineOf(pid), mainClass, propsFile) !== false) await terminate(pid, timeoutMs);
    break;
  }
  await sleep(pollMs);
}
if (pidFile) releasePidFile(pidFile, { pid });
