/**
 * Which keys of a configuration object are setting names (converted from snake_case to
 * camelCase) and which are data (kept exactly as written).
 *
 * Data keys: the keys of `topics` and `sources` written as maps (topic names, source ids), of
 * `routing.customMappings` (source ids) and of `metrics.labels` (label names). Verbatim subtrees:
 * a source's `options` (also spelt `custom_params`), passed to its connector untouched at any depth.
 *
 * @module
 */
import type { ConfigPath } from './paths.js';
import { pathMatches } from './paths.js';

const DATA_KEY_OBJECTS: readonly (readonly string[])[] = [['topics'], ['sources'], ['routing', 'customMappings'], ['metrics', 'labels']];

const VERBATIM_VALUES: readonly (readonly string[])[] = [
  ['sources', '*', 'options'],
  ['sources', '*', 'customParams'],
];

/** True when the keys of the object at `path` (camelCase path) are data, not setting names. */
export function keysAreData(path: ConfigPath): boolean {
  return DATA_KEY_OBJECTS.some((pattern) => pathMatches(path, pattern));
}

/** True when the value at `path` (camelCase path) is free-form and copied without key conversion. */
export function isVerbatim(path: ConfigPath): boolean {
  return VERBATIM_VALUES.some((pattern) => pathMatches(path, pattern));
}

/** Converts `snake_case` to `camelCase` (`max_size` → `maxSize`); camelCase keys are returned unchanged. */
export function toCamelCase(key: string): string {
  return key.replace(/(?<=[A-Za-z0-9])_+([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}
