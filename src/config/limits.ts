/**
 * Limits that protect the loader from hostile or broken configuration.
 *
 * @module
 */
import type { ConfigPath } from './paths.js';
import { isPlainObject } from './paths.js';

/** Largest configuration file `loadConfig` reads: 4 MiB. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1_048_576;

/** Deepest nesting of objects and lists accepted in a configuration layer. */
export const MAX_CONFIG_DEPTH = 64;

/** Keys refused at any depth (also inside a source's `options`): they could reach `Object.prototype`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Finds a list or object nested deeper than `maxDepth` in `value`, looking through plain objects
 * and arrays only, without recursion (so a hostile layer cannot overflow the stack); a cycle
 * counts as too deep.
 *
 * @returns The path of the first too-deep value, or `undefined` when there is none.
 */
export function findTooDeep(value: unknown, maxDepth: number = MAX_CONFIG_DEPTH): ConfigPath | undefined {
  const deepestVisit = new Map<object, number>();
  const stack: { value: unknown; path: ConfigPath }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, path } = next;
    if (!(Array.isArray(current) || isPlainObject(current))) continue;
    if (path.length >= maxDepth) return path;
    if ((deepestVisit.get(current) ?? -1) >= path.length) continue;
    deepestVisit.set(current, path.length);
    if (Array.isArray(current)) current.forEach((child: unknown, i) => stack.push({ value: child, path: [...path, i] }));
    else for (const [key, child] of Object.entries(current)) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}
