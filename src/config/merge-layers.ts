import type { ConfigPath } from './paths.js';
import { isPlainObject } from './paths.js';

/** The key of `entry` in a keyed list, or undefined when it has none. */
function entryKey(entry: unknown, keyName: string): string | undefined {
  if (!isPlainObject(entry)) return undefined;
  const key = entry[keyName];
  return typeof key === 'string' ? key : undefined;
}

function mergeByKey(base: readonly unknown[], over: readonly unknown[], keyName: string, path: ConfigPath): unknown[] {
  const out = [...base];
  const index = new Map<string, number>();
  out.forEach((entry, i) => {
    const key = entryKey(entry, keyName);
    if (key !== undefined && !index.has(key)) index.set(key, i);
  });
  for (const entry of over) {
    const key = entryKey(entry, keyName);
    const at = key === undefined ? undefined : index.get(key);
    if (at === undefined) {
      if (key !== undefined) index.set(key, out.length);
      out.push(entry);
    } else {
      out[at] = mergeLayers(out[at], entry, [...path, at]);
    }
  }
  return out;
}

/**
 * Deep-merges `over` onto `base` without modifying either: objects merge key by key, `undefined`
 * keeps the base value, other values (lists included) replace it, with two exceptions at the top
 * level:
 *
 * - `topics`: a list replaces the topics below it (the preset included); a map
 *   (`{ <name>: {…} }`, as left by `adaptLayout`) merges entry by entry into them, matched by name,
 *   so a file can change one preset topic without repeating the others.
 * - `sources`: a list merges entry by entry, matched by `sourceId`.
 */
export function mergeLayers(base: unknown, over: unknown, path: ConfigPath = []): unknown {
  if (over === undefined) return base;
  const topLevel = path.length === 1 ? path[0] : undefined;
  if (topLevel === 'topics' && isPlainObject(over)) return mergeByKey(Array.isArray(base) ? base : [], Object.values(over), 'name', path);
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
      if (key !== '__proto__') out[key] = mergeLayers(base[key], value, [...path, key]);
    }
    return out;
  }
  if (topLevel === 'sources' && Array.isArray(base) && Array.isArray(over)) return mergeByKey(base, over, 'sourceId', path);
  return over;
}

