import type { ConfigIssue } from '../errors.js';
import { isVerbatim, keysAreData, toCamelCase } from './key-policy.js';
import { FORBIDDEN_KEYS } from './limits.js';
import type { ConfigPath } from './paths.js';
import { formatPath, isPlainObject } from './paths.js';
import { redactIssueValue } from './redact.js';

function forbidden(path: ConfigPath, key: string, issues: ConfigIssue[]): boolean {
  if (!FORBIDDEN_KEYS.has(key)) return false;
  issues.push({ path: formatPath([...path, key]), message: 'is not allowed as a key (__proto__, constructor and prototype could reach Object.prototype); rename it' });
  return true;
}

/**
 * Deep copy of a free-form subtree (a source's `options`): plain objects and arrays are copied,
 * other values (class instances, Dates, Buffers) are kept by reference. `__proto__`,
 * `constructor` and `prototype` keys are reported and left out.
 */
function copyVerbatim(value: unknown, issues: ConfigIssue[], path: ConfigPath): unknown {
  if (Array.isArray(value)) return value.map((item: unknown, i) => copyVerbatim(item, issues, [...path, i]));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!forbidden(path, key, issues)) out[key] = copyVerbatim(child, issues, [...path, key]);
  }
  return out;
}

/**
 * Returns a deep copy of `value` with setting names converted to camelCase at every depth, except
 * where keys are data (see `key-policy.ts`). Never modifies `value`. Problems (the same setting
 * written twice; a `__proto__`, `constructor` or `prototype` key at any depth, options included)
 * are appended to `issues`. `value` must be nested at most `MAX_CONFIG_DEPTH` deep.
 */
export function normaliseKeys(value: unknown, issues: ConfigIssue[], path: ConfigPath = []): unknown {
  if (Array.isArray(value)) return value.map((item: unknown, i) => normaliseKeys(item, issues, [...path, i]));
  if (!isPlainObject(value)) return value;
  const dataKeys = keysAreData(path);
  const out: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [rawKey, child] of Object.entries(value)) {
    if (forbidden(path, rawKey, issues)) continue;
    const key = dataKeys ? rawKey : toCamelCase(rawKey);
    const earlier = writtenAs.get(key);
    const childPath = [...path, key];
    if (earlier !== undefined) {
      issues.push({ path: formatPath(childPath), message: `is given twice, as "${earlier}" and "${rawKey}"; keep one`, received: redactIssueValue(child, childPath) });
      continue;
    }
    writtenAs.set(key, rawKey);
    out[key] = isVerbatim(childPath) ? copyVerbatim(child, issues, childPath) : normaliseKeys(child, issues, childPath);
  }
  return out;
}
