import { describe, expect, it } from 'vitest';
import { readEnvFragments } from '../../src/config/env-overrides.js';
import type { ConfigIssue } from '../../src/errors.js';

describe('readEnvFragments', () => {
  it('turns variables into fragments, JSON-parsed when possible, lowest precedence first', () => {
    const issues: ConfigIssue[] = [];
    const fragments = readEnvFragments(
      {
        FIRESTREAM_QUEUE__MAX_SIZE: '20000',
        FIRESTREAM_KAFKA__CLIENT_ID: 'svc',
        FIRESTREAM_KAFKA: '{"client_id":"outer"}',
        KAFKA_BOOTSTRAP_SERVERS: 'a:1,b:2',
        FIRESTREAM_CONFIG: '/etc/firestream.yaml',
        FIRESTREAM_THROTTLING__ENABLED: 'false',
        FIRESTREAM_ROUTING__DEFAULT_TOPIC: '',
        FIRESTREAM_UNSET: undefined,
        PATH: '/usr/bin',
      },
      issues,
    );
    expect(fragments).toEqual([
      { variable: 'KAFKA_BOOTSTRAP_SERVERS', value: { kafka: { bootstrap_servers: 'a:1,b:2' } } },
      { variable: 'FIRESTREAM_KAFKA', value: { kafka: { client_id: 'outer' } } },
      { variable: 'FIRESTREAM_KAFKA__CLIENT_ID', value: { kafka: { client_id: 'svc' } } },
      { variable: 'FIRESTREAM_QUEUE__MAX_SIZE', value: { queue: { max_size: 20_000 } } },
      { variable: 'FIRESTREAM_ROUTING__DEFAULT_TOPIC', value: { routing: { default_topic: '' } } },
      { variable: 'FIRESTREAM_THROTTLING__ENABLED', value: { throttling: { enabled: false } } },
    ]);
    expect(issues).toEqual([]);
  });

  it('reports malformed names without echoing their values', () => {
    const issues: ConfigIssue[] = [];
    expect(readEnvFragments({ FIRESTREAM_: 'x', FIRESTREAM_KAFKA__SASL___PASSWORD: 'secret', FIRESTREAM_A____B: '1' }, issues)).toEqual([]);
    expect(issues.map((i) => i.path)).toEqual(['FIRESTREAM_', 'FIRESTREAM_A____B', 'FIRESTREAM_KAFKA__SASL___PASSWORD']);
    expect(issues.every((i) => !('received' in i))).toBe(true);
  });

  it('reports a value that starts like JSON but does not parse, without the value (regression: the raw text, password included, was echoed)', () => {
    const issues: ConfigIssue[] = [];
    const fragments = readEnvFragments({ FIRESTREAM_KAFKA__SASL: '{"mechanism":"plain","password":"SECRETPW"', FIRESTREAM_ROUTING__ENRICHERS: '[ingestion_metadata', FIRESTREAM_KAFKA__CLIENT_ID: 'svc{1}' }, issues);
    expect(fragments).toEqual([{ variable: 'FIRESTREAM_KAFKA__CLIENT_ID', value: { kafka: { client_id: 'svc{1}' } } }]);
    expect(issues.map((i) => i.path)).toEqual(['FIRESTREAM_KAFKA__SASL', 'FIRESTREAM_ROUTING__ENRICHERS']);
    expect(issues.every((i) => !('received' in i) && !i.message.includes('SECRETPW'))).toBe(true);
  });
});
