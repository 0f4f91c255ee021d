// The broker's jars (Maven Central, scripts/kafka/pom.xml → .cache/kafka/libs) and the tools that
// fetch and run them: Java 17+ and Maven. Part of scripts/kafka/broker.mjs.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pomFile = join(here, 'pom.xml');

/** Repository root, the default cache (.cache/kafka) and the pom that lists the jars. */
export const repoRoot = resolve(here, '..', '..');
export const defaultCacheDir = join(repoRoot, '.cache', 'kafka');

export const javaBin = () => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

const JAVA_HINT = 'install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`) or set KAFKA_BROKERS to use an existing cluster';
const MVN_HINT = 'install Apache Maven (e.g. `apt-get install maven`) to fetch the Kafka jars, or set KAFKA_BROKERS to use an existing cluster';

// The problem with a tool, or its output when it runs.
function probeTool(cmd, args, hint) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { problem: `${cmd} is not available (${r.error?.message ?? `exit ${r.status}`}): ${hint}` };
  return { output: `${r.stdout}${r.stderr}` };
}

function javaProblem() {
  const { problem, output } = probeTool(javaBin(), ['-version'], JAVA_HINT);
  if (problem) return problem;
  const major = Number(/version "(?:1\.)?(\d+)/.exec(output)?.[1] ?? 0);
  return major && major < 17 ? `java ${major} found; the local Kafka broker needs Java 17 or newer (set JAVA_HOME or KAFKA_BROKERS)` : undefined;
}

/** Throws when Java 17+ cannot be run, saying what to install. */
export function requireJava() {
  const problem = javaProblem();
  if (problem) throw new Error(problem);
}

function jarsMarker(libsDir) {
  const stamp = createHash('sha256').update(readFileSync(pomFile)).digest('hex').slice(0, 16);
  return join(resolve(libsDir), `.complete-${stamp}`);
}

/**
 * What stops this machine from starting a local broker: Java 17+ always, Maven only while the
 * jars of the current pom are not in `libsDir` yet. An empty list when nothing is missing.
 */
export function missingBrokerTools({ libsDir = join(defaultCacheDir, 'libs') } = {}) {
  const problems = [javaProblem()];
  if (!existsSync(jarsMarker(libsDir))) problems.push(probeTool('mvn', ['-v'], MVN_HINT).problem);
  return problems.filter((p) => p !== undefined);
}

/** Longest a Maven fetch may take (10 min) before it is killed. */
export const DEFAULT_MVN_TIMEOUT_MS = 600_000;

function runMaven(args, timeoutMs) {
  return new Promise((ok, fail) => {
    execFile('mvn', args, { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return ok();
      const why = err.killed ? `did not finish within ${timeoutMs} ms and was stopped` : `failed (${err.message.split('\n')[0]})`;
      fail(new Error(`mvn ${args.join(' ')} ${why}:\n${`${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n')}`));
    });
  });
}

const sleepMs = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Copies the dependencies of `pomFile` with Maven (checksums checked strictly, killed after
 * `timeoutMs`) into `dir`, `marker` (a file in `dir`) last, without ever showing a half-filled
 * `dir`: Maven fills a fresh sibling directory, which then replaces `dir` by a rename. A
 * concurrent fetch of the same pom (another test run) never deletes files in use: whichever
 * finishes second finds the marker and drops its own copy. A `dir` holding anything but jars is
 * never replaced. Resolves true when this call's copy was kept. `extraArgs` go to
 * `dependency:copy-dependencies`.
 */
export async function fetchWithMaven({ pomFile, dir, marker, extraArgs = [], timeoutMs = DEFAULT_MVN_TIMEOUT_MS }) {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  const old = `${tmp}-old`;
  try {
    await runMaven(['-q', '-B', '--strict-checksums', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`, ...extraArgs], timeoutMs);
    writeFileSync(join(tmp, basename(marker)), `${new Date().toISOString()}\n`);
    for (let attempt = 1; ; attempt += 1) {
      if (existsSync(marker)) return false; // another fetch of this pom finished first
      const foreign = existsSync(dir) ? readdirSync(dir).find((f) => !/\.jar$|^\.complete-/.test(f)) : undefined;
      if (foreign !== undefined) throw new Error(`refusing to replace ${dir} with the fetched jars: it holds ${foreign}, which is not a jar`);
      try {
        renameSync(dir, old); // the jars of another pom: out of the way, atomically
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
      }
      try {
        renameSync(tmp, dir);
        return true;
      } catch (err) {
        // Another fetch put its copy there between our two renames: use it, or try again.
        if (!['ENOTEMPTY', 'EEXIST'].includes(err.code) || attempt >= 3) throw err;
        await sleepMs(100);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

/**
 * Makes sure the broker's jars are in `libsDir` (default .cache/kafka/libs), fetching them with
 * Maven when they are missing or the pom changed (see {@link fetchWithMaven}; `timeoutMs` bounds
 * Maven, default 10 min). Resolves `{ libsDir, fetched, ms }`.
 */
export async function ensureJars({ libsDir = join(defaultCacheDir, 'libs'), log = () => {}, timeoutMs = DEFAULT_MVN_TIMEOUT_MS } = {}) {
  const dir = resolve(libsDir);
  const marker = jarsMarker(dir);
  if (existsSync(marker)) return { libsDir: dir, fetched: false, ms: 0 };
  requireJava();
  const mvn = probeTool('mvn', ['-v'], MVN_HINT);
  if (mvn.problem) throw new Error(mvn.problem);
  log(`fetching Kafka jars into ${dir} ...`);
  const started = performance.now();
  // A different pom (e.g. a new Kafka version) must not leave old jars on the classpath: the new copy replaces the directory.
  await fetchWithMaven({ pomFile, dir, marker, extraArgs: ['-DincludeScope=runtime'], timeoutMs });
  return { libsDir: dir, fetched: true, ms: Math.round(performance.now() - started) };
}
