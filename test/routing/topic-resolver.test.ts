import { describe, expect, it } from 'vitest';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../../src/errors.js';
import type { Logger } from '../../src/core/logger.js';
import { TopicResolver } from '../../src/routing/topic-resolver.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('TopicResolver resolution order', () => {
  const resolver = () =>
    new TopicResolver({
      customMappings: { firms_special: 'custom-topic' },
      contentRules: [
        { field: 'event', equals: 'evacuation', topic: 'content-topic' },
        { field: 'properties.severity', equals: 'Extreme', topic: 'extreme-topic' },
      ],
      patterns: [{ pattern: '^firms_', topic: 'pattern-topic' }],
      defaultTopic: 'fallback-topic',
    });

  it('custom mapping wins over content rules, patterns and the default', () => {
    const r = resolver();
    expect(r.resolveTopic('firms_special', { event: 'evacuation' })).toBe('custom-topic');
    expect(r.resolveTopic('firms_special')).toBe('custom-topic');
  });

  it('content rules win over patterns and the default when a record is given', () => {
    const r = resolver();
    expect(r.resolveTopic('firms_viirs', { event: 'evacuation' })).toBe('content-topic');
    expect(r.resolveTopic('unknown_source', { event: 'evacuation' })).toBe('content-topic');
    expect(r.resolveTopic('unknown_source', { properties: { severity: 'Extreme' } })).toBe('extreme-topic');
  });

  it('content rules are skipped without a record and when no rule matches', () => {
    const r = resolver();
    expect(r.resolveTopic('firms_viirs')).toBe('pattern-topic');
    expect(r.resolveTopic('firms_viirs', { event: 'other' })).toBe('pattern-topic');
    expect(r.resolveTopic('firms_viirs', { properties: 'Extreme' })).toBe('pattern-topic');
  });

  it('content rules compare strictly and read own properties only', () => {
    const r = new TopicResolver({ contentRules: [{ field: 'level', equals: 3, topic: 'three' }], patterns: [] });
    expect(r.resolveTopic('s', { level: 3 })).toBe('three');
    expect(r.resolveTopic('s', { level: '3' })).toBe('wildfire-default');
    const inherited = Object.create({ level: 3 }) as Record<string, unknown>;
    expect(r.resolveTopic('s', inherited)).toBe('wildfire-default');
  });

  it('the first matching content rule wins', () => {
    const r = new TopicResolver({
      contentRules: [
        { field: 'a', equals: true, topic: 'first' },
        { field: 'b', equals: true, topic: 'second' },
      ],
    });
    expect(r.resolveTopic('x', { a: true, b: true })).toBe('first');
    expect(r.resolveTopic('x', { b: true })).toBe('second');
  });

  it('patterns win over the default, first match first', () => {
    const r = new TopicResolver({
      patterns: [
        { pattern: /^iot_fire/, topic: 'iot-fire' },
        { pattern: /^iot_/, topic: 'iot' },
      ],
      defaultTopic: 'other',
    });
    expect(r.resolveTopic('iot_fire_1')).toBe('iot-fire');
    expect(r.resolveTopic('iot_temp_1')).toBe('iot');
    expect(r.resolveTopic('camera_1')).toBe('other');
  });

  it('a global RegExp gives the same answer on every call', () => {
    const r = new TopicResolver({ patterns: [{ pattern: /^iot_/g, topic: 'iot' }], cacheSize: 0 });
    expect([1, 2, 3].map(() => r.resolveTopic('iot_a'))).toEqual(['iot', 'iot', 'iot']);
  });

  it('customMappings accepts a Map and ignores prototype keys of a plain object', () => {
    const r = new TopicResolver({ customMappings: new Map([['a', 'topic-a']]), patterns: [] });
    expect(r.resolveTopic('a')).toBe('topic-a');
    expect(r.resolveTopic('constructor')).toBe('wildfire-default');
    expect(r.resolveTopic('__proto__')).toBe('wildfire-default');
  });

  it('does not mutate the options it is given', () => {
    const options = { customMappings: { a: 'x' }, patterns: [{ pattern: /^b/g, topic: 'y' }] };
    const copy = { customMappings: { a: 'x' }, patterns: [{ pattern: options.patterns[0]!.pattern, topic: 'y' }] };
    new TopicResolver(options).resolveTopic('b1');
    expect(options).toEqual(copy);
  });
});

