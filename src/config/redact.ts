/**
 * Secrets in configuration: what `redactConfig` hides before a config is logged, and what a
 * {@link ConfigError} may show of an invalid value. Both use the one secret rule of
 * `core/secrets.ts` (secret-looking keys, URL passwords, `password=` pairs, PEM private keys).
 *
 * @module
 */
import { isSecretKey, REDACTED, redactDeep } from '../core/secrets.js';
import type { SecretPath } from '../core/secrets.js';
import { deepFreeze } from './deep-freeze.js';
import { MAX_CONFIG_DEPTH } from './limits.js';
import type { ConfigPath } from './paths.js';
import { pathMatches } from './paths.js';
import type { StreamConfig } from './schema/index.js';

export { REDACTED } from '../core/secrets.js';

/** Settings that are secret whatever their value (checked besides the secret-key rule). */
const SECRET_PATHS: readonly (readonly string[])[] = [
  ['kafka', 'sasl', 'password'],
  ['kafka', 'ssl', 'key'],
  ['kafka', 'ssl', 'passphrase'],
  ['images', 's3', 'secretAccessKey'],
  ['images', 's3', 'sessionToken'],
];

/** Sections whose every value may be (or embed) a credential: an error never shows a value at or under them. */
const CREDENTIAL_SECTIONS: readonly (readonly string[])[] = [
  ['kafka', 'sasl'],
  ['dlq', 'postgres'],
  ['sources', '*', 'options'],
  ['sources', '*', 'customParams'],
];

/** Sections that hold credentials next to plain settings: an error hides the section itself and unknown keys in it. */
const MIXED_SECTIONS: readonly (readonly string[])[] = [
  ['kafka', 'ssl'],
  ['images', 's3'],
];

/** Names of credentials sections; an unknown key with such a name (a mis-indented `sasl:`) is never echoed. */
const SECTION_NAME = /^(sasl|ssl|tls|s3|postgres|options|customParams|credentials?)$/i;

function isAtOrUnder(path: SecretPath, sections: readonly (readonly string[])[]): boolean {
  return sections.some((section) => path.length >= section.length && pathMatches(path.slice(0, section.length), section));
}

/** True when the value at `path` (camelCase) is a secret that must never be logged. */
export function isSecretPath(path: ConfigPath): boolean {
  return SECRET_PATHS.some((pattern) => pathMatches(path, pattern));
}

/** True when an error must not show any part of the value found at `path`. */
function isCredentialPath(path: SecretPath): boolean {
  return isSecretPath(path) || isAtOrUnder(path, CREDENTIAL_SECTIONS) || MIXED_SECTIONS.some((section) => pathMatches(path, section));
}

/**
 * True when a key the schema does not know, at `path`, may hold a secret: it sits in a section
 * that holds credentials, or its name looks like a credential or a credentials section (a
 * misspelt `pasword`, a mis-indented `sasl:` must not be echoed).
 */
export function mayBeSecret(path: ConfigPath): boolean {
  const last = path[path.length - 1];
  if (typeof last === 'string' && (isSecretKey(last) || SECTION_NAME.test(last))) return true;
  const section = path.slice(0, -1);
  return isAtOrUnder(section, CREDENTIAL_SECTIONS) || isAtOrUnder(section, MIXED_SECTIONS);
}

/**
 * Returns a deep copy of `value` (found at `path` in a valid configuration) with secrets replaced
 * by {@link REDACTED}: secret settings, values under secret-looking keys at any depth, and
 * passwords inside URLs and connection strings. Never modifies `value`.
 */
export function redactValue(value: unknown, path: ConfigPath = []): unknown {
  return redactDeep(value, { path, isSecretPath, maxDepth: MAX_CONFIG_DEPTH });
}

/**
 * What a configuration error may show of `value`, found at `path` of an invalid configuration:
 * nothing for a value at or under a credentials section (`kafka.sasl`, `dlq.postgres`, a source's
 * `options`; `kafka.ssl` and `images.s3` themselves) or for an unknown key that may hold a secret;
 * otherwise the value with secret-looking keys redacted at any depth and URL passwords stripped.
 */
export function redactIssueValue(value: unknown, path: ConfigPath, unknownKey = false): unknown {
  if (value === undefined) return undefined;
  if (unknownKey && mayBeSecret(path)) return REDACTED;
  return redactDeep(value, { path, isSecretPath: isCredentialPath });
}

/**
 * Returns a frozen copy of `config` that is safe to log: the SASL password, TLS private key and
 * passphrase, S3 secret key and session token, passwords inside URLs (the PostgreSQL connection
 * string, an S3 endpoint, a source's `url`), and secret-looking keys anywhere, such as those of
 * sources' `options` (`api_key`, `map_key`, `token`, `password`, `cookie`, …), are replaced by
 * `'[REDACTED]'`. The argument is not modified.
 */
export function redactConfig(config: StreamConfig): StreamConfig {
  return deepFreeze(redactValue(config) as StreamConfig);
}
