import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
    // JSON: our own description, never V8's message (which quotes the file).
    ['bad.json', '{"kafka":{"sasl":{"password":"SECRETPW"}},}', 'an unexpected character where a property name in double quotes was expected', 1, 43],
  ])('%s: what is wrong with line and column, no excerpt, no cause', async (name, text, message, line, column) => {
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

describe('JSON parse errors never quote the file (regression: V8 shortens long input to ..."<excerpt>"... , which was forwarded)', () => {
  const padding = `, "padding": "${'a'.repeat(400)}"`;

  it.each([
    ['an unquoted password in a long file', `{"kafka": {"sasl": {"mechanism": "plain",\n  "password": hunter2secret, "x": 1}}${padding}}`, 2, 15],
    ['a bad escape in a password', `{"kafka": {"sasl": {\n"password": "hunter2\\qsecret"}}${padding}}`, 2, 21],
    ['a line break inside a string', `{"kafka": {"sasl": {"password": "hunter2\nsecret"}}${padding}}`, 1, 41],
    ['a missing comma', `{"kafka": {"sasl": {"password": "hunter2secret" "x": 1}}${padding}}`, 1, 49],
    ['a file that ends early', `{"kafka": {"sasl": {"password": "hunter2secret"`, 1, 48],
  ])('%s: line and column of the problem, no excerpt', async (_name, text, line, column) => {
    const err = await failureOf('secret.json', text);
    expect(err.message).not.toMatch(/hunter|secret"|\.\.\./);
    expect(err.message).toContain(`at line ${line}, column ${column}`);
    expect(err.context).toMatchObject({ line, column });
  });
});

describe('YAML warnings (regression: process.emitWarning printed "Unresolved tag: !Sup3rSecretPw" to stderr)', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  beforeAll(() => {
    process.on('warning', onWarning);
  });
  afterAll(() => {
    process.off('warning', onWarning);
  });
  afterEach(() => {
    warnings.length = 0;
  });
  const nextTicks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('an unquoted value starting with ! (a YAML tag) is an error naming line and column, with no warning and no text of the value', async () => {
    const err = await failureOf('tag.yaml', 'kafka:\n  sasl:\n    mechanism: plain\n    username: u\n    password: !Sup3rSecretPw\n');
    await nextTicks();
    expect(warnings).toEqual([]);
    expect(err.message).toContain('Unknown tag (a value that starts with ! is a YAML tag: quote the value) at line 5, column 15');
    expect(err.message).not.toContain('Sup3rSecretPw');
  });

  it('a tag in front of a value is an error too: the value would be read without it', async () => {
    const err = await failureOf('tag2.yaml', 'kafka:\n  sasl:\n    password: !hunter2secret x\n');
    await nextTicks();
    expect(warnings).toEqual([]);
    expect(err.message).not.toContain('hunter2secret');
  });

  it('harmless warnings (an unknown directive) are dropped, not printed', async () => {
    const path = join(dir, 'directive.yaml');
    await writeFile(path, '%SECRETDIRECTIVE x\n---\nqueue: { max_size: 5 }\n');
    expect(await readConfigFile(path)).toEqual({ queue: { max_size: 5 } });
    await nextTicks();
    expect(warnings).toEqual([]);
  });

  it('an invalid escape sequence is described without quoting it', async () => {
    const err = await failureOf('escape.yaml', 'kafka:\n  sasl:\n    password: "\\uSECRxx"\n');
    expect(err.message).toContain('Invalid escape sequence in a double-quoted string at line 3');
    expect(err.message).not.toContain('SECR');
  });
});
