import type { ConfigIssue } from '../errors.js';
import { ConfigError } from '../errors.js';
import { redactDeep } from '../core/secrets.js';
import { issuesFromZod } from './config-issues.js';
import type { OriginLookup } from './config-issues.js';
import { deepFreeze } from './deep-freeze.js';
import { CONFIG_PATH_ENV, readEnvFragments } from './env-overrides.js';
import { adaptLayout } from './layout-aliases.js';
import { findTooDeep, MAX_CONFIG_DEPTH } from './limits.js';
import { mergeLayers } from './merge-layers.js';
import { normaliseKeys } from './normalise-keys.js';
import type { ConfigPath } from './paths.js';
import { formatPath, isPlainObject, valueAt } from './paths.js';
import { readConfigFile } from './read-config-file.js';
import { redactIssueValue } from './redact.js';
import { DEFAULT_TOPICS, StreamConfigSchema } from './schema/index.js';
import type { StreamConfig, StreamConfigInput } from './schema/index.js';

/** Options of {@link loadConfig} and {@link resolveConfig}. */
export interface LoadConfigOptions {
  /** Environment to read overrides from (default `process.env`); pass an object to make tests exact. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings that win over everything else (snake_case or camelCase keys, merged deeply). */
  readonly overrides?: StreamConfigInput | Readonly<Record<string, unknown>>;
}

/** Options of {@link resolveConfig}. */
export interface ResolveConfigOptions extends LoadConfigOptions {
  /** Where the settings came from, named in error messages. */
  readonly source?: string;
}

/** The layers of a configuration below `options.overrides`: a file (below the environment) and an object (above it). */
interface Layers {
  readonly file?: unknown;
  readonly object?: unknown;
}

/** Normalises one layer: checked for depth, camelCase keys, older layout adapted. Returns a fresh object. */
function normaliseLayer(value: unknown, where: string, issues: ConfigIssue[]): Record<string, unknown> {
  if (!isPlainObject(value)) {
    issues.push({ path: '', message: `${where} must be an object of settings`, received: redactIssueValue(value, []) });
    return {};
  }
  const tooDeep = findTooDeep(value);
  if (tooDeep !== undefined) {
    const shown = formatPath(tooDeep.slice(0, 6)) + (tooDeep.length > 6 ? '…' : '');
    issues.push({ path: shown, message: `${where} nests lists and objects more than ${MAX_CONFIG_DEPTH} levels deep (or refers to itself); flatten it` });
    return {};
  }
  return adaptLayout(normaliseKeys(value, issues), issues) as Record<string, unknown>;
}

/** Paths of the values a layer sets (a list counts as one value); lists merged by key are skipped. */
function leafPaths(value: unknown, path: ConfigPath = []): ConfigPath[] {
  if (path[0] === 'topics' || path[0] === 'sources') return [];
  if (!isPlainObject(value)) return [path];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]));
}

/** Last line of defence: whatever produced an issue, its `received` value is shown with secrets hidden. */
function safeIssue(issue: ConfigIssue): ConfigIssue {
  return 'received' in issue ? { ...issue, received: redactDeep(issue.received) } : issue;
}

/** Validates defaults < file < environment < object < overrides. */
function resolveLayers(layers: Layers, options: ResolveConfigOptions, where: string): StreamConfig {
  const issues: ConfigIssue[] = [];
  const env = options.env ?? process.env;

  let merged = mergeLayers({ topics: DEFAULT_TOPICS }, layers.file === undefined ? {} : normaliseLayer(layers.file, where, issues));
  const origins = new Map<string, string>();
  for (const fragment of readEnvFragments(env, issues)) {
    const layer = normaliseLayer(fragment.value, fragment.variable, issues);
    for (const path of leafPaths(layer)) origins.set(formatPath(path), fragment.variable);
    merged = mergeLayers(merged, layer);
  }
  const object = layers.object === undefined ? {} : normaliseLayer(layers.object, where, issues);
  const overrides = options.overrides === undefined ? {} : normaliseLayer(options.overrides, 'options.overrides', issues);
  merged = mergeLayers(mergeLayers(merged, object), overrides);

  // The variable that set the value at `path`, unless the object or the overrides set it again.
  const originOf: OriginLookup = (path) => {
    for (let end = path.length; end > 0; end--) {
      const prefix = path.slice(0, end);
      const variable = origins.get(formatPath(prefix));
      if (variable !== undefined) return valueAt(object, prefix) === undefined && valueAt(overrides, prefix) === undefined ? variable : undefined;
    }
    return undefined;
  };

  const result = StreamConfigSchema.safeParse(merged);
  if (!result.success) issues.push(...issuesFromZod(result.error, merged, StreamConfigSchema, originOf));
  if (issues.length > 0 || !result.success) throw new ConfigError(issues.map(safeIssue), { source: options.source });
  return deepFreeze(result.data);
}

/**
 * Validates configuration given as an object, applying environment variables and overrides:
 * schema defaults < environment (`KAFKA_BOOTSTRAP_SERVERS`, `FIRESTREAM_<PATH>`) < `input` <
 * `options.overrides`. An object given in code is explicit, so it wins over the environment;
 * a file read by {@link loadConfig} ranks below the environment. Keys may be snake_case or
 * camelCase at any depth; the older seed layout is accepted (see `layout-aliases.ts`).
 *
 * @returns The configuration with every default applied, deeply frozen (plain objects and lists;
 *   class instances, Dates and Buffers in a source's `options` are kept as given). No argument is
 *   modified.
 * @throws {@link ConfigError} listing every problem found, each as `path: what is wrong (got X)`,
 *   values at credentials and secret-looking keys never shown.
 */
export function resolveConfig(input: unknown, options: ResolveConfigOptions = {}): StreamConfig {
  return resolveLayers({ object: input }, options, options.source ?? 'the configuration');
}

/**
 * Loads the firestream configuration.
 *
 * @param pathOrObject - A `.yaml`, `.yml` or `.json` file, or the settings as an object. When left
 *   out, the file named by `FIRESTREAM_CONFIG` is read, or only defaults and the environment apply.
 * @param options - Environment (default `process.env`) and explicit overrides.
 * @returns The validated configuration, deeply frozen. Precedence: schema defaults < file <
 *   environment (`KAFKA_BOOTSTRAP_SERVERS`, `FIRESTREAM_<PATH>`) < an object given as
 *   `pathOrObject` < `options.overrides`.
 * @throws {@link FirestreamError} with code `FIRESTREAM_CONFIG_UNREADABLE` when the file cannot be
 *   read or parsed or is over 4 MiB; {@link ConfigError} listing every invalid setting otherwise.
 */
export async function loadConfig(
  pathOrObject?: string | StreamConfigInput | Readonly<Record<string, unknown>>,
  options: LoadConfigOptions = {},
): Promise<StreamConfig> {
  const env = options.env ?? process.env;
  const path = typeof pathOrObject === 'string' ? pathOrObject : pathOrObject === undefined ? env[CONFIG_PATH_ENV] || undefined : undefined;
  if (path !== undefined) return resolveLayers({ file: await readConfigFile(path) }, { ...options, env, source: path }, path);
  return resolveLayers({ object: pathOrObject ?? {} }, { ...options, env }, 'the configuration');
}
