import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { importPeer, loadS3Sdk, S3_INSTALL_COMMAND } from '../../src/imagery/s3-sdk.js';
import { rejection } from './rejection.js';

const notFound = (specifier: string): Error => Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/x.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('optional AWS SDK peer dependencies', () => {
  it('a missing package is DEPENDENCY_MISSING naming it and the install command', async () => {
    const err = await rejection(loadS3Sdk(async (specifier) => {
      if (specifier === '@aws-sdk/lib-storage') throw notFound(specifier);
      return { S3Client: class {} };
    }));
    expect([err.code, err.context.package, err.context.install]).toEqual([ErrorCodes.DEPENDENCY_MISSING, '@aws-sdk/lib-storage', S3_INSTALL_COMMAND]);
    expect(err.message).toBe(`S3ObjectStore needs the optional peer dependency "@aws-sdk/lib-storage", which is not installed: run \`${S3_INSTALL_COMMAND}\`.`);
  });

  it('a package that fails to load is DEPENDENCY_MISSING too, with the cause', async () => {
    const boom = new SyntaxError('Unexpected token');
    const err = await rejection(importPeer('@aws-sdk/client-s3', 'S3ObjectStore', async () => Promise.reject(boom)));
    expect([err.code, err.cause]).toEqual([ErrorCodes.DEPENDENCY_MISSING, boom]);
    expect(err.message).toMatch(/could not be loaded/);
  });

  it('loads the installed SDK (once) with the real import()', async () => {
    const first = loadS3Sdk();
    expect(loadS3Sdk()).toBe(first);
    const sdk = await first;
    expect(typeof sdk.client.S3Client).toBe('function');
    expect(typeof sdk.storage.Upload).toBe('function');
  });
});
