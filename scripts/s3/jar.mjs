// S3Proxy's jar (Maven Central, scripts/s3/pom.xml → .cache/s3proxy/lib) and the Java that runs it.
// Part of scripts/s3/server.mjs. Java, the repository root and the Maven fetch come from scripts/kafka/jars.mjs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MVN_TIMEOUT_MS, fetchWithMaven, javaBin, repoRoot } from '../kafka/jars.mjs';

const pomFile = join(dirname(fileURLToPath(import.meta.url)), 'pom.xml');

/** Default cache directory: `<repo>/.cache/s3proxy`. */
export const defaultS3CacheDir = join(repoRoot, '.cache', 's3proxy');

const JAVA_HINT = 'install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`) or set S3_ENDPOINT to use an existing S3-compatible server';
const MVN_HINT = 'install Apache Maven (e.g. `apt-get install maven`) to fetch S3Proxy, or set S3_ENDPOINT to use an existing S3-compatible server';

/** What stops this machine from running S3Proxy: a message per missing tool (Maven only while the jar is missing). */
export function missingS3Tools({ libDir = join(defaultS3CacheDir, 'lib') } = {}) {
  const problems = [];
  const java = spawnSync(javaBin(), ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(?:1\.)?(\d+)/.exec(`${java.stdout}${java.stderr}`)?.[1] ?? 0);
  if (java.error || java.status !== 0) problems.push(`java is not available (${java.error?.message ?? `exit ${java.status}`}): ${JAVA_HINT}`);
  else if (major && major < 17) problems.push(`java ${major} found; S3Proxy needs Java 17 or newer: ${JAVA_HINT}`);
  if (!existsSync(markerOf(libDir))) {
    const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
    if (mvn.error || mvn.status !== 0) problems.push(`mvn is not available (${mvn.error?.message ?? `exit ${mvn.status}`}): ${MVN_HINT}`);
  }
  return problems;
}

function markerOf(libDir) {
  const stamp = createHash('sha256').update(readFileSync(pomFile)).digest('hex').slice(0, 16);
  return join(resolve(libDir), `.complete-${stamp}`);
}

/** The S3Proxy jar in `libDir`, once {@link ensureS3ProxyJar} has put it there. */
export function s3ProxyJarIn(libDir) {
  const jar = existsSync(libDir) ? readdirSync(libDir).find((f) => /^s3proxy-.*-jar-with-dependencies\.jar$/.test(f)) : undefined;
  if (jar === undefined) throw new Error(`S3Proxy jar not found in ${libDir}: call ensureS3ProxyJar() (or run \`node scripts/s3/server.mjs fetch\`) first`);
  return join(libDir, jar);
}

/**
 * Makes sure S3Proxy's jar is in `libDir` (default .cache/s3proxy/lib), fetching it with Maven when
 * it is missing or the pom changed (atomically, checksums checked, Maven killed after `timeoutMs`:
 * see fetchWithMaven in scripts/kafka/jars.mjs). Resolves `{ jarFile, fetched, ms }`.
 */
export async function ensureS3ProxyJar({ libDir = join(defaultS3CacheDir, 'lib'), log = () => {}, timeoutMs = DEFAULT_MVN_TIMEOUT_MS } = {}) {
  const dir = resolve(libDir);
  const marker = markerOf(dir);
  if (existsSync(marker)) return { jarFile: s3ProxyJarIn(dir), fetched: false, ms: 0 };
  const problems = missingS3Tools({ libDir: dir });
  if (problems.length > 0) throw new Error(problems.join('; '));
  log(`fetching S3Proxy into ${dir} ...`);
  const started = performance.now();
  await fetchWithMaven({ pomFile, dir, marker, extraArgs: ['-DexcludeTransitive=true'], timeoutMs });
  return { jarFile: s3ProxyJarIn(dir), fetched: true, ms: Math.round(performance.now() - started) };
}
