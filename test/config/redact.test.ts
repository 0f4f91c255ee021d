import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { redactConfig, REDACTED } from '../../src/config/redact.js';
import { ConfigError } from '../../src/errors.js';
import { configErrorOf } from '../helpers/config-error.js';

const secretConfig = () =>
  resolveConfig(
    {
      kafka: {
        ssl: { enabled: true, ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', passphrase: 'pp' },
        sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'hunter2' },
      },
      images: { s3: { bucket: 'imgs', access_key_id: 'AKIA1', secret_access_key: 'S3SECRET', session_token: 'TOK' } },
      dlq: { postgres: { connection_string: 'postgres://dlq:pgpass@db:5432/test' } },
      sources: [{ source_id: 'firms_a', type: 'nasa_firms', options: { map_key: 'FIRMSKEY', url: 'https://x', nested: { api_key: 'K2', area: 'CA' } } }],
    },
    { env: {} },
  );

describe('redactConfig', () => {
  it('replaces every secret and keeps everything else', () => {
    const config = secretConfig();
    const safe = redactConfig(config);
    expect(safe.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: REDACTED });
    expect(safe.kafka.ssl).toMatchObject({ ca: 'CA-PEM', cert: 'CERT-PEM', key: REDACTED, passphrase: REDACTED });
    expect(safe.images.s3).toMatchObject({ bucket: 'imgs', accessKeyId: 'AKIA1', secretAccessKey: REDACTED, sessionToken: REDACTED });
    expect(safe.dlq.postgres?.connectionString).toBe(`postgres://dlq:${REDACTED}@db:5432/test`);
    expect(safe.sources[0]?.options).toEqual({ map_key: REDACTED, url: 'https://x', nested: { api_key: REDACTED, area: 'CA' } });
    const text = JSON.stringify(safe);
    for (const secret of ['hunter2', 'KEY-PEM', 'S3SECRET', 'pgpass', 'FIRMSKEY', 'K2', '"pp"', 'TOK']) expect(text).not.toContain(secret);
    expect({ ...safe, kafka: config.kafka, images: config.images, dlq: config.dlq, sources: config.sources }).toEqual(config);
  });

  it('returns a frozen copy and leaves the original intact', () => {
    const config = secretConfig();
    const safe = redactConfig(config);
    expect(config.kafka.sasl?.password).toBe('hunter2');
    expect(Object.isFrozen(safe.kafka.sasl)).toBe(true);
  });

  it('redacts keyword-style connection strings', () => {
    const config = resolveConfig({ dlq: { postgres: { connectionString: 'host=db user=dlq password=pgpass dbname=test' } } }, { env: {} });
    expect(redactConfig(config).dlq.postgres?.connectionString).toBe(`host=db user=dlq password=${REDACTED} dbname=test`);
  });
});

