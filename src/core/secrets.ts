/**
 * The one rule for what firestream treats as a secret, shared by configuration errors,
 * `redactConfig` and the kafkajs log bridge:
 *
 * - keys that look like credentials (`password`, `secret`, `token`, `api_key`, `authorization`,
 *   `cookie`, `bearer`, TLS `key`/`pfx`/`passphrase`, …; see {@link isSecretKey});
 * - credentials inside strings: the password of a URL (`postgres://user:pw@host`, matched up to the
 *   last `@` before the host), `password=…`-style pairs, `Bearer …` tokens and PEM private keys;
 * - a bounded deep copy ({@link redactDeep}) that applies both, summarises binary data and never
 *   returns a subtree it did not inspect.
 *
 * @module
 */

/** What secrets are replaced with. */
export const REDACTED = '[REDACTED]';

/** What {@link redactDeep} puts in place of values nested deeper than its depth limit. */
export const TRUNCATED = '[truncated]';

/** Default depth limit of {@link redactDeep}. */
export const DEFAULT_REDACT_DEPTH = 10;

/**
 * Secret-looking key names, tested on the key split into lower-case words joined by `_`
 * (`secretAccessKey` → `secret_access_key`, `X-Api-Key` → `x_api_key`).
 */
const SECRET_KEY_WORDS = new RegExp(
  [
    'pas+w(?:or|ro|o|r)?d', // password, passwd and common misspellings
    'passphrase',
    '(?:^|_)(?:pass|pwd|pfx|auth)(?:_|$)',
    '^key$', // a TLS private key
    'secret',
    'token',
    'credential',
    'cookie',
    'bearer',
    'authorization',
    'oauth',
    'apikey',
    'mapkey',
    '(?:^|_)(?:api|map|private|access|ssl|tls|client|signing|encryption|master)_?key(?!_?id)',
    'session_?id',
    'signature',
  ].join('|'),
);

