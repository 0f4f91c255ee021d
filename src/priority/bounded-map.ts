/**
 * Helpers that keep a `Map` used as a cache or memory of ids from growing without bound.
 *
 * @module
 */

/**
 * Sets `key` in `map`, first evicting the oldest entry (`Map` keeps insertion order) when the map
 * already holds `max` entries and `key` is new. O(1). With `max` 0 nothing is stored.
 *
 * @returns Whether the entry was stored.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): boolean {
  if (max <= 0) return false;
  if (map.size >= max && !map.has(key)) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
  return true;
}

/** Moves an existing entry to the newest end of `map`, so {@link setBounded} evicts it last (least recently used order). */
export function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
}
