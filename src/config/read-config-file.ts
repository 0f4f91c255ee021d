import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument, YAMLError } from 'yaml';
import type { ErrorCode } from 'yaml';
import { ErrorCodes, FirestreamError } from '../errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { MAX_CONFIG_DEPTH, MAX_CONFIG_FILE_BYTES } from './limits.js';

/** File extensions `loadConfig` reads. */
export const CONFIG_FILE_EXTENSIONS: readonly string[] = Object.freeze(['.yaml', '.yml', '.json']);

function unreadable(path: string, problem: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}): FirestreamError {
  return new FirestreamError(ErrorCodes.CONFIG_UNREADABLE, `Cannot read configuration file "${path}": ${problem}`, {
    cause: options.cause,
    context: { path, ...options.context },
  });
}

/**
 * Reads at most `limit + 1` bytes, so that a huge file (or a device that never ends) is not read
 * whole; `size` is the file's size when the file system knows it, else the bytes read.
 */
async function readCapped(path: string, limit: number): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { bytes: buffer.subarray(0, length), size: Math.max(size, length) };
  } finally {
    await handle.close();
  }
}

/** A parse problem without any excerpt of the file: what is wrong, and where. */
interface ParseProblem {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

const TOO_DEEP = `the file nests too deeply; at most ${MAX_CONFIG_DEPTH} levels are accepted`;

/**
 * What is wrong with JSON that `JSON.parse` refused, found by our own scan: V8's message is never
 * used, since it quotes an excerpt of the file (`..."password": hunter2"...`), which may be a secret.
 */
function jsonProblem(err: unknown, text: string): ParseProblem {
  const found = findJsonSyntaxError(text);
  if (found !== undefined) return { message: found.problem, ...lineAndColumn(text, found.offset) };
  return { message: err instanceof RangeError ? TOO_DEEP : 'the JSON parser failed' };
}

/** Problems whose parser message quotes the file (an escape sequence, a tag), described without it. */
const YAML_DESCRIPTIONS: Readonly<Partial<Record<ErrorCode, string>>> = {
  BAD_DQ_ESCAPE: 'Invalid escape sequence in a double-quoted string',
  TAG_RESOLVE_FAILED: 'Unknown tag (a value that starts with ! is a YAML tag: quote the value)',
  BAD_COLLECTION_TYPE: 'A tag does not fit the kind of value it is on (a value that starts with ! is a YAML tag: quote the value)',
  RESOURCE_EXHAUSTION: TOO_DEEP, // the parser ran out of stack; its message may quote the file
};

/** Warnings that mean the parsed value differs from what was written (an unquoted `!secret` loses its text): reported as errors. */
const FATAL_YAML_WARNINGS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['TAG_RESOLVE_FAILED', 'BAD_COLLECTION_TYPE']);

/** Drops what follows a colon: a few parser messages end with ": <source text>". */
function withoutSource(message: string): string {
  return message.replace(/:\s.*$/s, '');
}

/** The YAML parser's message (parsed without `prettyErrors`, so it has no excerpt) and its line and column. */
function yamlProblem(err: unknown, lines: LineCounter): ParseProblem {
  if (err instanceof RangeError) return { message: TOO_DEEP };
  if (!(err instanceof YAMLError)) return { message: err instanceof Error ? withoutSource(err.message) : 'the parser failed' };
  const message = YAML_DESCRIPTIONS[err.code] ?? withoutSource(err.message);
  if (err.pos[0] < 0) return { message };
  const { line, col } = lines.linePos(err.pos[0]);
  return { message, line, column: col };
}

/**
 * Parses YAML without ever writing to stderr: `parse()` passes warnings to `process.emitWarning`,
 * and their text quotes the file (`Unresolved tag: !Sup3rSecretPw`). Errors, and the warnings
 * that mean a value was not read as written, are thrown; other warnings are dropped.
 */
function parseYamlQuietly(text: string, lines: LineCounter): unknown {
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines, logLevel: 'silent' });
  const [error] = [...doc.errors, ...doc.warnings.filter((warning) => FATAL_YAML_WARNINGS.has(warning.code))];
  if (error !== undefined) throw error;
  return doc.toJS() as unknown;
}

/**
 * Reads and parses a `.yaml`, `.yml` or `.json` configuration file of at most 4 MiB
 * (`MAX_CONFIG_FILE_BYTES`). An empty file gives `{}`. Parse errors give what is wrong, the line
 * and the column, never an excerpt of the file (it may hold secrets); nothing is written to
 * stderr. A YAML value that starts with `!` unquoted (a tag firestream does not know) is an
 * error, since its text would otherwise be lost.
 *
 * @throws {@link FirestreamError} with code `FIRESTREAM_CONFIG_UNREADABLE` (and the path in
 *   `context.path`) when the file cannot be read, is too large, has another extension, or does not
 *   parse (`context.line` and `context.column` when known).
 */
export async function readConfigFile(path: string): Promise<unknown> {
  const extension = extname(path).toLowerCase();
  if (!CONFIG_FILE_EXTENSIONS.includes(extension)) {
    throw unreadable(path, `unsupported extension "${extension}"; use ${CONFIG_FILE_EXTENSIONS.join(', ')}.`);
  }
  let bytes: Buffer;
  let size: number;
  try {
    ({ bytes, size } = await readCapped(path, MAX_CONFIG_FILE_BYTES));
  } catch (err) {
    throw unreadable(path, `${err instanceof Error ? err.message : String(err)}. Check the path and its permissions.`, { cause: err });
  }
  if (bytes.length > MAX_CONFIG_FILE_BYTES) {
    const actual = size > MAX_CONFIG_FILE_BYTES ? `${size} bytes` : `more than ${MAX_CONFIG_FILE_BYTES} bytes`;
    throw unreadable(path, `it is ${actual}; a configuration file may hold at most ${MAX_CONFIG_FILE_BYTES} bytes (4 MiB).`, {
      context: { sizeBytes: size, maxBytes: MAX_CONFIG_FILE_BYTES },
    });
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = new LineCounter();
  let parsed: unknown;
  try {
    parsed = extension === '.json' ? (JSON.parse(text) as unknown) : parseYamlQuietly(text, lines);
  } catch (err) {
    // The parser's error is not kept as `cause`: its message and source excerpt may hold secrets.
    const problem = extension === '.json' ? jsonProblem(err, text) : yamlProblem(err, lines);
    const where = problem.line === undefined ? '' : ` at line ${problem.line}, column ${problem.column}`;
    throw unreadable(path, `it is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${problem.message}${where}`, {
      context: { line: problem.line, column: problem.column },
    });
  }
  return parsed ?? {};
}
