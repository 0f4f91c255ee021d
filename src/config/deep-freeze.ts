import { isPlainObject } from './paths.js';

/**
 * Freezes `value` and every plain object and array reachable from it through plain objects and
 * arrays (cycles are fine); returns `value`. Other objects (class instances such as an agent,
 * Dates, Buffers, typed arrays) are left as they are: they belong to the caller, and some cannot
 * be frozen at all.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (!(Array.isArray(value) || isPlainObject(value)) || seen.has(value)) return value;
  seen.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child, seen);
  return value;
}
