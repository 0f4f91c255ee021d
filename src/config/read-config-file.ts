import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ErrorCodes, FirestreamError } from '../errors.js';

/** File extensions `loadConfig` reads. */
export const CONFIG_FILE_EXTENSIONS: readonly string[] = Object.freeze(['.yaml', '.yml', '.json']);

function unreadable(path: string, problem: string, cause?: unknown): FirestreamError {
  return new FirestreamError(ErrorCodes.CONFIG_UNREADABLE, `Cannot read configuration file "${path}": ${problem}`, { cause, context: { path } });
}

/**
 * Reads and parses a `.yaml`, `.yml` or `.json` configuration file. An empty file gives `{}`.
 *
 * @throws {@link FirestreamError} with code `FIRESTREAM_CONFIG_UNREADABLE` (and the path in
 *   `context.path`) when the file cannot be read, has another extension, or does not parse.
 */
export async function readConfigFile(path: string): Promise<unknown> {
  const extension = extname(path).toLowerCase();
  if (!CONFIG_FILE_EXTENSIONS.includes(extension)) {
    throw unreadable(path, `unsupported extension "${extension}"; use ${CONFIG_FILE_EXTENSIONS.join(', ')}.`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(path, `${err instanceof Error ? err.message : String(err)}. Check the path and its permissions.`, err);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const format = extension === '.json' ? 'JSON' : 'YAML';
    throw unreadable(path, `it is not valid ${format}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  return parsed ?? {};
}
