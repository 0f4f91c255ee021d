import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { ErrorCodes, FirestreamError } from '../errors.js';

/** The two AWS SDK packages `S3ObjectStore` uses; optional peer dependencies, loaded on first use. */
export interface S3Sdk {
  readonly client: typeof ClientS3;
  readonly storage: typeof LibStorage;
}

/** Loads one module by name (the dynamic `import()`; tests inject another). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** The npm command that installs what `S3ObjectStore` needs. */
export const S3_INSTALL_COMMAND = 'npm install @aws-sdk/client-s3 @aws-sdk/lib-storage';

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (typeof message !== 'string' || message.includes(specifier));
}

/**
 * Imports an optional peer dependency. A missing package rejects with `DEPENDENCY_MISSING`
 * naming it and the install command; any other load failure with `DEPENDENCY_MISSING` too, the
 * original error as `cause`. A CommonJS module imported from ESM may arrive as its `default`.
 */
export async function importPeer<T>(specifier: string, feature: string, importer: ModuleImporter = defaultImporter): Promise<T> {
  let mod: unknown;
  try {
    mod = await importer(specifier);
  } catch (err) {
    const why = isModuleNotFound(err, specifier) ? 'which is not installed' : 'which could not be loaded';
    throw new FirestreamError(ErrorCodes.DEPENDENCY_MISSING, `${feature} needs the optional peer dependency "${specifier}", ${why}: run \`${S3_INSTALL_COMMAND}\`.`, {
      cause: err,
      context: { package: specifier, install: S3_INSTALL_COMMAND },
    });
  }
  const record = mod as { default?: unknown };
  return (record.default !== undefined && typeof record.default === 'object' ? record.default : mod) as T;
}

let loading: Promise<S3Sdk> | undefined;

/**
 * Loads `@aws-sdk/client-s3` and `@aws-sdk/lib-storage` once (a failed load is retried by the
 * next call), so `firestream` itself loads without them.
 */
export function loadS3Sdk(importer?: ModuleImporter): Promise<S3Sdk> {
  if (importer !== undefined) return loadWith(importer);
  loading ??= loadWith(defaultImporter).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function loadWith(importer: ModuleImporter): Promise<S3Sdk> {
  const client = await importPeer<typeof ClientS3>('@aws-sdk/client-s3', 'S3ObjectStore', importer);
  const storage = await importPeer<typeof LibStorage>('@aws-sdk/lib-storage', 'S3ObjectStore', importer);
  return { client, storage };
}
