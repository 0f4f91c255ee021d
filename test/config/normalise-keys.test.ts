import { describe, expect, it } from 'vitest';
import { toCamelCase } from '../../src/config/key-policy.js';
import { normaliseKeys } from '../../src/config/normalise-keys.js';
import type { ConfigIssue } from '../../src/errors.js';

describe('toCamelCase', () => {
  it.each([
    ['max_size', 'maxSize'],
    ['polling_interval_seconds', 'pollingIntervalSeconds'],
    ['maxSize', 'maxSize'],
    ['sasl', 'sasl'],
    ['retry_after_ms', 'retryAfterMs'],
    ['_private', '_private'],
    ['geohash_precision_2', 'geohashPrecision2'],
  ])('%s → %s', (input, output) => {
    expect(toCamelCase(input)).toBe(output);
  });
});

describe('normaliseKeys', () => {
  it('camelises setting names at every depth, inside lists too', () => {
    const issues: ConfigIssue[] = [];
    expect(normaliseKeys({ routing: { content_rules: [{ field: 'a', equals: null, topic: 't' }], partition_key: { geohash_precision: 4 } } }, issues)).toEqual({
      routing: { contentRules: [{ field: 'a', equals: null, topic: 't' }], partitionKey: { geohashPrecision: 4 } },
    });
    expect(issues).toEqual([]);
  });

  it('keeps data keys and verbatim subtrees as written', () => {
    const issues: ConfigIssue[] = [];
    const input = {
      topics: { my_topic: { retention_ms: 1 } },
      sources: { iot_a: { custom_params: { inner_key: { deeper_key: 1 } }, options: { client_id: 'x' } } },
      routing: { custom_mappings: { noaa_x: 't' } },
      metrics: { labels: { deploy_env: 'p' } },
    };
    expect(normaliseKeys(input, issues)).toEqual({
      topics: { my_topic: { retentionMs: 1 } },
      sources: { iot_a: { customParams: { inner_key: { deeper_key: 1 } }, options: { client_id: 'x' } } },
      routing: { customMappings: { noaa_x: 't' } },
      metrics: { labels: { deploy_env: 'p' } },
    });
    expect(normaliseKeys({ sources: [{ options: { a_b: 1 } }] }, issues)).toEqual({ sources: [{ options: { a_b: 1 } }] });
  });

  it('refuses __proto__, constructor and prototype keys everywhere, options included, without polluting prototypes', () => {
    const issues: ConfigIssue[] = [];
    const input = JSON.parse(
      '{"queue": {"__proto__": {"polluted": true}}, "sources": [{"options": {"__proto__": {"polluted": true}, "nested": [{"constructor": {"prototype": {"p": 1}}}]}}], "prototype": 1}',
    ) as unknown;
    const out = normaliseKeys(input, issues) as { queue: Record<string, unknown>; sources: { options: Record<string, unknown> }[] };
    expect(issues.map((i) => i.path)).toEqual(['queue.__proto__', 'sources[0].options.__proto__', 'sources[0].options.nested[0].constructor', 'prototype']);
    expect(out.sources[0]?.options).toEqual({ nested: [{}] });
    expect(Object.getPrototypeOf(out.queue)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
