// Pid files of scripts/s3/server.mjs: those of scripts/kafka/pid-file.mjs (JSON records, claimed
// atomically, a server another live process owns is never stopped), for a JVM whose command line
// is `org.gaul.s3proxy.Main --properties <propsFile>` instead of the broker's.
import { claimPidFile, judgePidRecord, stopPidFileBroker } from '../kafka/pid-file.mjs';
import { isJvmCommandLine } from '../kafka/processes.mjs';

export const S3PROXY_MAIN = 'org.gaul.s3proxy.Main';

/** The server of S3Proxy pid files, for scripts/kafka/pid-file.mjs. */
const S3PROXY_SERVER = Object.freeze({ mainClass: S3PROXY_MAIN, aName: 'an S3Proxy', theName: 'S3Proxy', startCommand: 'npm run s3:start', stopCommand: 'npm run s3:stop' });

/** Whether a command line (see commandLineOf) is the S3Proxy reading `propsFile`; undefined when unknown. */
export function isS3ProxyCommandLine(commandLine, propsFile) {
  return isJvmCommandLine(commandLine, S3PROXY_MAIN, propsFile);
}

/**
 * What a pid-file record means now (see judgePidRecord): `empty`, `gone`, `foreign` (the pid is
 * another program now), `starting` or `owned` (another live process starts or owns it), `running`
 * (a persistent `s3:start` server), `stale` (a server whose owner is gone) or `unverifiable`.
 */
export function judgeS3ProxyRecord(record, probes = {}) {
  return judgePidRecord(record, { ...probes, mainClass: S3PROXY_MAIN });
}

/**
 * Makes `pidFile` ours (`{ pid: null, ownerPid, starterPid, propsFile, startedAt }`, created
 * atomically): stops a stale server first, refuses one another live process owns or `s3:start`
 * runs. Resolves the claim.
 */
export async function claimS3PidFile(pidFile, { ownerPid, propsFile, timeoutMs = 30_000 }) {
  const { record } = await claimPidFile(pidFile, { ownerPid, propsFile, timeoutMs, server: S3PROXY_SERVER });
  return record;
}

/** Stops the S3Proxy a pid file names (unless another live process owns it) and deletes the file; resolves its pid. */
export function stopS3PidFile(pidFile, { timeoutMs = 30_000 } = {}) {
  return stopPidFileBroker(pidFile, { timeoutMs, server: S3PROXY_SERVER });
}