describe('secrets in ConfigError messages (regression: values at credentials sections and unknown keys were echoed)', () => {
  const problems = configErrorOf;
  const shown = (err: ConfigError): string => `${err.message}\n${JSON.stringify(err.issues)}\n${JSON.stringify(err.context)}`;

  it.each([
    ['dlq.postgres as a string', { dlq: { postgres: 'postgres://u:hunter2@h/db' } }, 'dlq.postgres'],
    ['kafka.sasl as a string', { kafka: { sasl: 'plain:user:hunter2' } }, 'kafka.sasl'],
    ['kafka.sasl as a list', { kafka: { sasl: ['plain', 'u', 'hunter2'] } }, 'kafka.sasl'],
    ['images.s3 as a string', { images: { s3: 's3://AKIA:hunter2@bucket' } }, 'images.s3'],
    ['options as a string', { sources: [{ source_id: 'a', type: 'x', options: 'api_key=hunter2' }] }, 'sources["a"].options'],
    ['sasl mis-indented to the top level', { sasl: { mechanism: 'plain', username: 'svc', password: 'hunter2' } }, 'sasl'],
    ['tls key under an unknown name', { kafka: { tls: { key: 'hunter2' } } }, 'kafka.tls'],
    ['a URL password under an unknown key', { queue: { url: 'mqtt://svc:hunter2@broker:1883' } }, 'queue.url'],
    ['a secret key deep in an unknown section', { extra: { a: { b: { client_secret: 'hunter2' } } } }, 'extra'],
  ])('%s', (_label, input, path) => {
    const err = problems(() => resolveConfig(input, { env: {} }));
    expect(err.issues.map((i) => i.path)).toContain(path);
    expect(shown(err)).not.toContain('hunter2');
  });

  it('a mis-indented sasl section in a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'firestream-redact-'));
    try {
      const path = join(dir, 'indent.yaml');
      await writeFile(path, 'kafka:\n  bootstrap_servers: a:9092\nsasl:\n  mechanism: plain\n  username: svc\n  password: SECRETPW\n');
      const err = await loadConfig(path, { env: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => [i.path, i.received])).toEqual([['sasl', REDACTED]]);
      expect(shown(err as ConfigError)).not.toContain('SECRETPW');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('secrets set through the environment, including a value that is not valid JSON', () => {
    const misplaced = problems(() => resolveConfig({}, { env: { FIRESTREAM_S3__SECRET_ACCESS_KEY: 'SECRETKEY' } }));
    expect(misplaced.issues.map((i) => i.path)).toEqual(['s3']);
    expect(shown(misplaced)).not.toContain('SECRETKEY');
    const badJson = problems(() => resolveConfig({}, { env: { FIRESTREAM_KAFKA__SASL: '{"mechanism":"plain","username":"u","password":"SECRETPW"' } }));
    expect(badJson.issues).toEqual([{ path: 'FIRESTREAM_KAFKA__SASL', message: expect.stringContaining('not valid JSON') }]);
    expect(shown(badJson)).not.toContain('SECRETPW');
  });

  it('still shows values that are not secret', () => {
    const err = problems(() => resolveConfig({ queue: { max_size: 'big' }, images: { s3: { bucket: 'ab' } } }, { env: {} }));
    expect(err.issues.map((i) => [i.path, i.received])).toEqual([
      ['queue.maxSize', 'big'],
      ['images.s3.bucket', 'ab'],
    ]);
  });
});

describe('redactConfig gaps (regression: URL passwords, @ in passwords, cookie/bearer/authorization keys)', () => {
  it('strips URL passwords, hides a password containing @ whole, and matches cookie, bearer and authorization keys', () => {
    const config = resolveConfig(
      {
        dlq: { postgres: { connection_string: 'postgres://u:p@ssw0rd@db/test' } },
        images: { s3: { bucket: 'abc', endpoint: 'http://minio:SECRETS3@127.0.0.1:9000' } },
        sources: [
          {
            source_id: 'iot_a',
            type: 'mqtt',
            options: { url: 'mqtt://svc:SECRETMQTT@broker:1883', headers: { Cookie: 'session=SECRETCOOKIE', Authorization: 'Basic SECRETAUTH' }, bearer: 'SECRETBEARER' },
          },
        ],
      },
      { env: {} },
    );
    const safe = redactConfig(config);
    expect(safe.dlq.postgres?.connectionString).toBe(`postgres://u:${REDACTED}@db/test`);
    expect(safe.images.s3?.endpoint).toBe(`http://minio:${REDACTED}@127.0.0.1:9000`);
    expect(safe.sources[0]?.options).toEqual({
      url: `mqtt://svc:${REDACTED}@broker:1883`,
      headers: { Cookie: REDACTED, Authorization: REDACTED },
      bearer: REDACTED,
    });
    expect(JSON.stringify(safe)).not.toMatch(/ssw0rd|SECRET/);
  });
});

describe('a setting whose own name is secret (regression: "given twice" and similar issues showed the value itself)', () => {
  it.each([
    ['apiClient.apiKey', { api_client: { api_key: 'DUPSECRET1', apiKey: 'DUPSECRET2' } }],
    ['kafka.saslPassword', { kafka: { sasl_password: 'DUPSECRET1', saslPassword: 'DUPSECRET2' } }],
    ['sources[0].mapKey', { sources: [{ source_id: 'a', type: 't', map_key: 'DUPSECRET1', mapKey: 'DUPSECRET2' }] }],
  ])('%s written twice is reported without its value', (path, input) => {
    const err = (() => {
      try {
        resolveConfig(input, { env: {} });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const issue = err.issues.find((i) => i.path === path && i.message.includes('given twice'));
    expect(issue?.received).toBe(REDACTED);
    expect(`${err.message}${JSON.stringify(err.issues)}`).not.toContain('DUPSECRET');
  });
});
