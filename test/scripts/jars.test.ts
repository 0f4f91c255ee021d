// Messages of scripts/kafka/jars.mjs when Java or Maven is missing, from a child Node process
// whose PATH holds only what the test puts there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const jarsModule = new URL('../../scripts/kafka/jars.mjs', import.meta.url).href;
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `code` (with `m` = jars.mjs) in a child whose PATH is `path` and without JAVA_HOME. */
function inChild(code: string, path: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  delete env.JAVA_HOME;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(jarsModule)}); ${code}`], { env, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

function whichJava(): string | undefined {
  const r = spawnSync('java', ['-version']);
  if (r.error || r.status !== 0) return undefined;
  const w = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' });
  return w.status === 0 ? realpathSync(w.stdout.trim()) : undefined;
}

describe('missing tools', () => {
  it('without java: both missingBrokerTools and ensureJars say to install Java 17 or set KAFKA_BROKERS', () => {
    dir = mkdtempSync(join(tmpdir(), 'firestream-jars-test-'));
    const libsDir = JSON.stringify(join(dir, 'libs'));
    const out = inChild(
      `console.log(JSON.stringify(m.missingBrokerTools({ libsDir: ${libsDir} })));
       await m.ensureJars({ libsDir: ${libsDir} }).catch((e) => console.log('ensureJars: ' + e.message));`,
      dir,
    );
    const [listLine = '[]', ...rest] = out.trim().split('\n');
    const missing = JSON.parse(listLine) as string[];
    expect(missing).toHaveLength(2); // java, and mvn because no jars are there yet
    expect(missing[0]).toMatch(/^java is not available .*install Java 17 or newer.*KAFKA_BROKERS/);
    expect(missing[1]).toMatch(/^mvn is not available .*install Apache Maven.*KAFKA_BROKERS/);
    expect(rest.join('\n')).toMatch(/^ensureJars: java is not available .*Java 17/);
  });

  it.skipIf(whichJava() === undefined)('with java but without mvn: names Maven only while the jars are missing', () => {
    dir = mkdtempSync(join(tmpdir(), 'firestream-jars-test-'));
    symlinkSync(whichJava() ?? '', join(dir, 'java'));
    const libsDir = JSON.stringify(join(dir, 'libs'));
    const out = inChild(
      `console.log(JSON.stringify(m.missingBrokerTools({ libsDir: ${libsDir} })));
       await m.ensureJars({ libsDir: ${libsDir} }).catch((e) => console.log('ensureJars: ' + e.message));`,
      dir,
    );
    const [listLine = '[]', ...rest] = out.trim().split('\n');
    expect(JSON.parse(listLine)).toEqual([expect.stringMatching(/^mvn is not available .*install Apache Maven/)]);
    expect(rest.join('\n')).toMatch(/^ensureJars: mvn is not available/);
  });
});
