/**
 * Cross-field checks that run even when other settings are invalid.
 *
 * By default zod skips an object's refinements once any of its fields has a problem, so a
 * `ConfigError` would list a cross-field problem only after every other problem was fixed. Checks
 * declared with {@link ALWAYS} run whenever the value is an object or list, and guard each read
 * with {@link readable}, so they never reason about a value that failed its own validation.
 *
 * @module
 */
import type { z } from 'zod';

/** A path relative to the refined object. */
type RelativePath = readonly PropertyKey[];

/** `superRefine` params: run the check whenever the value is an object or a list, whatever problems its fields have. */
export const ALWAYS: z.core.$ZodSuperRefineParams = Object.freeze({
  when: (payload: z.core.ParsePayload) => typeof payload.value === 'object' && payload.value !== null,
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
