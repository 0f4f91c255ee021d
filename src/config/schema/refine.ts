/**
 * Cross-field checks that run even when other settings are invalid.
 *
 * By default zod skips an object's refinements once any of its fields has a problem, so a
 * `ConfigError` would list a cross-field problem only after every other problem was fixed. Checks
 * declared with {@link ALWAYS} run whenever the value passed its own type check (it is an object
 * or a list, with no problem reported at its own path), and guard each read of a field with
 * {@link readable}, so they never reason about a value that failed its own validation.
 *
 * @module
 */
import type { z } from 'zod';

/** A path relative to the refined object. */
type RelativePath = readonly PropertyKey[];

/** True when a problem reported at the value's own path means the value itself is wrong (not merely an unknown key in it). */
function failsItself(issue: z.core.$ZodRawIssue): boolean {
  return (issue.path ?? []).length === 0 && issue.code !== 'unrecognized_keys';
}

/**
 * `superRefine` params: run the check whenever the value is an object or a list that passed its
 * own type check, whatever problems its fields have. A value of the wrong type (`routing: null`,
 * `sources: {}`) has a problem at its own path, and the check is skipped.
 */
export const ALWAYS: z.core.$ZodSuperRefineParams = Object.freeze({
  when: (payload: z.core.ParsePayload) => typeof payload.value === 'object' && payload.value !== null && !payload.issues.some(failsItself),
});

function isPrefix(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/**
 * True when no problem has been found at, above or below any of `paths` (relative to the object
 * being refined), so the parsed values there can be trusted. An unknown key next to a setting does
 * not make the setting unreadable.
 */
export function readable(ctx: z.RefinementCtx, ...paths: RelativePath[]): boolean {
  return !ctx.issues.some((issue) => {
    const at = issue.path ?? [];
    const besideUnknownKey = issue.code === 'unrecognized_keys';
    return paths.some((path) => isPrefix(path, at) || (isPrefix(at, path) && !besideUnknownKey));
  });
}
