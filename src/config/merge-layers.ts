import type { ConfigPath } from './paths.js';
import { isPlainObject } from './paths.js';

/** Top-level lists whose entries are merged by a key instead of replaced: topics by name, sources by id. */
const KEYED_LISTS: Readonly<Record<string, string>> = Object.freeze({ topics: 'name', sources: 'sourceId' });

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
 * keeps the base value, other values (lists included) replace it. The top-level `topics` and
 * `sources` lists merge entry by entry, matched by `name` and `sourceId`, so a file can change one
 * preset topic without repeating the others.
 */
export function mergeLayers(base: unknown, over: unknown, path: ConfigPath = []): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) {
      if (key !== '__proto__') out[key] = mergeLayers(base[key], value, [...path, key]);
    }
    return out;
  }
  const keyName = path.length === 1 ? KEYED_LISTS[String(path[0])] : undefined;
  if (keyName !== undefined && Array.isArray(base) && Array.isArray(over)) return mergeByKey(base, over, keyName, path);
  return over;
}
