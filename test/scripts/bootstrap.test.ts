import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap, installProblem, lockfileSatisfied, MARKER, planBootstrap } from '../../scripts/bootstrap.mjs';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A lockfile (v3) and the hidden lockfile npm writes after installing it on this platform. */
function lockfiles(): { lock: Record<string, unknown>; hidden: Record<string, unknown> } {
  const packages = {
    'node_modules/kafkajs': { version: '2.2.4', resolved: 'https://registry.npmjs.org/kafkajs/-/kafkajs-2.2.4.tgz', integrity: 'sha512-aaa' },
    'node_modules/zod': { version: '4.6.7', resolved: 'https://registry.npmjs.org/zod/-/zod-4.6.7.tgz', integrity: 'sha512-bbb', license: 'MIT' },
  };
  const lock = {
    name: 'firestream', lockfileVersion: 3,
    packages: {
      '': { name: 'firestream', version: '0.1.0' },
      ...packages,
      // For another platform: not installed here.
      'node_modules/@esbuild/darwin-arm64': { version: '0.27.7', optional: true, dev: true, os: ['darwin'] },
    },
  };
  return { lock, hidden: { name: 'firestream', lockfileVersion: 3, packages } };
}
const text = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('planBootstrap', () => {
  it('does nothing when the marker holds the hash of the lockfile', () => {
    const { lock } = lockfiles();
    expect(planBootstrap({ lockText: text(lock), markerText: `${sha256(text(lock))}\n`, hiddenLockText: undefined }))
      .toMatchObject({ npm: undefined, writeMarker: false });
  });

  it('right after `npm ci` (no marker, hidden lockfile matches): only writes the marker, so npm ci never runs twice', () => {
    const { lock, hidden } = lockfiles();
    expect(planBootstrap({ lockText: text(lock), markerText: undefined, hiddenLockText: text(hidden) }))
      .toMatchObject({ npm: undefined, writeMarker: true });
  });

  it('a stale marker whose node_modules still matches the lockfile (an npm ci by hand) does not reinstall', () => {
    const { lock, hidden } = lockfiles();
    expect(planBootstrap({ lockText: text(lock), markerText: sha256('older lockfile'), hiddenLockText: text(hidden) }))
      .toMatchObject({ npm: undefined, writeMarker: true });
  });

  it('runs npm ci when a package changed version, appeared, or went away, or node_modules is missing', () => {
    const { lock, hidden } = lockfiles();
    const changed = structuredClone(lock);
    (changed.packages as Record<string, { version: string }>)['node_modules/zod']!.version = '4.7.0';
    const added = structuredClone(lock);
    (added.packages as Record<string, unknown>)['node_modules/yaml'] = { version: '2.9.1' };
    const extraneous = structuredClone(hidden);
    (extraneous.packages as Record<string, unknown>)['node_modules/left-pad'] = { version: '1.3.0' };
    for (const [lockText, hiddenLockText] of [
      [text(changed), text(hidden)],
      [text(added), text(hidden)],
      [text(lock), text(extraneous)],
      [text(lock), undefined],
      [text(lock), '{ not json'],
    ] as const) {
      expect(planBootstrap({ lockText, markerText: undefined, hiddenLockText })).toMatchObject({ npm: 'ci', writeMarker: true });
    }
  });

  it('without a lockfile installs only when there is no node_modules', () => {
    expect(planBootstrap({ lockText: undefined, markerText: undefined, hiddenLockText: undefined }).npm).toBe('install');
    expect(planBootstrap({ lockText: undefined, markerText: undefined, hiddenLockText: '{}' }).npm).toBeUndefined();
  });

  it("this checkout's node_modules matches its package-lock.json", () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    expect(lockfileSatisfied(readFileSync(join(root, 'package-lock.json'), 'utf8'), readFileSync(join(root, 'node_modules', '.package-lock.json'), 'utf8'))).toBe(true);
  });
});

describe('installProblem (after npm ci)', () => {
  it('is nothing when npm installed what the lockfile lists', () => {
    const { lock, hidden } = lockfiles();
    expect(installProblem(text(lock), text(hidden))).toBeUndefined();
  });

  it('names omitted dev dependencies (NODE_ENV=production, omit=dev)', () => {
    const { lock, hidden } = lockfiles();
    (lock.packages as Record<string, unknown>)['node_modules/vitest'] = { version: '3.2.4', dev: true };
    expect(installProblem(text(lock), text(hidden))).toMatch(/dev dependencies.*NODE_ENV=production.*omit=dev/);
  });

  it('says node_modules still does not match for anything else', () => {
    const { lock, hidden } = lockfiles();
    const other = structuredClone(hidden);
    (other.packages as Record<string, { version: string }>)['node_modules/zod']!.version = '4.0.0';
    expect(installProblem(text(lock), text(other))).toMatch(/still does not match/);
    expect(installProblem(text(lock), undefined)).toMatch(/still does not match/);
  });
});

describe('bootstrap', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function checkout(): { npmRuns: string[] } {
    root = mkdtempSync(join(tmpdir(), 'firestream-bootstrap-'));
    const { lock, hidden } = lockfiles();
    writeFileSync(join(root, 'package-lock.json'), text(lock));
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), text(hidden));
    return { npmRuns: [] };
  }

  it('a lockfile with a future mtime does not make every run reinstall', () => {
    const { npmRuns } = checkout();
    const future = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    utimesSync(join(root, 'package-lock.json'), future, future);
    for (let i = 0; i < 3; i++) bootstrap({ root, run: (command) => npmRuns.push(command), log: () => {} });
    expect(npmRuns).toEqual([]);
    expect(readFileSync(join(root, 'node_modules', MARKER), 'utf8').trim()).toBe(sha256(readFileSync(join(root, 'package-lock.json'), 'utf8')));
  });

  it('npm ci that leaves out the dev dependencies fails with the reason and writes no marker', () => {
    const { npmRuns } = checkout();
    const { lock, hidden } = lockfiles();
    (lock.packages as Record<string, unknown>)['node_modules/vitest'] = { version: '3.2.4', dev: true };
    writeFileSync(join(root, 'package-lock.json'), text(lock));
    // npm ci under NODE_ENV=production: installs everything but vitest.
    const run = (command: string): void => {
      npmRuns.push(command);
      writeFileSync(join(root, 'node_modules', '.package-lock.json'), text(hidden));
    };
    expect(() => bootstrap({ root, run, log: () => {} })).toThrow(/dev dependencies/);
    expect(existsSync(join(root, 'node_modules', MARKER))).toBe(false);
    expect(() => bootstrap({ root, run, log: () => {} })).toThrow(/dev dependencies/); // still not recorded as done
    expect(npmRuns).toEqual(['ci', 'ci']);
  });

  it('a changed lockfile runs npm ci once, then records it', () => {
    const { npmRuns } = checkout();
    const { lock, hidden } = lockfiles(); // sharing the entries of node_modules/*
    (lock.packages as Record<string, { version: string }>)['node_modules/zod']!.version = '4.7.0';
    writeFileSync(join(root, 'package-lock.json'), text(lock));
    // npm ci installs what the lockfile lists and records it in the hidden lockfile.
    const run = (command: string): void => {
      npmRuns.push(command);
      writeFileSync(join(root, 'node_modules', '.package-lock.json'), text(hidden));
    };
    bootstrap({ root, run, log: () => {} });
    bootstrap({ root, run, log: () => {} });
    expect(npmRuns).toEqual(['ci']);
  });
});
