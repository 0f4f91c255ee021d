import type { z } from 'zod';
import { InvalidOptionError } from '../errors.js';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Parses `input` with `schema` (defaults applied, input untouched) and throws an
 * {@link InvalidOptionError} naming the first offending option (prefixed with `prefix`) and value.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const name = [prefix, ...path.map(String)].filter(Boolean).join('.');
  throw new InvalidOptionError(name || 'options', valueAt(input, path), issue?.message ?? 'is invalid');
}
