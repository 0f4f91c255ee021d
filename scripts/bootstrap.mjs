#!/usr/bin/env node
// Dependency-free first step of `npm test`, `npm run demo` and `npm run bench`: installs
// node_modules from the lockfile (`npm ci`) when they do not match it, so a fresh clone works with
// one command. Kafka's jars are fetched later by scripts/kafka/broker.mjs.
//
// Whether node_modules matches package-lock.json is decided by content, never by file times (a
// lockfile with a future mtime must not reinstall on every run):
// 1. node_modules/.firestream-bootstrap holds the sha256 of the lockfile that was last installed
//    or checked; equal → nothing to do (the fast path, no JSON parsing).
// 2. Otherwise npm's own record of what it installed, node_modules/.package-lock.json, is compared
//    package by package with the lockfile. Equal (e.g. right after `.ci/run`'s `npm ci`) → only
//    the marker is written, so `npm ci` never runs twice in a row.
// 3. Otherwise → `npm ci`, then the check of step 2 again: the marker only when it passes. It fails
//    when npm left packages out (NODE_ENV=production or `omit=dev` skip devDependencies): then
//    bootstrap says so and exits non-zero instead of recording a broken install.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Name of the marker file inside node_modules. */
export const MARKER = '.firestream-bootstrap';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * True when npm's hidden lockfile (what is installed) has every package of the lockfile at the
 * same version, resolved URL and integrity, and nothing else. Optional packages may be missing
 * (they are for other platforms, e.g. `@esbuild/darwin-arm64` on Linux).
 */
export function lockfileSatisfied(lockText, hiddenLockText) {
  let want;
  let have;
  try {
    want = JSON.parse(lockText).packages;
    have = JSON.parse(hiddenLockText).packages;
  } catch {
    return false;
  }
  if (!want || !have || typeof want !== 'object' || typeof have !== 'object') return false;
  const same = (a, b, field) => a[field] === undefined || b[field] === undefined || a[field] === b[field];
  for (const [path, entry] of Object.entries(want)) {
    if (path === '') continue; // the project itself
    const got = have[path];
    if (got === undefined) {
      if (entry.optional || entry.devOptional) continue;
      return false;
    }
    if (got.version !== entry.version || !same(got, entry, 'resolved') || !same(got, entry, 'integrity')) return false;
  }
  return Object.keys(have).every((path) => Object.prototype.hasOwnProperty.call(want, path));
}

/**
 * After `npm ci`: `undefined` when what npm installed (its hidden lockfile) satisfies the lockfile,
 * else a message saying what is wrong, naming omitted devDependencies when those are missing.
 */
export function installProblem(lockText, hiddenLockText) {
  if (hiddenLockText !== undefined && lockfileSatisfied(lockText, hiddenLockText)) return undefined;
  let devMissing = false;
  try {
    const want = JSON.parse(lockText).packages ?? {};
    const have = hiddenLockText === undefined ? {} : JSON.parse(hiddenLockText).packages ?? {};
    devMissing = Object.entries(want).some(([path, entry]) => path !== '' && entry.dev && !entry.optional && !(path in have));
  } catch { /* unreadable: the generic message */ }
  return devMissing
    ? 'npm ci did not install the dev dependencies (NODE_ENV=production, or npm config omit=dev / --omit=dev?), which tests, the demo and the benchmarks need: run `npm ci --include=dev` (or unset NODE_ENV / the omit setting) and try again'
    : 'after npm ci, node_modules still does not match package-lock.json: run `npm ci` by hand and check its output';
}

/**
 * What bootstrap has to do, from file contents (`undefined` = the file is missing):
 * `{ npm: 'ci' | 'install' | undefined, writeMarker: boolean, reason }`.
 */
export function planBootstrap({ lockText, markerText, hiddenLockText }) {
  if (lockText === undefined) {
    return hiddenLockText === undefined
      ? { npm: 'install', writeMarker: false, reason: 'no package-lock.json and no node_modules' }
      : { npm: undefined, writeMarker: false, reason: 'no package-lock.json to compare with' };
  }
  if (markerText !== undefined && markerText.trim() === sha256(lockText)) {
    return { npm: undefined, writeMarker: false, reason: 'node_modules was installed from this package-lock.json' };
  }
  if (hiddenLockText === undefined) return { npm: 'ci', writeMarker: true, reason: 'node_modules is missing' };
  if (lockfileSatisfied(lockText, hiddenLockText)) {
    return { npm: undefined, writeMarker: true, reason: 'node_modules matches package-lock.json' };
  }
  return { npm: 'ci', writeMarker: true, reason: 'node_modules does not match package-lock.json' };
}

function readIfExists(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function runNpm(command, root) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // npm.cmd is a batch file: Node refuses to spawn those without a shell (CVE-2024-27980).
  const args = command === 'ci' ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  execFileSync(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
}

/**
 * Brings `root`'s node_modules in line with its lockfile. `run(command, root)` runs npm (injectable
 * for tests). Returns the plan it carried out; throws (without writing the marker) when node_modules
 * still does not match the lockfile after `npm ci` (see {@link installProblem}).
 */
export function bootstrap({ root, run = runNpm, log = (m) => console.log(m) }) {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', MARKER);
  const plan = planBootstrap({
    lockText: readIfExists(lock),
    markerText: readIfExists(marker),
    hiddenLockText: readIfExists(join(root, 'node_modules', '.package-lock.json')),
  });
  if (plan.npm) {
    log(`[firestream] installing dependencies (npm ${plan.npm}): ${plan.reason} ...`);
    run(plan.npm, root);
    if (plan.npm === 'ci') {
      const problem = installProblem(readFileSync(lock, 'utf8'), readIfExists(join(root, 'node_modules', '.package-lock.json')));
      if (problem) throw new Error(problem);
    }
  }
  if (plan.writeMarker && existsSync(lock) && existsSync(dirname(marker))) writeFileSync(marker, `${sha256(readFileSync(lock, 'utf8'))}\n`);
  return plan;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    bootstrap({ root: join(dirname(fileURLToPath(import.meta.url)), '..') });
  } catch (err) {
    console.error(`[firestream] ${err.message}`);
    process.exit(1);
  }
}