describe('TopicResolver default wildfire patterns', () => {
  const cases: [string, string][] = [
    ['firms_viirs_snpp', 'wildfire-nasa-firms'],
    ['firms_modis_aqua', 'wildfire-nasa-firms'],
    ['nasa_firms_global', 'wildfire-nasa-firms'],
    ['noaa_stations_california', 'wildfire-weather-data'],
    ['weather_nws_alerts_feed', 'wildfire-weather-data'],
    ['noaa_gfs_bulk', 'wildfire-weather-bulk'],
    ['noaa_archive_2020', 'wildfire-weather-bulk'],
    ['weather_bulk_daily', 'wildfire-weather-bulk'],
    ['iot_smoke_sensor_12', 'wildfire-iot-sensors'],
    ['purpleair_sensor_network', 'wildfire-iot-sensors'],
    ['landsat_8_scenes', 'wildfire-satellite-imagery'],
    ['sentinel_2_l2a', 'wildfire-satellite-imagery'],
    ['goes_satellite_feed', 'wildfire-satellite-imagery'],
    ['drone_imagery', 'wildfire-satellite-imagery'],
    ['evacuation_alert_butte', 'wildfire-critical-alerts'],
    ['emergency_broadcast_ca', 'wildfire-critical-alerts'],
    ['life_safety_calfire', 'wildfire-critical-alerts'],
    ['random_alert_feed', 'wildfire-default'],
    ['something_else', 'wildfire-default'],
  ];
  const resolver = new TopicResolver();
  it.each(cases)('%s → %s', (sourceId, topic) => {
    expect(resolver.resolveTopic(sourceId)).toBe(topic);
  });

  it('an empty patterns list turns the defaults off', () => {
    expect(new TopicResolver({ patterns: [] }).resolveTopic('firms_viirs')).toBe('wildfire-default');
  });
});

describe('TopicResolver cache and metrics', () => {
  it('counts one miss then hits per source id, and usage per topic', () => {
    const r = new TopicResolver();
    r.resolveTopic('firms_a');
    r.resolveTopic('firms_a');
    r.resolveTopic('firms_a', { x: 1 });
    r.resolveTopic('iot_b');
    const m = r.getMetrics();
    expect(m.cacheMisses).toBe(2);
    expect(m.cacheHits).toBe(2);
    expect(m.cacheEntries).toBe(2);
    expect(m.resolutions).toBe(4);
    expect(m.topicUsage).toEqual({ 'wildfire-nasa-firms': 3, 'wildfire-iot-sensors': 1 });
    expect(m.byLevel).toEqual({ custom: 0, content: 0, pattern: 4, default: 0 });
  });

  it('caches only the source-id part: content rules still apply per record', () => {
    const r = new TopicResolver({ contentRules: [{ field: 'kind', equals: 'alert', topic: 'alerts' }] });
    expect(r.resolveTopic('firms_a', { kind: 'alert' })).toBe('alerts');
    expect(r.resolveTopic('firms_a', { kind: 'detection' })).toBe('wildfire-nasa-firms');
    expect(r.resolveTopic('firms_a', { kind: 'alert' })).toBe('alerts');
    expect(r.getMetrics()).toMatchObject({ cacheMisses: 1, cacheHits: 2, byLevel: { content: 2, pattern: 1 } });
  });

  it('stays bounded, evicting the oldest entry', () => {
    const r = new TopicResolver({ cacheSize: 2 });
    r.resolveTopic('a');
    r.resolveTopic('b');
    r.resolveTopic('c'); // evicts a
    expect(r.getMetrics().cacheEntries).toBe(2);
    r.resolveTopic('b'); // hit
    r.resolveTopic('a'); // miss again
    expect(r.getMetrics()).toMatchObject({ cacheHits: 1, cacheMisses: 4, cacheEntries: 2 });
  });

  it('cacheSize 0 disables the cache', () => {
    const r = new TopicResolver({ cacheSize: 0 });
    r.resolveTopic('a');
    r.resolveTopic('a');
    expect(r.getMetrics()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheEntries: 0 });
  });

  it('logs once per uncached source that falls to the default topic', () => {
    const lines: object[] = [];
    const noop = (): void => undefined;
    const logger: Logger = { debug: (obj) => lines.push(obj), info: noop, warn: noop, error: noop };
    const r = new TopicResolver({ logger });
    r.resolveTopic('unknown_1');
    r.resolveTopic('unknown_1');
    r.resolveTopic('firms_x');
    expect(lines).toEqual([{ sourceId: 'unknown_1', topic: 'wildfire-default' }]);
  });

  it('logs a default-topic source once even after the cache evicted it, and with cacheSize 0', () => {
    for (const cacheSize of [1, 0]) {
      const lines: object[] = [];
      const noop = (): void => undefined;
      const logger: Logger = { debug: (obj) => lines.push(obj), info: noop, warn: noop, error: noop };
      const r = new TopicResolver({ logger, cacheSize });
      for (const id of ['unknown_1', 'unknown_2', 'unknown_1', 'unknown_2', 'unknown_1']) r.resolveTopic(id);
      expect(r.getMetrics().cacheMisses).toBe(5); // each call ran the patterns again
      expect(lines).toEqual([{ sourceId: 'unknown_1', topic: 'wildfire-default' }, { sourceId: 'unknown_2', topic: 'wildfire-default' }]);
    }
  });
});

