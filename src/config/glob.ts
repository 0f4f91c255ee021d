/**
 * Source-id globs as used in priority rules and the critical allow-list.
 *
 * @module
 */

/** Compiles a glob where `*` matches any run of characters (none included) and every other character matches itself. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** Returns true when `value` matches at least one of `globs`. */
export function matchesAnyGlob(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globToRegExp(glob).test(value));
}
