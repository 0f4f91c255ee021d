// Readiness of an S3Proxy started by scripts/s3/server.mjs. Ready means: a request signed with THIS
// run's random credentials (AWS signature V2, no SDK needed) is answered with 200 by an S3 server,
// so a server of another run (other credentials) on the same port is never taken for ours, and
// our JVM still runs afterwards.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { sleep } from '../kafka/processes.mjs';

const tail = (file, from = 0, lines = 30) => (existsSync(file) ? readFileSync(file).subarray(from).toString('utf8').trimEnd().split('\n').slice(-lines).join('\n') : '');

/**
 * Sends one request signed with AWS signature V2 and resolves `{ status, headers, body }`.
 * `path` is the canonical resource (`/`, `/bucket`); the secret only ever enters the HMAC.
 */
export function signedRequest({ port, method = 'GET', path = '/', accessKeyId, secretAccessKey, timeoutMs = 2_000 }) {
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', secretAccessKey).update(`${method}\n\n\n${date}\n${path}`).digest('base64');
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, timeout: timeoutMs, headers: { Date: date, Authorization: `AWS ${accessKeyId}:${signature}`, 'Content-Length': 0 } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${port} within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end();
  });
}

/** True for an answer of an S3 server (any status): it has a request id or an S3 XML body. */
export const isS3Answer = (res) => res.headers['x-amz-request-id'] !== undefined || /<(ListAllMyBucketsResult|Error)\b/.test(res.body);

/**
 * Resolves once our S3Proxy answers a signed ListBuckets with 200. Rejects with `PORT_TAKEN` when
 * our JVM exited because the port was in use, and with a plain Error (the log tail included) when
 * it exited otherwise or was not ready within `readyTimeoutMs`.
 */
export async function waitUntilS3Ready({ port, accessKeyId, secretAccessKey, readyTimeoutMs, exited, logFile, logFrom = 0 }) {
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (exited() === undefined) {
      try {
        const res = await signedRequest({ port, accessKeyId, secretAccessKey });
        if (res.status === 200 && isS3Answer(res) && exited() === undefined) return;
        last = `HTTP ${res.status}${isS3Answer(res) ? ` (${/<Code>([^<]+)</.exec(res.body)?.[1] ?? 'S3'})` : ', not an S3 answer'}`;
      } catch (err) {
        last = err.message;
      }
    }
    const code = exited();
    const output = tail(logFile, logFrom);
    if (code !== undefined && /Address already in use|Failed to bind/i.test(output)) {
      throw Object.assign(new Error(`127.0.0.1:${port} was taken by another process before S3Proxy could bind it`), { code: 'PORT_TAKEN' });
    }
    if (code !== undefined || Date.now() > deadline) {
      const why = code !== undefined ? `exited (${code}) before it was ready` : `was not ready within ${readyTimeoutMs} ms (last answer: ${last}); killed it`;
      throw new Error(`S3Proxy on 127.0.0.1:${port} ${why}. Tail of ${logFile}:\n${output}`);
    }
    await sleep(100);
  }
}

/** Creates `bucket` (an existing one of ours is fine). */
export async function createBucket({ port, bucket, accessKeyId, secretAccessKey }) {
  const res = await signedRequest({ port, method: 'PUT', path: `/${bucket}`, accessKeyId, secretAccessKey, timeoutMs: 10_000 });
  if (res.status === 200 || /BucketAlreadyOwnedByYou/.test(res.body)) return;
  throw new Error(`creating bucket ${bucket} on 127.0.0.1:${port} failed: HTTP ${res.status} ${/<Code>([^<]+)</.exec(res.body)?.[1] ?? ''}`.trim());
}
