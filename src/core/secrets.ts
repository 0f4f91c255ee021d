/**
 * The one rule for what firestream treats as a secret, shared by configuration errors,
 * `redactConfig` and the kafkajs log bridge:
 *
 * - keys that look like credentials (`password`, `secret`, `token`, `api_key`, `authorization`,
 *   `cookie`, `bearer`, TLS `key`/`pfx`/`passphrase`, …; see {@link isSecretKey});
 * - credentials inside strings: the password of a URL (`postgres://user:pw@host`, matched up to the
 *   last `@` before the host, spaces and quotes included), `password=…`-style pairs,
 *   `Authorization` values of any scheme, `Bearer …` tokens and PEM private keys;
 * - a bounded deep copy ({@link redactDeep}) that applies both, hides the values of header
 *   entries named like secrets, summarises binary data and never returns a subtree it did not
 *   inspect.
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

const QUOTES = new Set(['"', "'", '`']);

/** How far past the first space or quote an unencoded password is looked for, which keeps scrubbing linear. */
const LOOSE_USER_INFO_CHARS = 256;

/**
 * Where the user information of a URL whose password holds a space or a quote may end: the quote
 * that opened the URL when it is quoted, else the end of the line, at most
 * {@link LOOSE_USER_INFO_CHARS} characters after `from`.
 */
function endOfLooseUserInfo(text: string, schemeStart: number, from: number): number {
  const opening = text.charAt(schemeStart - 1);
  const window = text.slice(from, from + LOOSE_USER_INFO_CHARS);
  const stop = QUOTES.has(opening) ? window.indexOf(opening) : window.search(/[\r\n]/);
  return stop === -1 ? from + window.length : from + stop;
}

/**
 * Index (relative to `start`) of the `@` that ends the user information of the URL whose
 * authority starts at `start`, and of the colon before the password; `undefined` when it has no
 * password. A password may hold `@` and `/` (the user information ends at the last `@` before the
 * host) and, when written unencoded, spaces and quotes (it then ends at the last `@` before the
 * closing quote or the end of the line).
 */
