import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { ingestionMetadataEnricher, isoTimestamp } from '../../src/routing/ingestion-metadata-enricher.js';

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
});
