// The package without its optional AWS SDK peer dependencies, in a child process in which no
// @aws-sdk/* package can be resolved. No service needed; it is in the integration project because
// starting a TypeScript child process takes 1-3 s.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { S3_INSTALL_COMMAND } from '../../src/imagery/s3-sdk.js';

describe('without @aws-sdk/client-s3 and @aws-sdk/lib-storage', () => {
  it('firestream loads without the SDK; the first S3ObjectStore call says what to install', () => {
    const hooks = `export async function resolve(specifier, context, next) {
      if (specifier.startsWith('@aws-sdk/')) throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
      return next(specifier, context);
    }`;
    const storeModule = fileURLToPath(new URL('../../src/imagery/s3-object-store.ts', import.meta.url));
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const { S3ObjectStore } = await import(${JSON.stringify(storeModule)});
      const store = new S3ObjectStore({ bucket: 'images-bucket', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
      console.log(store.url('a/b.h5'));
      await store.put('a/b.h5', Buffer.from('x')).catch((e) => console.log(e.code + ' ' + e.message));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout.trim().split('\n')).toEqual([
      'http://127.0.0.1:9/images-bucket/a/b.h5',
      `${ErrorCodes.DEPENDENCY_MISSING} S3ObjectStore needs the optional peer dependency "@aws-sdk/client-s3", which is not installed: run \`${S3_INSTALL_COMMAND}\`.`,
    ]);
  });
});