describe('TopicResolver.resolveBatch', () => {
  it('groups by topic in order, with content rules', () => {
    const r = new TopicResolver({ contentRules: [{ field: 'alert', equals: true, topic: 'alerts' }] });
    const records = [{ n: 1 }, { n: 2, alert: true }, { n: 3 }, { n: 4, alert: true }];
    const groups = r.resolveBatch('firms_a', records);
    expect([...groups.keys()]).toEqual(['wildfire-nasa-firms', 'alerts']);
    expect(groups.get('wildfire-nasa-firms')).toEqual([{ n: 1 }, { n: 3 }]);
    expect(groups.get('alerts')).toEqual([records[1], records[3]]);
    expect(r.getMetrics()).toMatchObject({
      resolutions: 4,
      cacheMisses: 1,
      topicUsage: { 'wildfire-nasa-firms': 2, alerts: 2 },
      byLevel: { content: 2, pattern: 2 },
    });
  });

  it('returns one group holding a copy of the batch when content rules cannot apply', () => {
    const r = new TopicResolver({ customMappings: { s: 'mapped' }, contentRules: [{ field: 'a', equals: 1, topic: 'x' }] });
    const records = [{ a: 1 }, { a: 2 }];
    const groups = r.resolveBatch('s', records);
    expect([...groups.entries()]).toEqual([['mapped', records]]);
    expect(groups.get('mapped')).not.toBe(records);
    expect(r.getMetrics().byLevel.custom).toBe(2);
  });

  it('works on envelopes through a selector, and on empty batches', () => {
    const r = new TopicResolver({ contentRules: [{ field: 'kind', equals: 'alert', topic: 'alerts' }] });
    const envelopes = [{ id: '1', payload: { kind: 'alert' } }, { id: '2', payload: {} }];
    const groups = r.resolveBatch('iot_a', envelopes, (e) => e.payload);
    expect(groups.get('alerts')?.map((e) => e.id)).toEqual(['1']);
    expect(groups.get('wildfire-iot-sensors')?.map((e) => e.id)).toEqual(['2']);
    expect(r.resolveBatch('iot_a', []).size).toBe(0);
  });
});

describe('TopicResolver validation', () => {
  it.each([
    ['customMappings', { customMappings: { a: 'bad topic' } }, 'bad topic', 'customMappings["a"]'],
    ['contentRules', { contentRules: [{ field: 'f', equals: 1, topic: 'a/b' }] }, 'a/b', 'contentRules[0].topic'],
    ['patterns', { patterns: [{ pattern: '^x', topic: '..' }] }, '..', 'patterns[0].topic'],
    ['defaultTopic', { defaultTopic: '' }, '', 'defaultTopic'],
    ['defaultTopic too long', { defaultTopic: 'x'.repeat(250) }, 'x'.repeat(250), 'defaultTopic'],
  ])('rejects an invalid topic in %s', (_label, options, bad, option) => {
    const err = thrown(() => new TopicResolver(options));
    expect(err).toBeInstanceOf(FirestreamError);
    expect((err as FirestreamError).code).toBe(ErrorCodes.INVALID_TOPIC);
    expect((err as FirestreamError).context).toMatchObject({ topic: bad, option });
    expect((err as Error).message).toContain(option);
    if (bad.length < 60) expect((err as Error).message).toContain(JSON.stringify(bad));
  });

  it('accepts a 249-character topic', () => {
    expect(new TopicResolver({ defaultTopic: 'x'.repeat(249) }).resolveTopic('q')).toHaveLength(249);
  });

  it('rejects an invalid regex, naming the option and the pattern', () => {
    const err = thrown(() => new TopicResolver({ patterns: [{ pattern: '^ok', topic: 't' }, { pattern: 'firms_(', topic: 't' }] }));
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as Error).message).toContain('patterns[1].pattern');
    expect((err as Error).message).toContain('"firms_("');
  });

  it('rejects malformed content rules and cache sizes', () => {
    expect(() => new TopicResolver({ contentRules: [{ field: 'a..b', equals: 1, topic: 't' }] })).toThrow(/contentRules\[0\]\.field/);
    expect(() => new TopicResolver({ contentRules: [{ field: 'a', equals: {} as never, topic: 't' }] })).toThrow(/contentRules\[0\]\.equals/);
    expect(() => new TopicResolver({ cacheSize: -1 })).toThrow(/cacheSize/);
    for (const equals of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const make = (): TopicResolver => new TopicResolver({ contentRules: [{ field: 'a', equals: 1, topic: 't' }, { field: 'b', equals, topic: 't' }] });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(/contentRules\[1\]\.equals.*finite/);
    }
    expect(() => new TopicResolver({ cacheSize: 1.5 })).toThrow(InvalidOptionError);
  });
});
