/**
 * Paths into configuration objects, and the plain-data helpers the loader shares.
 *
 * @module
 */

/** A path into a configuration object: keys and array indices. */
export type ConfigPath = readonly (string | number)[];

/** True for `{}`-style objects (object literals, JSON and YAML maps), false for arrays, class instances and null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path as `queue.maxSize`, `sources[2].sourceId` or `routing.customMappings["my.source"]`,
 * after `prefix` when one is given.
 */
export function formatPath(path: ConfigPath, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Reads the value at `path` (own properties only); `undefined` when any step is missing. */
export function valueAt(root: unknown, path: ConfigPath): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** True when `path` matches `pattern` element by element; `*` in the pattern matches any key or index. */
export function pathMatches(path: ConfigPath, pattern: readonly string[]): boolean {
  return path.length === pattern.length && pattern.every((part, i) => part === '*' || part === String(path[i]));
}
