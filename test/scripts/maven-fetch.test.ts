// The Maven fetch of scripts/kafka/jars.mjs (fetchWithMaven), used for the Kafka jars and S3Proxy's
// jar, with a fake `mvn` and `java` (shell scripts) in a child Node process: deadline, strict
// checksums, and two fetches of the same pom at once.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const jarModule = new URL('../../scripts/s3/jar.mjs', import.meta.url).href;
const JAR = 's3proxy-9.9.9-jar-with-dependencies.jar';

// Writes the jar in two steps with a pause between, as Maven copies files, and logs its arguments.
const FAKE_MVN = `#!/bin/sh
[ "$1" = "-v" ] && { echo "Apache Maven (fake)"; exit 0; }
echo "$@" >> "$FAKE_MVN_LOG"
[ -n "$FAKE_MVN_HANG" ] && exec /bin/sleep 30
for a in "$@"; do case "$a" in -DoutputDirectory=*) out="\${a#-DoutputDirectory=}";; esac; done
echo first-half > "$out/${JAR}"
/bin/sleep "$FAKE_MVN_PAUSE"
echo second-half >> "$out/${JAR}"
`;
const FAKE_JAVA = '#!/bin/sh\necho \'openjdk version "17.0.1"\' >&2\n';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeTools(): { bin: string; javaHome: string; log: string } {
  dir = mkdtempSync(join(tmpdir(), 'firestream-maven-fetch-'));
  const bin = join(dir, 'bin');
  const javaHome = join(dir, 'jdk');
  mkdirSync(bin);
  mkdirSync(join(javaHome, 'bin'), { recursive: true });
  writeFileSync(join(bin, 'mvn'), FAKE_MVN);
  writeFileSync(join(javaHome, 'bin', 'java'), FAKE_JAVA);
  chmodSync(join(bin, 'mvn'), 0o755);
  chmodSync(join(javaHome, 'bin', 'java'), 0o755);
  return { bin, javaHome, log: join(dir, 'mvn.log') };
}

/** Runs `code` (with `m` = scripts/s3/jar.mjs) in a child whose PATH holds only the fake tools; resolves its output lines. */
function inChild(code: string, env: Record<string, string>): string[] {
  const { bin, javaHome, log } = fakeTools();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(jarModule)}); ${code}`], {
    env: { ...process.env, PATH: bin, JAVA_HOME: javaHome, FAKE_MVN_LOG: log, FAKE_MVN_PAUSE: '0.25', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return `${r.stdout}${r.stderr}`.trim().split('\n');
}

// One child process for all cases (starting one takes most of a second).
const SCENARIOS = `
  const base = process.env.FAKE_BASE;
  const show = (p) => p.then((v) => v.jarFile, (e) => e.message.split('\\n')[0]);
  const lib = base + '/lib';
  const later = new Promise((ok) => setTimeout(ok, 100)).then(() => show(m.ensureS3ProxyJar({ libDir: lib })));
  console.log(JSON.stringify(await Promise.all([show(m.ensureS3ProxyJar({ libDir: lib })), later])));
  process.env.FAKE_MVN_HANG = '1';
  console.log(await show(m.ensureS3ProxyJar({ libDir: base + '/hang', timeoutMs: 300 })));
  delete process.env.FAKE_MVN_HANG;
  process.env.FAKE_MVN_PAUSE = '0';
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(base + '/mine');
  writeFileSync(base + '/mine/notes.txt', 'keep me');
  console.log(await show(m.ensureS3ProxyJar({ libDir: base + '/mine' })));`;

describe('fetchWithMaven (through ensureS3ProxyJar)', () => {
  it('regression: two fetches at once keep one whole copy; a hanging Maven is stopped; checksums are strict; a directory of other files is kept', () => {
    const base = join(tmpdir(), `firestream-maven-fetch-${process.pid}-${Date.now()}`);
    mkdirSync(base);
    try {
      const started = performance.now();
      const [both = '[]', hang = '', mine = ''] = inChild(SCENARIOS, { FAKE_BASE: base });
      // Concurrent fetches of the same pom: both resolve, and the second never deleted files the first was writing.
      expect(JSON.parse(both)).toEqual([join(base, 'lib', JAR), join(base, 'lib', JAR)]);
      expect(readFileSync(join(base, 'lib', JAR), 'utf8')).toBe('first-half\nsecond-half\n');
      expect(readdirSync(join(base, 'lib')).sort()).toEqual([expect.stringMatching(/^\.complete-[0-9a-f]{16}$/), JAR]);
      // A Maven that never ends is stopped after timeoutMs.
      expect(hang).toMatch(/^mvn .* did not finish within 300 ms and was stopped:/);
      expect(performance.now() - started).toBeLessThan(8_000);
      // A directory that does not hold only jars is not replaced.
      expect(mine).toMatch(/refusing to replace .*\/mine with the fetched jars: it holds notes\.txt/);
      expect(readFileSync(join(base, 'mine', 'notes.txt'), 'utf8')).toBe('keep me');
      // No temporary directory is left behind.
      expect(readdirSync(base).sort()).toEqual(['lib', 'mine']);
      expect(readFileSync(join(dir, 'mvn.log'), 'utf8').trim().split('\n').every((line) => line.split(' ').includes('--strict-checksums'))).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
