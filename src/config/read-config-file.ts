import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parse as parseYaml, YAMLError } from 'yaml';
import { ErrorCodes, FirestreamError } from '../errors.js';
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

/** A parse problem without any excerpt of the file: the parser's own words and where. */
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

/** The JSON parser's message without the excerpt newer engines add, and the line and column of `position N`. */
function jsonProblem(err: unknown, text: string): ParseProblem {
  const raw = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(raw);
  const message = raw
    .replace(/,? ".*" is not valid JSON/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .trim();
  return position === null ? { message } : { message, ...lineAndColumn(text, Number(position[1])) };
}

/** Drops what follows a colon: a few parser messages end with ": <source text>". */
function withoutSource(message: string): string {
  return message.replace(/:\s.*$/s, '');
}

/** The YAML parser's message (parsed without `prettyErrors`, so it has no excerpt) and its line and column. */
function yamlProblem(err: unknown, lines: LineCounter): ParseProblem {
  const message = err instanceof Error ? withoutSource(err.message) : 'the parser failed';
  if (!(err instanceof YAMLError)) return { message };
  if (err.pos[0] < 0) return { message };
  const { line, col } = lines.linePos(err.pos[0]);
  return { message, line, column: col };
}

/**
 * Reads and parses a `.yaml`, `.yml` or `.json` configuration file of at most 4 MiB
 * (`MAX_CONFIG_FILE_BYTES`). An empty file gives `{}`. Parse errors give the parser's message,
 * line and column, never an excerpt of the file (it may hold secrets).
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
    parsed = extension === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text, { prettyErrors: false, lineCounter: lines }) as unknown);
  } catch (err) {
    // The parser's error is not kept as `cause`: its message and source excerpt may hold secrets.
    const problem = extension === '.json' ? jsonProblem(err, text) : yamlProblem(err, lines);
    const where = problem.line === undefined ? '' : ` at line ${problem.line}, column ${problem.column}`;
    const tooDeep = /call stack/i.test(problem.message) ? ` (it nests too deeply; at most ${MAX_CONFIG_DEPTH} levels are accepted)` : '';
    throw unreadable(path, `it is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${problem.message}${where}${tooDeep}`, {
      context: { line: problem.line, column: problem.column },
    });
  }
  return parsed ?? {};
}
