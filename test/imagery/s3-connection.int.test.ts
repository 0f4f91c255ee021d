// How S3ObjectStore connects: credentials from the AWS SDK's default provider chain (in a child
// process, so that the AWS_* variables reach no other test), and TLS verification of an endpoint
// with a self-signed certificate (made with `openssl` for this run).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { S3ObjectStore } from '../../src/imagery/s3-object-store.js';
import { s3TestEnv, uniqueKeyPrefix } from '../helpers/s3.js';
import { rejection } from './rejection.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('S3ObjectStore credentials from the default provider chain', () => {
  it('round-trips with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; without any credentials it is access_denied', () => {
    const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3TestEnv();
    const storeModule = fileURLToPath(new URL('../../src/imagery/s3-object-store.ts', import.meta.url));
    const key = `${uniqueKeyPrefix('chain')}k.bin`;
    const script = `
      const { S3ObjectStore } = await import(${JSON.stringify(storeModule)});
      const connection = { bucket: ${JSON.stringify(bucket)}, endpoint: ${JSON.stringify(endpoint)}, region: ${JSON.stringify(region)}, forcePathStyle: true, maxAttempts: 1 };
      const store = new S3ObjectStore(connection);
      await store.put(${JSON.stringify(key)}, Buffer.from('from the environment'));
      console.log((await store.get(${JSON.stringify(key)})).toString());
      await store.delete(${JSON.stringify(key)});
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const none = new S3ObjectStore(connection);
      console.log(await none.head('k').then(() => 'resolved', (e) => [e.code, e.context.reason, e.retryable].join(' ')));
      await Promise.all([store.close(), none.close()]);
    `;
    const dir = mkdtempSync(join(tmpdir(), 'firestream-s3-chain-'));
    dirs.push(dir);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_') || name.startsWith('S3_')) delete env[name];
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true', // no instance metadata service to wait for
      AWS_CONFIG_FILE: join(dir, 'config'), // none: the developer's ~/.aws stays out of it
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    });
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    expect([r.stdout.trim().split('\n'), r.status]).toEqual([['from the environment', `${ErrorCodes.OBJECT_STORE_FAILED} access_denied false`], 0]);
  }, 90_000);
});

describe('S3ObjectStore TLS', () => {
  it('refuses an endpoint with a self-signed certificate with reason tls, saying so, before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firestream-s3-tls-'));
    dirs.push(dir);
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    let requests = 0;
    const server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-length': '1' }).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = new S3ObjectStore({ bucket: 'tls-bucket', endpoint: `https://127.0.0.1:${port}`, forcePathStyle: true, accessKeyId: 'AKIDTLS', secretAccessKey: 'tls-secret', maxAttempts: 1 });
    try {
      const err = await rejection(store.get('k'));
      expect([err.code, err.context.reason, err.retryable, err.context.networkCode]).toEqual([ErrorCodes.OBJECT_STORE_FAILED, 'tls', false, 'DEPTH_ZERO_SELF_SIGNED_CERT']);
      expect(err.message).toMatch(/TLS certificate of the endpoint could not be verified .*NODE_EXTRA_CA_CERTS/);
      expect(requests).toBe(0);
    } finally {
      await store.close();
      server.close();
    }
  });
});
