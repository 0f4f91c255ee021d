// The broker's jars (Maven Central, scripts/kafka/pom.xml → .cache/kafka/libs) and the tools that
// fetch and run them: Java 17+ and Maven. Part of scripts/kafka/broker.mjs.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/**
 * Makes sure the broker's jars are in `libsDir` (default .cache/kafka/libs), fetching them with
 * Maven when they are missing or the pom changed. Resolves `{ libsDir, fetched, ms }`.
 */
export async function ensureJars({ libsDir = join(defaultCacheDir, 'libs'), log = () => {} } = {}) {
  const dir = resolve(libsDir);
  const marker = jarsMarker(dir);
  if (existsSync(marker)) return { libsDir: dir, fetched: false, ms: 0 };
  requireJava();
  const mvn = probeTool('mvn', ['-v'], MVN_HINT);
  if (mvn.problem) throw new Error(mvn.problem);
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
