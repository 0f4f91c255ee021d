import { describe, expect, it } from 'vitest';
import { isSecretKey, redactDeep, REDACTED, scrubString, stripUrlCredentials, TRUNCATED } from '../../src/core/secrets.js';

describe('isSecretKey', () => {
  it.each([
    'password',
    'PASSWORD',
    'pasword',
    'passwd',
    'sasl_password',
    'passphrase',
    'key',
    'pfx',
    'secret',
    'secretAccessKey',
    'client_secret',
    'sessionToken',
    'X-Api-Key',
    'api_key',
    'apiKey',
    'map_key',
    'MAPKEY',
    'privateKey',
    'ssl_key',
    'accessKey',
    'credentials',
    'Cookie',
    'Set-Cookie',
    'bearer',
    'Authorization',
    'Proxy-Authorization',
    'auth',
    'basicAuth',
    'oauthBearerProvider',
    'session_id',
  ])('treats %j as secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['username', 'user', 'accessKeyId', 'access_key_id', 'partitionKey', 'cache_key', 'author', 'authority', 'cert', 'ca', 'url', 'mechanism', 'bucket'])(
    'treats %j as not secret',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
});

describe('stripUrlCredentials', () => {
  it.each([
    ['mqtt://svc:SECRET@broker:1883', `mqtt://svc:${REDACTED}@broker:1883`],
    ['http://minio:SECRETS3@127.0.0.1:9000', `http://minio:${REDACTED}@127.0.0.1:9000`],
    // a password containing @ is hidden up to the last @ before the host
    ['postgres://u:p@ssw0rd@db/test', `postgres://u:${REDACTED}@db/test`],
    ['postgres://u:pa/ss@db/test', `postgres://u:${REDACTED}@db/test`],
    ['https://u:p@host/users/@me', `https://u:${REDACTED}@host/users/@me`],
    ['postgres://firestream@127.0.0.1:5432/wildfire', 'postgres://firestream@127.0.0.1:5432/wildfire'],
    ['see "redis://:pw@cache:6379" and https://x.org/a', `see "redis://:${REDACTED}@cache:6379" and https://x.org/a`],
  ])('%s', (input, output) => {
    expect(stripUrlCredentials(input)).toBe(output);
  });
});

describe('scrubString', () => {
  it('hides key=value secrets, bearer tokens and PEM private keys, keeping the rest', () => {
    expect(scrubString('host=db user=dlq password=pgpass dbname=test')).toBe(`host=db user=dlq password=${REDACTED} dbname=test`);
    expect(scrubString('https://x/api?api_key=K1&area=CA')).toBe(`https://x/api?api_key=${REDACTED}&area=CA`);
    expect(scrubString('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    const pem = 'CERT\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\nmore';
    expect(scrubString(pem)).toBe(`CERT\n${REDACTED}\nmore`);
    expect(scrubString('-----BEGIN RSA PRIVATE KEY-----\nMIIB unterminated')).toBe(REDACTED);
  });

  it('stays linear on long strings without separators', () => {
    const long = 'a'.repeat(200_000);
    const started = performance.now();
    expect(scrubString(long)).toBe(long);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('redactDeep', () => {
  it('redacts secret keys at any depth within the limit, and never returns a subtree past the limit', () => {
    const nested = { a: { b: { c: { d: { e: { sasl: { password: 'hunter2' } } } } } } };
    expect(JSON.stringify(redactDeep(nested))).not.toContain('hunter2');
    const shallow = redactDeep(nested, { maxDepth: 2 });
    expect(shallow).toEqual({ a: { b: TRUNCATED } });
  });

  it('summarises binary data, keeps dates, flattens errors and marks cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const when = new Date(0);
    const out = redactDeep({ buf: Buffer.alloc(200_000), u8: new Uint8Array(3), when, err: new Error('postgres://u:pw@h/db failed'), cyclic }) as Record<string, unknown>;
    expect(out).toEqual({
      buf: '<Buffer 200000 bytes>',
      u8: '<Uint8Array 3 bytes>',
      when,
      err: { name: 'Error', message: `postgres://u:${REDACTED}@h/db failed` },
      cyclic: { name: 'x', self: '[circular]' },
    });
  });

  it('redacts whole subtrees at secret paths and leaves the input untouched', () => {
    const input = { kafka: { sasl: 'plain:user:hunter2', clientId: 'c' } };
    const out = redactDeep(input, { isSecretPath: (path) => path.join('.') === 'kafka.sasl' });
    expect(out).toEqual({ kafka: { sasl: REDACTED, clientId: 'c' } });
    expect(input.kafka.sasl).toBe('plain:user:hunter2');
  });

  it('never throws, even on a getter that throws', () => {
    const hostile = { ok: 1, get bad(): string { throw new Error('no'); } };
    expect(redactDeep({ hostile, fine: 'x' })).toEqual({ hostile: '[unreadable]', fine: 'x' });
  });

  it('copies __proto__ keys as data without touching prototypes', () => {
    const out = redactDeep(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('secrets in strings the scrubber missed (regression: Basic auth, upper-case bearer, URL passwords with spaces or quotes)', () => {
  it.each([
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', `Authorization: Basic ${REDACTED}`],
    ['proxy-authorization=Digest username="u", response="abc"', `proxy-authorization=Digest ${REDACTED}`],
    ['Authorization: "Basic abc" and more', `Authorization: "Basic ${REDACTED}" and more`],
    ['{"Authorization":"Basic abc","x":1}', `{"Authorization":"Basic ${REDACTED}","x":1}`],
    ['Authorization: BEARER abc.def', `Authorization: BEARER ${REDACTED}`],
    ['sent with bearer abc.def', `sent with bearer ${REDACTED}`],
    ['postgres://u:p ss@h/db', `postgres://u:${REDACTED}@h/db`],
    ["postgres://u:p'ss@h/db", `postgres://u:${REDACTED}@h/db`],
    ['postgres://u:p"ss@h/db', `postgres://u:${REDACTED}@h/db`],
    ['see "postgres://u:p ss@h/db" or ask x@y', `see "postgres://u:${REDACTED}@h/db" or ask x@y`],
    ["host=h password='p\\'w' dbname=x", `host=h password=${REDACTED} dbname=x`],
    ["password='never closed", `password=${REDACTED}`],
  ])('%j', (input, output) => {
    expect(scrubString(input)).toBe(output);
  });

  it.each([
    'the authorization failed',
    'fetch http://localhost:9000/bucket failed: ask admin@example.com',
    "url='http://h:80' other='a@b'",
    'postgres://firestream@127.0.0.1:5432/wildfire',
  ])('keeps %j', (input) => {
    expect(scrubString(input)).toBe(input);
  });

  it('stays linear on many URLs without a line break', () => {
    const many = 'a://b:c '.repeat(30_000);
    const started = performance.now();
    expect(scrubString(many)).toBe(many);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('redactDeep gaps (regression: header lists and the last key of path were not checked)', () => {
  it('hides the values of header lists named like secrets, keeping the names', () => {
    expect(redactDeep({ headers: [['X-Api-Key', 'K1'], ['Accept', 'json']] })).toEqual({ headers: [['X-Api-Key', REDACTED], ['Accept', 'json']] });
    expect(redactDeep({ headers: [{ name: 'X-Api-Key', value: 'K2' }, { name: 'Accept', value: 'json' }] })).toEqual({
      headers: [{ name: 'X-Api-Key', value: REDACTED }, { name: 'Accept', value: 'json' }],
    });
    expect(redactDeep([['Authorization', 'Basic Zm9vOmJhcg==']])).toEqual([['Authorization', REDACTED]]);
  });

  it('hides a value whose own key, the last of path, is secret', () => {
    expect(redactDeep('LEAK', { path: ['apiClient', 'apiKey'] })).toBe(REDACTED);
    expect(redactDeep({ a: 1 }, { path: ['sources', 0, 'mapKey'] })).toBe(REDACTED);
    expect(redactDeep('shown', { path: ['sources', 0, 'topic'] })).toBe('shown');
  });
});