/** Splits camelCase and punctuation into lower-case words joined by `_`. */
function keyWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/**
 * True when a value stored under `key` is a credential: passwords, passphrases, secrets, tokens,
 * API and map keys, private, TLS and access keys (not access key ids), `pfx` bundles, cookies,
 * bearer and authorization values, OAuth settings and session ids. Works on snake_case,
 * camelCase, kebab-case and header spellings alike.
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_WORDS.test(keyWords(key));
}

/** Index of the end of the URL that starts at `from`: the first whitespace, quote or angle bracket. */
function endOfUrl(text: string, from: number): number {
  const rest = text.slice(from).search(/[\s"'<>`]/);
  return rest === -1 ? text.length : from + rest;
}

/**
 * Replaces the password of every URL in `text` with {@link REDACTED}, keeping the user name:
 * `mqtt://svc:pw@broker:1883` → `mqtt://svc:[REDACTED]@broker:1883`. The user information ends at
 * the last `@` before the host, so a password containing `@` or `/` is hidden whole.
 */
export function stripUrlCredentials(text: string): string {
  const scheme = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\//g;
  let out = '';
  let copied = 0;
  for (let match = scheme.exec(text); match !== null; match = scheme.exec(text)) {
    const start = match.index + match[0].length;
    const url = text.slice(start, endOfUrl(text, start));
    const hostEnd = url.search(/[/?#]/);
    let at = (hostEnd === -1 ? url : url.slice(0, hostEnd)).lastIndexOf('@');
    if (at === -1) at = url.lastIndexOf('@');
    const colon = url.indexOf(':');
    if (at === -1 || colon === -1 || colon > at) continue;
    out += text.slice(copied, start + colon + 1) + REDACTED;
    copied = start + at;
    scheme.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `key=value` pairs (connection strings, query strings); the key is tested with {@link isSecretKey}. */
const KEY_VALUE = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})(\s*=\s*)('[^']*'|"[^"]*"|[^\s&;,'"]+)/g;

const BEARER = /\b([Bb]earer)\s+[A-Za-z0-9\-._~+/]+=*/g;

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

/**
 * Hides the credentials a string may carry: URL passwords, secret `key=value` pairs
 * (`password=pw`, `api_key=…`), `Bearer` tokens and PEM private-key blocks.
 */
export function scrubString(text: string): string {
  let out = stripUrlCredentials(text);
  if (out.includes('=')) out = out.replace(KEY_VALUE, (whole, key: string, eq: string) => (isSecretKey(key) ? `${key}${eq}${REDACTED}` : whole));
  if (/bearer/i.test(out)) out = out.replace(BEARER, `$1 ${REDACTED}`);
  if (out.includes('PRIVATE KEY-----')) out = out.replace(PEM_PRIVATE_KEY, REDACTED);
  return out;
}

/** A path into a value: keys and array indices. */
export type SecretPath = readonly (string | number)[];

/** Options of {@link redactDeep}. */
export interface RedactOptions {
  /** Levels of nesting copied; deeper values become {@link TRUNCATED}. Default {@link DEFAULT_REDACT_DEPTH}. */
  readonly maxDepth?: number;
  /** Where `value` sits, for `isSecretPath` (default `[]`). */
  readonly path?: SecretPath;
  /** True when the whole value at a path is secret, whatever its keys (checked at every level). */
  readonly isSecretPath?: (path: SecretPath) => boolean;
}

/** A short description of binary data, for example `<Buffer 200000 bytes>`. */
function describeBinary(value: object): string | undefined {
  if (ArrayBuffer.isView(value)) {
    const name = typeof Buffer !== 'undefined' && Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
    return `<${name} ${value.byteLength} bytes>`;
  }
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
    return `<${value.constructor.name} ${value.byteLength} bytes>`;
  }
  return undefined;
}

function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function walk(value: unknown, depth: number, path: SecretPath, options: RedactOptions, seen: Set<object>): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  const binary = describeBinary(value);
  if (binary !== undefined) return binary;
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof Error) return { name: value.name, message: scrubString(value.message) };
  if (value instanceof Map || value instanceof Set) return `<${value.constructor.name} ${value.size} entries>`;
  if (depth >= (options.maxDepth ?? DEFAULT_REDACT_DEPTH)) return TRUNCATED;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  const child = (key: string | number, item: unknown): unknown => {
    const childPath = options.isSecretPath === undefined ? path : [...path, key];
    if (item === undefined) return undefined;
    if ((typeof key === 'string' && isSecretKey(key)) || options.isSecretPath?.(childPath) === true) return REDACTED;
    return walk(item, depth + 1, childPath, options, seen);
  };
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item: unknown, i) => child(i, item));
  } else {
    const copy: Record<string, unknown> = {};
    try {
      for (const [key, item] of Object.entries(value)) setOwn(copy, key, child(key, item));
      out = copy;
    } catch {
      out = '[unreadable]'; // a getter threw: show nothing rather than fail the caller
    }
  }
  seen.delete(value);
  return out;
}

/**
 * Returns a copy of `value` that is safe to log or show in an error: values under secret-looking
 * keys ({@link isSecretKey}) and at secret paths become {@link REDACTED}; strings are scrubbed
 * ({@link scrubString}); Buffers and typed arrays are summarised (`<Buffer 200000 bytes>`), Maps and
 * Sets counted, errors reduced to `{ name, message }`; values nested deeper than `maxDepth` become
 * {@link TRUNCATED}, cycles `'[circular]'` and objects whose getters throw `'[unreadable]'`. Never
 * modifies `value` and never throws.
 */
export function redactDeep(value: unknown, options: RedactOptions = {}): unknown {
  const path = options.path ?? [];
  if (value !== undefined && options.isSecretPath?.(path) === true) return REDACTED;
  return walk(value, 0, path, options, new Set());
}
