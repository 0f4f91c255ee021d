import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_FILE_BYTES } from '../../src/config/limits.js';
import { readConfigFile } from '../../src/config/read-config-file.js';
import { ErrorCodes, FirestreamError } from '../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'firestream-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failureOf(name: string, text: string): Promise<FirestreamError> {
  const path = join(dir, name);
  await writeFile(path, text);
  const err = await readConfigFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FirestreamError);
  expect((err as FirestreamError).code).toBe(ErrorCodes.CONFIG_UNREADABLE);
  return err as FirestreamError;
}

describe('readConfigFile parse errors (regression: the source excerpt, with secrets, was in the message and the cause)', () => {
  it.each([
    ['bad.yaml', 'kafka:\n  sasl:\n    mechanism: plain\n    username: u\n    password: "SECRETPW\n', 'Missing closing "quote', 6, 1],
    ['bad2.yaml', 'kafka:\n  sasl:\n    mechanism: plain\n    password: SECRETPW: x\n', 'Nested mappings are not allowed in compact mappings', 4, 15],
    ['bad.json', '{"kafka":{"sasl":{"password":"SECRETPW"}},}', 'Expected double-quoted property name', 1, 43],
  ])('%s: the parser message with line and column, no excerpt, no cause', async (name, text, message, line, column) => {
    const err = await failureOf(name, text);
    expect(err.message).toContain(`${message} at line ${line}, column ${column}`);
    expect(err.message).not.toContain('SECRETPW');
    expect(err.message).not.toContain('\n');
    expect(err.cause).toBeUndefined();
    expect(err.context).toMatchObject({ path: join(dir, name), line, column });
    expect(JSON.stringify(err.context)).not.toContain('SECRETPW');
  });
});

describe('hostile files (regression: no size cap, stack overflow on deep nesting)', () => {
  it('refuses a file over 4 MiB, naming its size', async () => {
    const size = MAX_CONFIG_FILE_BYTES + 10;
    const err = await failureOf('huge.yaml', `# ${'x'.repeat(size - 3)}\n`);
    expect(err.message).toContain(`it is ${size} bytes; a configuration file may hold at most ${MAX_CONFIG_FILE_BYTES} bytes (4 MiB)`);
    expect(err.context).toMatchObject({ sizeBytes: size, maxBytes: MAX_CONFIG_FILE_BYTES });
  });

  it('reads a file of exactly 4 MiB', async () => {
    const path = join(dir, 'big.yaml');
    await writeFile(path, `queue: { max_size: 5 }\n# ${'x'.repeat(MAX_CONFIG_FILE_BYTES - 26)}\n`);
    expect(await readConfigFile(path)).toEqual({ queue: { max_size: 5 } });
  });

  it('reports YAML nested deeper than the parser can follow as a parse error, not a crash', async () => {
    const err = await failureOf('deep.yaml', `a: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`);
    expect(err.message).toMatch(/nests too deeply; at most 64 levels/);
  });
});
