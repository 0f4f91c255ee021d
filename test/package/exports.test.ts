import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Proves the published shape of the package: a CommonJS service can require() it and an ESM one
// can import it, through the `exports` map (both "." and "./testing"), as if installed from npm.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let consumerDir: string;

function run(file: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, [file], { cwd: consumerDir, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, unknown>;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  consumerDir = mkdtempSync(join(tmpdir(), 'firestream-consumer-'));
  mkdirSync(join(consumerDir, 'node_modules'));
  symlinkSync(root, join(consumerDir, 'node_modules', 'firestream'), 'dir');
  const probe = (lib: string, testing: string): string =>
    `const err = new ${lib}.FirestreamError('FIRESTREAM_QUEUE_FULL', 'full');\n` +
    `console.log(JSON.stringify({ code: err.code, isError: err instanceof Error, critical: ${lib}.Priority.CRITICAL,` +
    ` fakeClock: typeof ${testing}.FakeClock, exportCount: Object.keys(${lib}).length }));\n`;
  writeFileSync(join(consumerDir, 'consumer.cjs'), `const lib = require('firestream');\nconst testing = require('firestream/testing');\n${probe('lib', 'testing')}`);
  writeFileSync(join(consumerDir, 'consumer.mjs'), `import * as lib from 'firestream';\nimport * as testing from 'firestream/testing';\n${probe('lib', 'testing')}`);
});

afterAll(() => {
  if (consumerDir) rmSync(consumerDir, { recursive: true, force: true });
});

describe('package exports', () => {
  it('can be required from CommonJS', () => {
    const result = run('consumer.cjs');
    expect(result).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', isError: true, critical: 0, fakeClock: 'function' });
    expect(result.exportCount).toBeGreaterThan(10);
  });

  it('can be imported from ESM', () => {
    const result = run('consumer.mjs');
    expect(result).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', isError: true, critical: 0, fakeClock: 'function' });
  });

  it('exposes the same API to both module systems', () => {
    expect(run('consumer.cjs').exportCount).toBe(run('consumer.mjs').exportCount);
  });
});
