import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordPayload } from '../../src/core/record.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { EnrichmentContext } from '../../src/routing/enrichers.js';
import { composeEnrichers, createEnrichers, DEFAULT_ENRICHERS, defaultEnricher, ENRICHER_NAMES, enrichBatch } from '../../src/routing/enrichers.js';

const context: EnrichmentContext = {
  producerId: 'wildfire-ingestion-abc123',
  now: Date.UTC(2025, 9, 17, 10, 5, 0),
  sourceId: 'firms_viirs_snpp',
  sourceName: 'NASA FIRMS',
  realTime: false,
};

const detection = { latitude: 39.7596, longitude: -121.6219, brightness: 330.5, confidence: 85 };

describe('default enrichment', () => {
  it('reproduces the FIRMS example from the design', () => {
    expect(defaultEnricher(detection, context)).toEqual({
      ...detection,
      ingestion_metadata: {
        producer_id: 'wildfire-ingestion-abc123',
        ingestion_timestamp: '2025-10-17T10:05:00.000Z',
        source_id: 'firms_viirs_snpp',
        source_name: 'NASA FIRMS',
        real_time: false,
      },
      california_relevance: true,
      wildfire_context: { data_category: 'fire_detection', fire_detected: true, fire_season: true },
    });
  });

  it('DEFAULT_ENRICHERS names all three built-ins', () => {
    expect(DEFAULT_ENRICHERS).toEqual(['ingestion_metadata', 'california_relevance', 'wildfire_context']);
  });
});

const jsonValue = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const record = fc.record({
  latitude: fc.oneof(fc.double({ min: -100, max: 100 }), fc.constant(undefined), fc.string({ maxLength: 6 })),
  longitude: fc.oneof(fc.double({ min: -200, max: 200 }), fc.constant(undefined)),
  nested: fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 3 }),
  extra: jsonValue,
}, { requiredKeys: [] });
const ctx = fc.record({
  producerId: fc.string(),
  now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  sourceId: fc.string(),
  sourceName: fc.option(fc.string(), { nil: undefined }),
  realTime: fc.option(fc.boolean(), { nil: undefined }),
});

describe('enrichment properties', () => {
  it('never mutates the input and always adds the fields', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 5 }), ctx, (records, c) => {
        const before = structuredClone(records);
        const out = enrichBatch(records, c);
        expect(records).toEqual(before);
        expect(out).toHaveLength(records.length);
        out.forEach((r, i) => {
          expect(r).not.toBe(records[i]);
          expect(r).toHaveProperty('ingestion_metadata.producer_id', c.producerId);
          expect(r).toHaveProperty('ingestion_metadata.ingestion_timestamp', new Date(c.now).toISOString());
          expect(typeof r.california_relevance).toBe('boolean');
          expect(r).toHaveProperty('wildfire_context.fire_season');
          for (const key of Object.keys(records[i] as RecordPayload)) expect(r[key]).toEqual((records[i] as RecordPayload)[key]);
        });
      }),
    );
  });

  it.each(ENRICHER_NAMES)('%s alone never mutates its input (checked separately, not behind another copy)', (name) => {
    const [enrich] = createEnrichers([name]);
    fc.assert(
      fc.property(record, ctx, (r, c) => {
        const before = structuredClone(r);
        const out = enrich!(r, c);
        expect(r).toEqual(before);
        expect(Object.keys(out)).toEqual([...Object.keys(before).filter((k) => k !== name), name]);
      }),
    );
  });

  it('works on deeply frozen records', () => {
    const frozen = Object.freeze({ ...detection, nested: Object.freeze({ a: 1 }) });
    for (const enrich of createEnrichers(ENRICHER_NAMES)) expect(() => enrich(frozen, context)).not.toThrow();
    expect(() => enrichBatch([frozen], context)).not.toThrow();
  });
});

describe('createEnrichers and composeEnrichers', () => {
  it('builds enrichers from config names in order', () => {
    const only = composeEnrichers(createEnrichers(['california_relevance']));
    expect(only({ lat: 1, lon: 1 }, context)).toEqual({ lat: 1, lon: 1, california_relevance: false });
  });

  it('rejects unknown names with the position and value', () => {
    expect(() => createEnrichers(['ingestion_metadata', 'geo_magic'])).toThrow(InvalidOptionError);
    expect(() => createEnrichers(['ingestion_metadata', 'geo_magic'])).toThrow(/enrichers\[1\].*"geo_magic"/);
    expect(() => createEnrichers(['toString'])).toThrow(InvalidOptionError);
  });

  it('composes in order, later enrichers seeing earlier fields; empty list copies', () => {
    const a = (r: RecordPayload): RecordPayload => ({ ...r, trail: 'a' });
    const b = (r: RecordPayload): RecordPayload => ({ ...r, trail: `${String(r.trail)}b` });
    expect(composeEnrichers([a, b])({}, context)).toEqual({ trail: 'ab' });
    const input = { x: 1 };
    const copy = composeEnrichers([])(input, context);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
    expect(() => composeEnrichers([a, 'b' as never])).toThrow(/enrichers\[1\]/);
  });
});

describe('enrichBatch context checks', () => {
  it.each([
    [{ ...context, now: Number.NaN }, 'context.now'],
    [{ ...context, producerId: 7 as never }, 'context.producerId'],
    [{ ...context, sourceId: undefined as never }, 'context.sourceId'],
    [{ ...context, realTime: 'yes' as never }, 'context.realTime'],
  ])('rejects a bad context (%#)', (bad, option) => {
    expect(() => enrichBatch([detection], bad)).toThrow(option);
  });

  it('returns an empty array for an empty batch', () => {
    expect(enrichBatch([], context)).toEqual([]);
  });
});
