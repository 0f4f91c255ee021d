import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { redactConfig, REDACTED } from '../../src/config/redact.js';

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
