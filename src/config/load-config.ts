import type { ConfigIssue } from '../errors.js';
import { ConfigError } from '../errors.js';
import { issuesFromZod } from './config-issues.js';
import type { OriginLookup } from './config-issues.js';
import { deepFreeze } from './deep-freeze.js';
import { CONFIG_PATH_ENV, readEnvFragments } from './env-overrides.js';
import { adaptLayout } from './layout-aliases.js';
import { mergeLayers } from './merge-layers.js';
import { normaliseKeys } from './normalise-keys.js';
import type { ConfigPath } from './paths.js';
import { formatPath, isPlainObject, valueAt } from './paths.js';
import { readConfigFile } from './read-config-file.js';
import { DEFAULT_TOPICS, StreamConfigSchema } from './schema/index.js';
import type { StreamConfig, StreamConfigInput } from './schema/index.js';

/** Options of {@link loadConfig} and {@link resolveConfig}. */
export interface LoadConfigOptions {
  /** Environment to read overrides from (default `process.env`); pass an object to make tests exact. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings that win over the file and the environment (snake_case or camelCase keys, merged deeply). */
  readonly overrides?: StreamConfigInput | Readonly<Record<string, unknown>>;
}

/** Options of {@link resolveConfig}. */
export interface ResolveConfigOptions extends LoadConfigOptions {
  /** Where the settings came from (a file path), named in error messages. */
  readonly source?: string;
}

/** Normalises one layer: camelCase keys, older layout adapted. Returns a fresh object. */
function normaliseLayer(value: unknown, where: string, issues: ConfigIssue[]): Record<string, unknown> {
  if (!isPlainObject(value)) {
    issues.push({ path: '', message: `${where} must be an object of settings`, received: value });
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

/**
 * Validates configuration given as an object, applying environment variables and overrides:
 * schema defaults < `input` < environment < `options.overrides`. Keys may be snake_case or
 * camelCase at any depth; the older seed layout is accepted (see `layout-aliases.ts`).
 *
 * @returns The configuration with every default applied, deeply frozen. No argument is modified.
 * @throws {@link ConfigError} listing every problem found, each as `path: what is wrong (got X)`.
 */
export function resolveConfig(input: unknown, options: ResolveConfigOptions = {}): StreamConfig {
  const issues: ConfigIssue[] = [];
  const env = options.env ?? process.env;

  let merged = mergeLayers({ topics: DEFAULT_TOPICS }, normaliseLayer(input, options.source ?? 'the configuration', issues));
  const origins = new Map<string, string>();
  for (const fragment of readEnvFragments(env, issues)) {
    const layer = normaliseLayer(fragment.value, fragment.variable, issues);
    for (const path of leafPaths(layer)) origins.set(formatPath(path), fragment.variable);
    merged = mergeLayers(merged, layer);
  }
  const overrides = options.overrides === undefined ? {} : normaliseLayer(options.overrides, 'options.overrides', issues);
  merged = mergeLayers(merged, overrides);

  const originOf: OriginLookup = (path) => {
    for (let end = path.length; end > 0; end--) {
      const prefix = path.slice(0, end);
      const variable = origins.get(formatPath(prefix));
      if (variable !== undefined) return valueAt(overrides, prefix) === undefined ? variable : undefined;
    }
    return undefined;
  };

  const result = StreamConfigSchema.safeParse(merged);
  if (!result.success) issues.push(...issuesFromZod(result.error, merged, StreamConfigSchema, originOf));
  if (issues.length > 0 || !result.success) throw new ConfigError(issues, { source: options.source });
  return deepFreeze(result.data);
}

/**
 * Loads the firestream configuration.
 *
 * @param pathOrObject - A `.yaml`, `.yml` or `.json` file, or the settings as an object. When left
 *   out, the file named by `FIRESTREAM_CONFIG` is read, or only defaults and the environment apply.
 * @param options - Environment (default `process.env`) and explicit overrides.
 * @returns The validated configuration, deeply frozen. Precedence: schema defaults < file <
 *   environment (`KAFKA_BOOTSTRAP_SERVERS`, `FIRESTREAM_<PATH>`) < `options.overrides`.
 * @throws {@link FirestreamError} with code `FIRESTREAM_CONFIG_UNREADABLE` when the file cannot be
 *   read or parsed; {@link ConfigError} listing every invalid setting otherwise.
 */
export async function loadConfig(
  pathOrObject?: string | StreamConfigInput | Readonly<Record<string, unknown>>,
  options: LoadConfigOptions = {},
): Promise<StreamConfig> {
  const env = options.env ?? process.env;
  const path = typeof pathOrObject === 'string' ? pathOrObject : pathOrObject === undefined ? env[CONFIG_PATH_ENV] || undefined : undefined;
  if (path !== undefined) return resolveConfig(await readConfigFile(path), { ...options, env, source: path });
  return resolveConfig(pathOrObject ?? {}, { ...options, env });
}
