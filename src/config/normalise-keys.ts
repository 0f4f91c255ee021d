import type { ConfigIssue } from '../errors.js';
import { isVerbatim, keysAreData, toCamelCase } from './key-policy.js';
import type { ConfigPath } from './paths.js';
import { cloneData, formatPath, isPlainObject } from './paths.js';
import { redactValue } from './redact.js';

/**
 * Returns a deep copy of `value` with setting names converted to camelCase at every depth, except
 * where keys are data (see `key-policy.ts`). Never modifies `value`. Problems (the same setting
 * written twice, a `__proto__` key) are appended to `issues`.
 */
export function normaliseKeys(value: unknown, issues: ConfigIssue[], path: ConfigPath = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => normaliseKeys(item, issues, [...path, i]));
  if (!isPlainObject(value)) return value;
  const dataKeys = keysAreData(path);
  const out: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [rawKey, child] of Object.entries(value)) {
    if (rawKey === '__proto__') {
      issues.push({ path: formatPath([...path, rawKey]), message: 'is not allowed as a key' });
      continue;
    }
    const key = dataKeys ? rawKey : toCamelCase(rawKey);
    const earlier = writtenAs.get(key);
    if (earlier !== undefined) {
      issues.push({ path: formatPath([...path, key]), message: `is given twice, as "${earlier}" and "${rawKey}"; keep one`, received: redactValue(child, [...path, key]) });
      continue;
    }
    writtenAs.set(key, rawKey);
    const childPath = [...path, key];
    out[key] = isVerbatim(childPath) ? cloneData(child) : normaliseKeys(child, issues, childPath);
  }
  return out;
}
