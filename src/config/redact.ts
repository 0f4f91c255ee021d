import type { StreamConfig } from './schema/index.js';
import { deepFreeze } from './deep-freeze.js';
import type { ConfigPath } from './paths.js';
import { isPlainObject, pathMatches } from './paths.js';

/** What secrets are replaced with. */
export const REDACTED = '[REDACTED]';

const SECRET_PATHS: readonly (readonly string[])[] = [
  ['kafka', 'sasl', 'password'],
  ['kafka', 'ssl', 'key'],
  ['kafka', 'ssl', 'passphrase'],
  ['images', 's3', 'secretAccessKey'],
  ['images', 's3', 'sessionToken'],
];

const SECRET_SECTIONS: readonly (readonly string[])[] = [
  ['kafka', 'sasl'],
  ['kafka', 'ssl'],
  ['images', 's3'],
  ['dlq', 'postgres'],
];

const CONNECTION_STRING_PATH = ['dlq', 'postgres', 'connectionString'];

/** Key names inside a source's free-form `options` that are treated as secrets (API keys, tokens, passwords). */
const SECRET_OPTION_KEY = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|map[-_]?key|access[-_]?key|private[-_]?key|credential|^key$|^auth/i;

function isUnderOptions(path: ConfigPath): boolean {
  return path.length >= 4 && path[0] === 'sources' && (path[2] === 'options' || path[2] === 'customParams');
}

/** True when the value at `path` (camelCase) is a secret that must never be logged. */
export function isSecretPath(path: ConfigPath): boolean {
  if (SECRET_PATHS.some((pattern) => pathMatches(path, pattern))) return true;
  const last = path[path.length - 1];
  return isUnderOptions(path) && typeof last === 'string' && SECRET_OPTION_KEY.test(last);
}

/**
 * True when a key the schema does not know, at `path`, may hold a secret: it sits in a section
 * that holds credentials, or its name looks like one (a misspelt `pasword` must not be echoed).
 */
export function mayBeSecret(path: ConfigPath): boolean {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_OPTION_KEY.test(last)) return true;
  const section = path.slice(0, -1);
  return SECRET_SECTIONS.some((pattern) => pathMatches(section, pattern));
}

/** Hides the password of a URL-style (`postgres://user:pw@host`) or keyword-style (`password=pw`) connection string. */
function redactConnectionString(value: string): string {
  return value.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, `$1${REDACTED}@`).replace(/(password\s*=\s*)('[^']*'|\S+)/gi, `$1${REDACTED}`);
}

/**
 * Returns a deep copy of `value` (found at `path` in a configuration) with secrets replaced by
 * {@link REDACTED}. Never modifies `value`.
 */
export function redactValue(value: unknown, path: ConfigPath = []): unknown {
  if (value === undefined) return undefined;
  if (isSecretPath(path)) return REDACTED;
  if (pathMatches(path, CONNECTION_STRING_PATH)) return typeof value === 'string' ? redactConnectionString(value) : REDACTED;
  if (Array.isArray(value)) return value.map((item, i) => redactValue(item, [...path, i]));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key !== '__proto__') out[key] = redactValue(child, [...path, key]);
  }
  return out;
}

/**
 * Returns a frozen copy of `config` that is safe to log: the SASL password, TLS private key and
 * passphrase, S3 secret key and session token, the password in the PostgreSQL connection string,
 * and secret-looking keys of sources' `options` (`api_key`, `map_key`, `token`, `password`, …) are
 * replaced by `'[REDACTED]'`. The argument is not modified.
 */
export function redactConfig(config: StreamConfig): StreamConfig {
  return deepFreeze(redactValue(config) as StreamConfig);
}
