import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the type-checked examples/quickstart.ts as its first example, unchanged', () => {
    const section = readme.slice(readme.indexOf('## A first example'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(readFileSync(join(root, 'examples/quickstart.ts'), 'utf8'));
  });

  it('links only to files that exist', () => {
    const targets = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1] as string).filter((t) => !/^[a-z]+:/.test(t));
    expect(targets.length).toBeGreaterThan(3);
    expect(targets.filter((t) => !existsSync(join(root, t)))).toEqual([]);
  });

  it('names the two commands a newcomer runs in its opening lines', () => {
    const opening = readme.split('\n').slice(0, 12).join('\n');
    expect(opening).toContain('npm run demo');
    expect(opening).toContain('npm test');
  });
});
