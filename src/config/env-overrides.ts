/**
 * Configuration from environment variables.
 *
 * - `KAFKA_BOOTSTRAP_SERVERS` (comma-separated `host:port` list) sets `kafka.bootstrapServers`.
 * - `FIRESTREAM_<PATH>` sets any setting; `__` separates path segments and each segment is
 *   snake_case in any letter case: `FIRESTREAM_QUEUE__MAX_SIZE=20000` sets `queue.maxSize`,
 *   `FIRESTREAM_SOURCES__FIRMS_VIIRS__ENABLED=false` sets `enabled` of source `firms_viirs`
 *   (source ids and topic names are lower-cased). Values are parsed as JSON when they parse
 *   (`20000`, `false`, `["a:9092"]`, `{"max_size": 5}`) and kept as strings otherwise; quote a
 *   string that looks like JSON (`'"123"'`). A value that starts with `{` or `[` but is not valid JSON
 *   is an error (reported without the value, which may be a secret). Lists cannot be indexed: set
 *   the whole list as JSON.
 * - `FIRESTREAM_CONFIG` names the configuration file (read by `loadConfig()` without arguments) and
 *   is not a setting.
 *
 * A `FIRESTREAM_*` variable wins over `KAFKA_BOOTSTRAP_SERVERS`; among `FIRESTREAM_*` variables
 * the more specific (longer) path wins.
 *
 * @module
 */
import type { ConfigIssue } from '../errors.js';

/** Prefix of configuration environment variables. */
export const ENV_PREFIX = 'FIRESTREAM_';

/** Environment variable naming the configuration file. */
export const CONFIG_PATH_ENV = 'FIRESTREAM_CONFIG';

/** One environment variable turned into a (raw, not yet normalised) configuration fragment. */
export interface EnvFragment {
  /** The variable's name. */
  readonly variable: string;
  /** The fragment, for example `{ queue: { max_size: 20000 } }`. */
  readonly value: Record<string, unknown>;
}

/** The value of a variable: JSON when it parses; `undefined` when it looks like a JSON object or list but does not parse; else the string. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return /^\s*[[{]/.test(raw) ? undefined : raw;
  }
}

function nest(segments: readonly string[], value: unknown): Record<string, unknown> {
  let out: unknown = value;
  for (let i = segments.length - 1; i >= 0; i--) out = { [segments[i] as string]: out };
  return out as Record<string, unknown>;
}

/**
 * Reads the configuration variables of `env`, lowest precedence first. Malformed names
 * (`FIRESTREAM_`, empty segments, `___`) and values that look like JSON but do not parse are
 * appended to `issues`, never with the value.
 */
export function readEnvFragments(env: Readonly<Record<string, string | undefined>>, issues: ConfigIssue[]): EnvFragment[] {
  const fragments: EnvFragment[] = [];
  const servers = env.KAFKA_BOOTSTRAP_SERVERS;
  if (servers !== undefined && servers !== '') fragments.push({ variable: 'KAFKA_BOOTSTRAP_SERVERS', value: { kafka: { bootstrap_servers: servers } } });
  const names = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && name !== CONFIG_PATH_ENV && env[name] !== undefined)
    .sort();
  for (const name of names) {
    const segments = name.slice(ENV_PREFIX.length).split('__').map((segment) => segment.toLowerCase());
    if (segments.some((segment) => segment === '' || segment.startsWith('_') || segment.endsWith('_'))) {
      issues.push({
        path: name,
        // No `received`: the value of a misspelt variable may be a secret.
        message: 'is not a valid setting variable: write FIRESTREAM_<SECTION>__<KEY>, for example FIRESTREAM_QUEUE__MAX_SIZE',
      });
      continue;
    }
    const value = parseValue(env[name] as string);
    if (value === undefined) {
      issues.push({
        path: name,
        // No `received`, nor the parser's message: both may quote the value, which may be a secret.
        message: 'starts like a JSON object or list but is not valid JSON: fix the JSON, or write a plain string as a JSON string, in double quotes',
      });
      continue;
    }
    fragments.push({ variable: name, value: nest(segments, value) });
  }
  return fragments;
}