function userInfoBounds(text: string, schemeStart: number, start: number): { colon: number; at: number } | undefined {
  const url = text.slice(start, endOfUrl(text, start));
  const colon = url.indexOf(':');
  if (colon === -1 || /[/?#@]/.test(url.slice(0, colon))) return undefined;
  const hostEnd = url.search(/[/?#]/);
  let at = (hostEnd === -1 ? url : url.slice(0, hostEnd)).lastIndexOf('@');
  if (at === -1) at = url.lastIndexOf('@');
  if (at > colon) return { colon, at };
  // No `@` before the first space or quote: the password may hold one, unless the URL already has a path (`host:8080/x`).
  if (at !== -1 || /[/?#]/.test(url.slice(colon))) return undefined;
  const loose = text.slice(start, endOfLooseUserInfo(text, schemeStart, start + url.length));
  at = loose.lastIndexOf('@');
  return at > colon ? { colon, at } : undefined;
}

/**
 * Replaces the password of every URL in `text` with {@link REDACTED}, keeping the user name:
 * `mqtt://svc:pw@broker:1883` → `mqtt://svc:[REDACTED]@broker:1883`. The user information ends at
 * the last `@` before the host, so a password containing `@` or `/` is hidden whole; an unencoded
 * password with spaces or quotes (`postgres://u:p ss@h`) is hidden up to the last `@` of the line
 * (or of the quoted string the URL is in).
 */
export function stripUrlCredentials(text: string): string {
  const scheme = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\//g;
  let out = '';
  let copied = 0;
  for (let match = scheme.exec(text); match !== null; match = scheme.exec(text)) {
    const start = match.index + match[0].length;
    const bounds = userInfoBounds(text, match.index, start);
    if (bounds === undefined) continue;
    out += text.slice(copied, start + bounds.colon + 1) + REDACTED;
    copied = start + bounds.at;
    scheme.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `key=value` pairs (connection strings, query strings); the key is tested with {@link isSecretKey}. A quoted value may hold escaped quotes. */
const KEY_VALUE = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_.-]{0,63})(\s*=\s*)('(?:[^'\\]|\\[\s\S])*(?:'|\\?$)|"(?:[^"\\]|\\[\s\S])*(?:"|\\?$)|[^\s&;,'"]+)/g;

/** The name and separator of an `Authorization` header or field: `Authorization: `, `"authorization":"`, `proxy-authorization=`. */
const AUTHORIZATION = /\b((?:proxy-)?authorization)(["']?[ \t]*[:=][ \t]*)(["']?)/gi;

/** The scheme in front of credentials (`Basic`, `Bearer`, `Digest`, …), which is kept. */
const AUTH_SCHEME = /^[A-Za-z][A-Za-z0-9_-]*[ \t]+(?=\S)/;

/**
 * Hides the value of every `Authorization` header or field, whatever its scheme, keeping the
 * scheme: the value runs to the closing quote when it is quoted, else to the end of the line.
 */
function scrubAuthorization(text: string): string {
  let out = '';
  let copied = 0;
  AUTHORIZATION.lastIndex = 0;
  for (let match = AUTHORIZATION.exec(text); match !== null; match = AUTHORIZATION.exec(text)) {
    const from = match.index + match[0].length;
    const quote = match[3] ?? '';
    const rest = text.slice(from);
    const length = quote === '' ? rest.search(/[\r\n]/) : rest.search(new RegExp(`[${quote}\\r\\n]`));
    const value = length === -1 ? rest : rest.slice(0, length);
    if (value.trim() === '') continue;
    const scheme = AUTH_SCHEME.exec(value)?.[0] ?? '';
    out += text.slice(copied, from) + scheme + REDACTED;
    copied = from + value.length;
    AUTHORIZATION.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

/**
 * Hides the credentials a string may carry: URL passwords, secret `key=value` pairs
 * (`password=pw`, `api_key=…`), `Authorization` values of any scheme, `Bearer` tokens (any case)
 * and PEM private-key blocks.
 */
export function scrubString(text: string): string {
  let out = stripUrlCredentials(text);
  const authorization = /authorization/i.test(out);
  if (authorization) out = scrubAuthorization(out);
  if (out.includes('=')) {
    // `authorization=` values were handled above, keeping their scheme.
    out = out.replace(KEY_VALUE, (whole, key: string, eq: string) => (isSecretKey(key) && !(authorization && /authorization$/i.test(key)) ? `${key}${eq}${REDACTED}` : whole));
  }
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

/** Names of the field that holds a header's (or a pair's) name in `{ name, value }`-style entries. */
const ENTRY_NAME_FIELDS = ['name', 'key', 'header', 'field'] as const;

/** True when `value` is a `{ name: 'X-Api-Key', value: … }`-style entry whose name is secret-like. */
function isSecretEntry(value: object): boolean {
  if (!Object.prototype.hasOwnProperty.call(value, 'value')) return false;
  const record = value as Record<string, unknown>;
  return ENTRY_NAME_FIELDS.some((field) => {
    const name = Object.prototype.hasOwnProperty.call(value, field) ? record[field] : undefined;
    return typeof name === 'string' && isSecretKey(name);
  });
}

/** True when `item` is a `['X-Api-Key', …]` pair of a list of header entries, named like a secret. */
function isSecretPair(item: unknown): boolean {
  return Array.isArray(item) && item.length === 2 && typeof item[0] === 'string' && isSecretKey(item[0]);
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
  const child = (key: string | number, item: unknown, secret = false): unknown => {
    const childPath = options.isSecretPath === undefined ? path : [...path, key];
    if (item === undefined) return undefined;
    if (secret || (typeof key === 'string' && isSecretKey(key)) || options.isSecretPath?.(childPath) === true) return REDACTED;
    return walk(item, depth + 1, childPath, options, seen);
  };
  let out: unknown;
  try {
    if (Array.isArray(value)) {
      // A list of header pairs: [['X-Api-Key', 'k'], …] keeps the name and hides the value.
      out = value.map((item: unknown, i) => {
        const copy = child(i, item);
        return isSecretPair(item) && Array.isArray(copy) ? [copy[0], REDACTED] : copy;
      });
    } else {
      const secretEntry = isSecretEntry(value);
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setOwn(copy, key, child(key, item, secretEntry && key === 'value'));
      out = copy;
    }
  } catch {
    out = '[unreadable]'; // a getter threw: show nothing rather than fail the caller
  }
  seen.delete(value);
  return out;
}

/** True when the value at `path` is secret: the path's last key is secret-like, or `isSecretPath` says so. */
function isSecretAt(path: SecretPath, options: RedactOptions): boolean {
  const last = path[path.length - 1];
  return (typeof last === 'string' && isSecretKey(last)) || options.isSecretPath?.(path) === true;
}

/**
 * Returns a copy of `value` that is safe to log or show in an error: values under secret-looking
 * keys ({@link isSecretKey}) at any depth (the last key of `options.path` included), at secret
 * paths, and of header entries named like secrets (`[['X-Api-Key', k]]`,
 * `[{ name: 'X-Api-Key', value: k }]`) become {@link REDACTED}; strings are scrubbed
 * ({@link scrubString}); Buffers and typed arrays are summarised (`<Buffer 200000 bytes>`), Maps and
 * Sets counted, errors reduced to `{ name, message }`; values nested deeper than `maxDepth` become
 * {@link TRUNCATED}, cycles `'[circular]'` and objects whose getters throw `'[unreadable]'`. Never
 * modifies `value` and never throws.
 */
export function redactDeep(value: unknown, options: RedactOptions = {}): unknown {
  const path = options.path ?? [];
  if (value !== undefined && isSecretAt(path, options)) return REDACTED;
  return walk(value, 0, path, options, new Set());
}
