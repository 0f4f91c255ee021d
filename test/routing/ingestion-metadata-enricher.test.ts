import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { createEnrichers } from '../../src/routing/enrichers.js';
import { createIngestionMetadataEnricher, ingestionMetadataEnricher, isoTimestamp } from '../../src/routing/ingestion-metadata-enricher.js';

describe('ingestionMetadataEnricher', () => {
  it('takes the timestamp from the context clock and defaults name and real_time', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const ctx = { producerId: 'p1', now: clock.now(), sourceId: 'iot_a' };
    const first = ingestionMetadataEnricher({ v: 1 }, ctx);
    clock.advance(1_500);
    const second = ingestionMetadataEnricher({ v: 2 }, { ...ctx, now: clock.now(), realTime: true, sourceName: 'IoT A' });
    expect(first.ingestion_metadata).toEqual({
      producer_id: 'p1',
      ingestion_timestamp: '2026-01-01T00:00:00.000Z',
      source_id: 'iot_a',
      source_name: 'iot_a',
      real_time: false,
    });
    expect(second.ingestion_metadata).toMatchObject({ ingestion_timestamp: '2026-01-01T00:00:01.500Z', source_name: 'IoT A', real_time: true });
  });

  it('replaces an existing ingestion_metadata field in the copy, not in the input', () => {
    const input = { ingestion_metadata: 'old' };
    const out = ingestionMetadataEnricher(input, { producerId: 'p', now: 0, sourceId: 's' });
    expect(input.ingestion_metadata).toBe('old');
    expect(out.ingestion_metadata).toMatchObject({ ingestion_timestamp: '1970-01-01T00:00:00.000Z' });
  });

  it('isoTimestamp rejects non-finite times', () => {
    expect(() => isoTimestamp(Number.POSITIVE_INFINITY)).toThrow(/context\.now/);
  });

  it('the timestamp memo lives in each enricher: interleaved callers with different clocks each get their own time', () => {
    const a = createIngestionMetadataEnricher();
    const [b] = createEnrichers(['ingestion_metadata']);
    const stamp = (enrich: typeof a, now: number): unknown =>
      (enrich({}, { producerId: 'p', now, sourceId: 's' }).ingestion_metadata as { ingestion_timestamp: string }).ingestion_timestamp;
    expect(stamp(a, 0)).toBe('1970-01-01T00:00:00.000Z');
    expect(stamp(b!, 1_000)).toBe('1970-01-01T00:00:01.000Z');
    expect(stamp(ingestionMetadataEnricher, 2_000)).toBe('1970-01-01T00:00:02.000Z');
    expect(stamp(a, 0)).toBe('1970-01-01T00:00:00.000Z');
    expect(stamp(b!, 1_000)).toBe('1970-01-01T00:00:01.000Z');
    expect(() => stamp(a, Number.NaN)).toThrow(/context\.now/);
    expect(stamp(a, 0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('createEnrichers builds a new ingestion_metadata enricher per call (no state shared between callers)', () => {
    const [first] = createEnrichers(['ingestion_metadata']);
    const [second] = createEnrichers(['ingestion_metadata']);
    expect(first).not.toBe(second);
  });
});
