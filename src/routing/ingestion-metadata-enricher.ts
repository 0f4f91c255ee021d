import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import type { Enricher, EnrichmentContext } from './enrichers.js';
import { copyRecord } from './record-copy.js';

/** The `ingestion_metadata` field added by {@link ingestionMetadataEnricher}. */
export interface IngestionMetadata {
  /** Id of the producer instance. */
  readonly producer_id: string;
  /** When the record was enriched, ISO 8601 UTC, from the context's clock reading. */
  readonly ingestion_timestamp: string;
  /** Id of the source. */
  readonly source_id: string;
  /** Human-readable source name (the source id when the context has none). */
  readonly source_name: string;
  /** Whether the record came through a real-time or streaming mode. */
  readonly real_time: boolean;
}

/** Formats an epoch-ms time as ISO 8601 UTC; throws {@link InvalidOptionError} for a non-finite time. */
export function isoTimestamp(now: number): string {
  if (!Number.isFinite(now)) throw new InvalidOptionError('context.now', now, 'must be a finite epoch time in milliseconds');
  return new Date(now).toISOString();
}

function withMetadata(record: RecordPayload, context: EnrichmentContext, timestamp: string): RecordPayload {
  const ingestion_metadata: IngestionMetadata = {
    producer_id: context.producerId,
    ingestion_timestamp: timestamp,
    source_id: context.sourceId,
    source_name: context.sourceName ?? context.sourceId,
    real_time: context.realTime ?? false,
  };
  const out = copyRecord(record);
  out.ingestion_metadata = ingestion_metadata;
  return out;
}

/**
 * Adds `ingestion_metadata: { producer_id, ingestion_timestamp, source_id, source_name, real_time }`.
 * Stateless; the enrichers that `createEnrichers` builds format each batch's clock reading once.
 */
export function ingestionMetadataEnricher(record: RecordPayload, context: EnrichmentContext): RecordPayload {
  return withMetadata(record, context, isoTimestamp(context.now));
}

/**
 * A new {@link ingestionMetadataEnricher} with its own one-entry memo of the last clock reading
 * and its ISO string: a batch shares one reading, so the string is built once per batch. The memo
 * belongs to the returned function only (`createEnrichers` builds one per call).
 */
export function createIngestionMetadataEnricher(): Enricher {
  let memoNow = Number.NaN;
  let memoIso = '';
  return (record, context) => {
    if (context.now !== memoNow) {
      memoIso = isoTimestamp(context.now);
      memoNow = context.now;
    }
    return withMetadata(record, context, memoIso);
  };
}
