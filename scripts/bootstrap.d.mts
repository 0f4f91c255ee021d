// Types for scripts/bootstrap.mjs (a plain Node script), so its tests can import it.

/** Name of the marker file inside node_modules (sha256 of the installed package-lock.json). */
export declare const MARKER: string;

/** What {@link bootstrap} has to do. */
export interface BootstrapPlan {
  /** The npm command to run, if any. */
  npm: 'ci' | 'install' | undefined;
  /** Whether to (re)write the marker afterwards. */
  writeMarker: boolean;
  /** Why, in words. */
  reason: string;
}

/** True when npm's hidden lockfile lists exactly the lockfile's packages (optional ones may be missing). */
export declare function lockfileSatisfied(lockText: string, hiddenLockText: string): boolean;

/**
 * After `npm ci`: undefined when the hidden lockfile (`undefined` = missing) satisfies the lockfile,
 * else a message (naming omitted devDependencies when those are what is missing). Pure.
 */
export declare function installProblem(lockText: string, hiddenLockText: string | undefined): string | undefined;

/** Decides from file contents (`undefined` = missing) whether to install. Pure. */
export declare function planBootstrap(files: {
  lockText: string | undefined;
  markerText: string | undefined;
  hiddenLockText: string | undefined;
}): BootstrapPlan;

/**
 * Brings `root`'s node_modules in line with its lockfile; `run` runs npm. Returns the plan carried
 * out; throws without writing the marker when node_modules still does not match after `npm ci`.
 */
export declare function bootstrap(options: {
  root: string;
  run?: (command: 'ci' | 'install', root: string) => void;
  log?: (message: string) => void;
}): BootstrapPlan;
