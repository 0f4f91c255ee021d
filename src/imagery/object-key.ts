import { InvalidOptionError } from '../errors.js';

/** Longest object key, in UTF-8 bytes (S3's limit). */
export const MAX_OBJECT_KEY_BYTES = 1024;

/** Most bytes of user metadata (keys and values together), S3's limit. */
export const MAX_OBJECT_METADATA_BYTES = 2048;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const METADATA_KEY = /^[a-z0-9][a-z0-9_-]*$/;
const METADATA_VALUE = /^[\u0020-\u007e]*$/;

/**
 * Why `key` cannot be an object key, or `undefined` when it can: it must be a non-empty string of
 * at most {@link MAX_OBJECT_KEY_BYTES} UTF-8 bytes, must not start with `/`, and must hold no empty,
 * `.` or `..` segment, no backslash and no control character, so that no store (a file-system backed
 * one included) can resolve it outside its bucket or prefix.
 */
export function objectKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must be a non-empty string';
  if (Buffer.byteLength(key, 'utf8') > MAX_OBJECT_KEY_BYTES) return `must be at most ${MAX_OBJECT_KEY_BYTES} UTF-8 bytes`;
  if (key.startsWith('/')) return 'must not start with "/"';
  if (key.includes('//')) return 'must not contain empty path segments ("//")';
  if (key.includes('\\')) return 'must not contain a backslash';
  if (CONTROL.test(key)) return 'must not contain control characters';
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return 'must not contain "." or ".." path segments';
  return undefined;
}

/**
 * Checks an object key (see {@link objectKeyProblem}) and returns it.
 *
 * @throws {@link InvalidOptionError} naming `option` and the key.
 */
export function validateObjectKey(key: string, option = 'key'): string {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) throw new InvalidOptionError(option, key, problem);
  return key;
}

/**
 * Checks a key prefix: empty, or a valid key (see {@link objectKeyProblem}) that ends with `/`.
 *
 * @throws {@link InvalidOptionError} naming `option` and the prefix.
 */
export function validateKeyPrefix(prefix: string, option = 'prefix'): string {
  if (prefix === '') return prefix;
  const problem = objectKeyProblem(prefix) ?? (prefix.endsWith('/') ? undefined : 'must end with "/" (or be empty)');
  if (problem !== undefined) throw new InvalidOptionError(option, prefix, problem);
  return prefix;
}

/** True when `key` is a valid object key (see {@link objectKeyProblem}) under `prefix`. */
export function isKeyInsidePrefix(key: string, prefix: string): boolean {
  return objectKeyProblem(key) === undefined && key.startsWith(prefix) && key.length > prefix.length;
}

/**
 * Checks user metadata: keys of lower-case letters, digits, `-` and `_` (S3 lower-cases them
 * anyway), values of printable ASCII, at most {@link MAX_OBJECT_METADATA_BYTES} in all.
 *
 * @throws {@link InvalidOptionError} naming the first bad entry.
 */
export function validateObjectMetadata(metadata: Readonly<Record<string, string>> | undefined): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object') throw new InvalidOptionError('metadata', metadata, 'must be an object of strings');
  let bytes = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) throw new InvalidOptionError(`metadata.${key}`, key, 'must be a key of lower-case letters, digits, "-" and "_"');
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) throw new InvalidOptionError(`metadata.${key}`, value, 'must be a string of printable ASCII');
    bytes += key.length + value.length;
  }
  if (bytes > MAX_OBJECT_METADATA_BYTES) throw new InvalidOptionError('metadata', `${bytes} bytes`, `must be at most ${MAX_OBJECT_METADATA_BYTES} bytes in all`);
}

/** `key` with each path segment percent-encoded, for URLs (`a b/c` → `a%20b/c`). */
export function encodeKeyForUrl(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
