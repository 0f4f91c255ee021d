import { InvalidOptionError } from '../errors.js';
import type { RecordPayload } from '../core/record.js';
import { californiaRelevanceEnricher } from './california-relevance-enricher.js';
import { createIngestionMetadataEnricher } from './ingestion-metadata-enricher.js';
import { wildfireContextEnricher } from './wildfire-context-enricher.js';
import { copyRecord } from './record-copy.js';

/**
 * What an enricher knows about the batch it enriches. One context serves a whole batch (same
 * source, same clock reading).
 */
export interface EnrichmentContext {
  /** Id of this producer instance (for example `wildfire-ingestion-abc123`). */
  readonly producerId: string;
  /** Clock reading for the batch in epoch ms, from the injected clock. */
  readonly now: number;
  /** Id of the source the records came from. */
  readonly sourceId: string;
  /** Human-readable source name (defaults to the source id). */
  readonly sourceName?: string;
  /** Whether the records arrived through a real-time or streaming mode (default `false`). */
  readonly realTime?: boolean;
}

/**
 * Adds fields to a record. An enricher is pure: it returns a new object (a shallow copy with its
 * fields added) and never modifies the record it is given or anything inside it. A field it adds
 * replaces a field of the same name in the input.
 */
export type Enricher = (record: RecordPayload, context: EnrichmentContext) => RecordPayload;

/** Names of the built-in enrichers, as used in configuration. */
export type EnricherName = 'ingestion_metadata' | 'california_relevance' | 'wildfire_context';

// Factories, so an enricher with state (the timestamp memo) is never shared between callers.
const BUILT_IN: Readonly<Record<EnricherName, () => Enricher>> = Object.freeze({
  ingestion_metadata: createIngestionMetadataEnricher,
  california_relevance: () => californiaRelevanceEnricher,
  wildfire_context: () => wildfireContextEnricher,
});

/** Every built-in enricher name. */
export const ENRICHER_NAMES: readonly EnricherName[] = Object.freeze(Object.keys(BUILT_IN) as EnricherName[]);

/** The enrichers applied by default, in order: all three built-ins. */
export const DEFAULT_ENRICHERS: readonly EnricherName[] = Object.freeze(['ingestion_metadata', 'california_relevance', 'wildfire_context']);

/**
 * Builds the enrichers named in configuration, in the given order. Each call builds new ones: no
 * state is shared with the enrichers of another call.
 *
 * @throws {@link InvalidOptionError} naming the position and value of an unknown name.
 */
export function createEnrichers(names: readonly string[] = DEFAULT_ENRICHERS): Enricher[] {
  if (!Array.isArray(names)) throw new InvalidOptionError('enrichers', names, 'must be an array of enricher names');
  return names.map((name: unknown, i) => {
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(BUILT_IN, name)) {
      throw new InvalidOptionError(`enrichers[${i}]`, name, `must be one of ${ENRICHER_NAMES.map((n) => `"${n}"`).join(', ')}`);
    }
    return BUILT_IN[name as EnricherName]();
  });
}

/**
 * Combines enrichers into one that applies them in order. The result is pure like its parts;
 * with an empty list it returns a shallow copy of the record.
 *
 * @throws {@link InvalidOptionError} when an entry is not a function.
 */
export function composeEnrichers(enrichers: readonly Enricher[]): Enricher {
  if (!Array.isArray(enrichers)) throw new InvalidOptionError('enrichers', enrichers, 'must be an array of functions');
  enrichers.forEach((e: unknown, i) => {
    if (typeof e !== 'function') throw new InvalidOptionError(`enrichers[${i}]`, e, 'must be a function (record, context) => record');
  });
  const list = enrichers.slice();
  if (list.length === 0) return (record) => copyRecord(record);
  if (list.length === 1) return list[0] as Enricher;
  return (record, context) => {
    let out = record;
    for (const enrich of list) out = enrich(out, context);
    return out;
  };
}

/** The default enricher: {@link DEFAULT_ENRICHERS} composed. */
export const defaultEnricher: Enricher = composeEnrichers(createEnrichers(DEFAULT_ENRICHERS));

/**
 * Enriches a batch of one source's records with one context; returns new records in the same
 * order and leaves the input array and records untouched. The context is checked and frozen once
 * per batch.
 *
 * @param enricher - Defaults to {@link defaultEnricher}.
 * @throws {@link InvalidOptionError} when the context is malformed.
 */
export function enrichBatch(records: readonly RecordPayload[], context: EnrichmentContext, enricher: Enricher = defaultEnricher): RecordPayload[] {
  const frozen = checkContext(context);
  const out = new Array<RecordPayload>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = enricher(records[i] as RecordPayload, frozen);
  return out;
}

/** Checks an enrichment context and returns a frozen copy of it. */
export function checkContext(context: EnrichmentContext): Readonly<EnrichmentContext> {
  if (context === null || typeof context !== 'object') throw new InvalidOptionError('context', context, 'must be an object { producerId, now, sourceId }');
  if (typeof context.producerId !== 'string') throw new InvalidOptionError('context.producerId', context.producerId, 'must be a string');
  if (typeof context.sourceId !== 'string') throw new InvalidOptionError('context.sourceId', context.sourceId, 'must be a string');
  if (typeof context.now !== 'number' || !Number.isFinite(context.now)) {
    throw new InvalidOptionError('context.now', context.now, 'must be a finite epoch time in milliseconds');
  }
  if (context.sourceName !== undefined && typeof context.sourceName !== 'string') {
    throw new InvalidOptionError('context.sourceName', context.sourceName, 'must be a string when given');
  }
  if (context.realTime !== undefined && typeof context.realTime !== 'boolean') {
    throw new InvalidOptionError('context.realTime', context.realTime, 'must be a boolean when given');
  }
  return Object.isFrozen(context) ? context : Object.freeze({ ...context });
}
