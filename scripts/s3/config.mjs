// S3Proxy's configuration file and the credentials of one run. Part of scripts/s3/server.mjs.
// The secret is written only to files readable by their owner (0600) and never logged.
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';

/** A fresh access key id (20 upper-case letters and digits) and secret (40 characters) for one run. */
export function randomCredentials() {
  return { accessKeyId: `FS${randomBytes(9).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

/** The s3proxy.properties text: signed requests only (V2 or V4), filesystem storage under `baseDir`. */
export function renderS3ProxyProperties({ port, accessKeyId, secretAccessKey, baseDir, extraProps = {} }) {
  const props = {
    's3proxy.endpoint': `http://127.0.0.1:${port}`,
    's3proxy.authorization': 'aws-v2-or-v4',
    's3proxy.identity': accessKeyId,
    's3proxy.credential': secretAccessKey,
    's3proxy.ignore-unknown-headers': 'true',
    'jclouds.provider': 'filesystem-nio2',
    'jclouds.identity': 'local',
    'jclouds.credential': 'local',
    'jclouds.filesystem.basedir': baseDir,
    ...Object.fromEntries(Object.entries(extraProps).map(([k, v]) => [k, String(v)])),
  };
  return `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** Writes `text` to `file` readable and writable by its owner only (also when the file existed). */
export function writePrivateFile(file, text) {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** A shell file that exports the variables the tests and the demo read (S3_ENDPOINT, S3_ACCESS_KEY_ID, …). */
export function renderEnvFile({ endpoint, accessKeyId, secretAccessKey, region, bucket }) {
  const vars = { S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey, S3_REGION: region, S3_BUCKET: bucket };
  return `${Object.entries(vars).filter(([, v]) => v !== undefined).map(([k, v]) => `export ${k}='${v}'`).join('\n')}\n`;
}
