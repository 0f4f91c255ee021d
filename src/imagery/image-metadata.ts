import { z } from 'zod';
import { describeValue, ErrorCodes, FirestreamError } from '../errors.js';
import type { ImageFormat } from './image-format.js';
import type { ImageCompression } from './image-header.js';

/** A JSON value: what may go into an image's caller metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What the caller says about an image when serializing it. */
export interface ImageMetadataInput {
  /** Id of the source the image came from, for example `landsat_thermal` (1 to 255 characters, no spaces). */
  readonly sourceId: string;
  /**
   * Free-form facts about the image (scene id, acquisition time, bounds, …), copied into the
   * metadata message's `metadata` field. Plain JSON only: strings, finite numbers, booleans,
   * `null`, arrays and plain objects.
   */
  readonly attributes?: Readonly<Record<string, JsonValue>>;
}

/**
 * The JSON message that describes one image and travels next to its binary packet; the two share
 * `correlation_id`. Field names are snake_case, like the other messages firestream writes.
 */
export interface ImageMetadataMessage {
  /** `{timestamp}_{size}_{partialHash}`, also checked against the packet by `deserializeImage`. */
  readonly correlation_id: string;
  /** Id of the source. */
  readonly source_id: string;
  /** Format of the image from its magic bytes. */
  readonly format: ImageFormat;
  /** How the packet's payload is stored. */
  readonly compression: ImageCompression;
  /** Size of the original image in bytes. */
  readonly image_size_bytes: number;
  /** Size of the packet's payload in bytes (after compression, header not included). */
  readonly stored_size_bytes: number;
  /** SHA-256 of the original image, lowercase hex. */
  readonly sha256: string;
  /** When the image was serialized, ISO 8601 UTC (the same instant as the correlation id's). */
  readonly timestamp: string;
  /** The caller's `attributes`, deep-copied (an empty object when none were given). */
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

/** Default `maxMetadataBytes`: 64 KiB of caller attributes once JSON-encoded. */
export const DEFAULT_MAX_METADATA_BYTES = 64 * 1024;

/** Longest `sourceId`, in characters. */
const MAX_SOURCE_ID_LENGTH = 255;

/** An attribute key refused at any depth: an own `__proto__` key would be lost (or set the prototype) when copied. */
const FORBIDDEN_KEY = '__proto__';

const ImageMetadataInputSchema = z.strictObject({
  sourceId: z
    .string()
    .max(MAX_SOURCE_ID_LENGTH, `must be at most ${MAX_SOURCE_ID_LENGTH} characters`)
    .regex(/^\S+$/, 'must be a non-empty source id without spaces'),
  attributes: z.record(z.string(), z.json()).optional(),
});

const NO_VALUE = Symbol('no value');

function invalid(path: string, problem: string, value: unknown = NO_VALUE, cause?: unknown): FirestreamError {
  const got = value === NO_VALUE ? '' : ` (got ${typeof value === 'number' ? String(value) : describeValue(value)})`;
  return new FirestreamError(ErrorCodes.INVALID_RECORD, `Image metadata "${path}" ${problem}${got}.`, {
    cause,
    context: { path },
  });
}

type Issue = z.core.$ZodIssue;

/**
 * The innermost failing value of a zod issue: `z.json()` reports a bad leaf as a union failure at
 * its container, with the leaf's own union failure nested in the object/array branch.
 */
function innermost(issue: Issue): { path: PropertyKey[]; issue: Issue } {
  let path: PropertyKey[] = [...issue.path];
  let current = issue;
  for (;;) {
    if (current.code !== 'invalid_union') return { path, issue: current };
    const nested = current.errors.flat().find((inner) => inner.code === 'invalid_union');
    if (nested === undefined) return { path, issue: current };
    path = [...path, ...nested.path];
    current = nested;
  }
}

/**
 * The path of the first own `__proto__` key in already validated (plain JSON, acyclic) attributes.
 * Walked with an explicit stack, so depth does not matter.
 */
function forbiddenKeyPath(attributes: unknown): string | undefined {
  const stack: [unknown, string][] = [[attributes, 'attributes']];
  const seen = new Set<object>();
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [value, path] = entry;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Object.hasOwn(value, FORBIDDEN_KEY)) return `${path}.${FORBIDDEN_KEY}`;
    for (const [key, child] of Object.entries(value)) stack.push([child, `${path}.${key}`]);
  }
  return undefined;
}

/** Validated caller metadata: the source id and a private deep copy of the attributes. */
export interface ParsedImageMetadata {
  /** Id of the source. */
  readonly sourceId: string;
  /** Deep copy of the caller's attributes. */
  readonly attributes: Readonly<Record<string, JsonValue>>;
}

/**
 * Validates caller metadata with zod and returns a deep copy of its attributes.
 *
 * @throws `FIRESTREAM_INVALID_RECORD` naming the offending path for a missing or bad source id (empty,
 * with spaces, or longer than 255 characters), an unknown key, an attribute key `__proto__` at any depth, a value that is not plain JSON (`undefined`, `NaN`, `Infinity`, a bigint, a
 * function, a `Date`, a `Buffer`, a class instance), a cycle, nesting too deep to walk, a getter
 * that throws, or attributes longer than `maxMetadataBytes` once JSON-encoded.
 */
export function parseImageMetadata(input: unknown, maxMetadataBytes: number): ParsedImageMetadata {
  let result: ReturnType<typeof ImageMetadataInputSchema.safeParse>;
  try {
    result = ImageMetadataInputSchema.safeParse(input, { reportInput: true });
  } catch (err) {
    throw invalid('attributes', err instanceof RangeError ? 'is nested too deeply to validate' : 'could not be read', NO_VALUE, err);
  }
  if (!result.success) {
    const { path, issue } = innermost(result.error.issues[0] as Issue);
    const name = path.length > 0 ? path.map(String).join('.') : '(metadata)';
    const problem = issue.code === 'invalid_union' ? 'is not plain JSON (string, finite number, boolean, null, array or plain object)' : `is invalid: ${issue.message}`;
    throw invalid(name, problem, issue.input);
  }
  let forbidden: string | undefined;
  try {
    forbidden = forbiddenKeyPath((input as { attributes?: unknown }).attributes);
  } catch (err) {
    throw invalid('attributes', 'could not be read', NO_VALUE, err);
  }
  if (forbidden !== undefined) throw invalid(forbidden, `is not allowed: "${FORBIDDEN_KEY}" cannot be an attribute key`);
  let json: string;
  try {
    json = JSON.stringify(result.data.attributes ?? {});
  } catch (err) {
    throw invalid('attributes', 'is not JSON-serialisable (a cycle, or nesting too deep)', NO_VALUE, err);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxMetadataBytes) throw invalid('attributes', `is ${bytes} bytes as JSON, more than "maxMetadataBytes" (${maxMetadataBytes})`);
  return { sourceId: result.data.sourceId, attributes: JSON.parse(json) as Record<string, JsonValue> };
}
