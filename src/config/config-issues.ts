import { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import type { ConfigPath } from './paths.js';
import { formatPath, valueAt } from './paths.js';
import { redactIssueValue } from './redact.js';

/** Strips wrappers (defaults, optional, pipes) down to the schema that holds the shape. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The setting names the schema accepts in the object at `path`, or `[]` when it has no fixed keys. */
export function knownKeysAt(schema: z.ZodType, path: ConfigPath): string[] {
  let current = unwrapSchema(schema);
  for (const part of path) {
    if (current instanceof z.ZodObject) {
      const child = (current.shape as Record<string, z.ZodType>)[String(part)];
      if (child === undefined) return [];
      current = unwrapSchema(child);
    } else if (current instanceof z.ZodArray) {
      current = unwrapSchema(current.element as z.ZodType);
    } else if (current instanceof z.ZodRecord) {
      current = unwrapSchema(current.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const folded = key.toLowerCase().replace(/[_-]/g, '');
  const close = known
    .map((candidate) => ({ candidate, distance: editDistance(folded, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= 2)
    .sort((a, b) => a.distance - b.distance)[0];
  if (close !== undefined) return `is not a known setting; did you mean "${close.candidate}"?`;
  return known.length > 0 ? `is not a known setting (known here: ${known.join(', ')})` : 'is not a known setting';
}

/** Lower-cases the first letter of a sentence (`Invalid input` → `invalid input`), not of an upper-case word (`CRITICAL`). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Shows entries of the keyed lists by their key (`topics["wildfire-x"]`, `sources["iot_a"]`) rather than by index. */
function displayPath(path: ConfigPath, input: unknown): string {
  const [list, index] = path;
  if ((list === 'topics' || list === 'sources') && typeof index === 'number') {
    const key = valueAt(input, [list, index, list === 'topics' ? 'name' : 'sourceId']);
    if (typeof key === 'string') return formatPath(path.slice(2), `${list}[${JSON.stringify(key)}]`);
  }
  return formatPath(path);
}

/** Finds the environment variable that set the value at `path`, if any. */
export type OriginLookup = (path: ConfigPath) => string | undefined;

/**
 * Turns zod issues into {@link ConfigIssue}s: one per problem (one per unknown key), with the
 * path, a message, and the value found at that path in `input` (for a failed cross-field check on
 * a value left out, the default in effect) as far as it is safe to show (see `redactIssueValue`).
 * When an environment variable set the value, the message names it.
 */
export function issuesFromZod(error: z.ZodError, input: unknown, schema: z.ZodType, originOf: OriginLookup): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  let defaults: unknown;
  // A cross-field check may fail on a value the user left out: report the default in effect.
  const valueInEffect = (path: ConfigPath, custom: boolean): unknown => {
    const given = valueAt(input, path);
    if (given !== undefined || !custom) return given;
    defaults ??= schema.safeParse({}).data;
    return valueAt(defaults, path);
  };
  const add = (path: ConfigPath, message: string, unknownKey = false, custom = false): void => {
    const origin = originOf(path);
    const value = valueInEffect(path, custom);
    out.push({
      path: displayPath(path, input),
      message: origin === undefined ? message : `${message} [set by environment variable ${origin}]`,
      received: redactIssueValue(value, path, unknownKey),
    });
  };
  for (const issue of error.issues) {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys) add([...path, key], unknownKeyMessage(key, known), true);
    } else {
      add(path, lowerFirst(issue.message), false, issue.code === 'custom');
    }
  }
  return out;
}
