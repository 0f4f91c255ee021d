import ngeohash from 'ngeohash';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import type { CoordinateProblem } from './coordinates.js';
import { readCoordinates } from './coordinates.js';
import { assertGeohashPrecision, DEFAULT_GEOHASH_PRECISION, geoGridCell, sourceIdKey } from './partition-keys.js';

/**
 * A custom key function. Return `undefined` (or an empty string) to fall back to the source-id
 * key; a function that throws also falls back (counted as `key_error`).
 */
export type PartitionKeyFunction = (record: RecordPayload, sourceId: string) => string | undefined;

/** Name of a built-in key strategy. */
export type PartitionKeyStrategyName = 'geo_grid' | 'geohash' | 'source_id';

/** How {@link PartitionKeyer} picks a record's Kafka key: a built-in strategy or a custom function. */
export type PartitionKeyStrategy = PartitionKeyStrategyName | PartitionKeyFunction;

/**
 * Why a record got the source-id key instead of its strategy's key: a coordinate problem
 * (`missing`, `invalid`, `out_of_range`), a custom function that returned no key (`no_key`), or
 * one that threw (`key_error`).
 */
export type PartitionKeyFallbackReason = CoordinateProblem | 'no_key' | 'key_error';

/** Options of {@link PartitionKeyer}. */
export interface PartitionKeyerOptions {
  /** Key strategy (default `'geo_grid'`). */
  readonly strategy?: PartitionKeyStrategy;
  /** Characters of geohash for the `'geohash'` strategy (1–12, default 5). */
  readonly geohashPrecision?: number;
  /** Where to log (the first failure of a custom key function is logged as a warning). */
  readonly logger?: Logger;
}

/** Counters of a {@link PartitionKeyer}; plain data. */
export interface PartitionKeyerMetrics {
  /** The strategy in use (`'custom'` for a function). */
  readonly strategy: PartitionKeyStrategyName | 'custom';
  /** Keys produced in all (including fallbacks). */
  readonly keys: number;
  /** Keys that fell back to the source id. */
  readonly fallbacks: number;
  /** Fallbacks per reason. */
  readonly fallbacksByReason: Readonly<Record<PartitionKeyFallbackReason, number>>;
}

const STRATEGY_NAMES: readonly PartitionKeyStrategyName[] = ['geo_grid', 'geohash', 'source_id'];

/**
 * Applies a partition-key strategy to records. Records without a usable key (no, non-finite or
 * out-of-range coordinates; a custom function with no answer) get the source-id key instead and
 * are counted per reason in {@link PartitionKeyer.getMetrics}; keying never throws.
 */
export class PartitionKeyer {
  readonly #strategy: PartitionKeyStrategy;
  readonly #precision: number;
  readonly #logger: Logger;
  readonly #fallbacks: Record<PartitionKeyFallbackReason, number> = { missing: 0, invalid: 0, out_of_range: 0, no_key: 0, key_error: 0 };
  #keys = 0;
  #loggedKeyError = false;

  /** @throws {@link InvalidOptionError} for an unknown strategy or a bad geohash precision. */
  constructor(options: PartitionKeyerOptions = {}) {
    const strategy = options.strategy ?? 'geo_grid';
    if (typeof strategy !== 'function' && !STRATEGY_NAMES.includes(strategy)) {
      throw new InvalidOptionError('strategy', strategy, `must be one of ${STRATEGY_NAMES.map((s) => `"${s}"`).join(', ')} or a function`);
    }
    this.#strategy = strategy;
    this.#precision = assertGeohashPrecision(options.geohashPrecision ?? DEFAULT_GEOHASH_PRECISION, 'geohashPrecision');
    this.#logger = options.logger ?? silentLogger;
  }

  /** Returns the Kafka key of one record of `sourceId`. Never throws. */
  keyFor(record: RecordPayload, sourceId: string): string {
    this.#keys++;
    const strategy = this.#strategy;
    if (strategy === 'source_id') return sourceIdKey(sourceId);
    if (typeof strategy === 'function') return this.#custom(strategy, record, sourceId);
    const coords = readCoordinates(record);
    if (typeof coords === 'string') return this.#fallback(coords, sourceId);
    return strategy === 'geo_grid'
      ? geoGridCell(coords.latitude, coords.longitude)
      : ngeohash.encode(coords.latitude, coords.longitude, this.#precision);
  }

  /** Returns the keys of a batch of one source's records, in order. Never throws. */
  keysFor(records: readonly RecordPayload[], sourceId: string): string[] {
    const keys = new Array<string>(records.length);
    for (let i = 0; i < records.length; i++) keys[i] = this.keyFor(records[i] as RecordPayload, sourceId);
    return keys;
  }

  /** Returns plain-data counters: keys produced and fallbacks per reason. */
  getMetrics(): PartitionKeyerMetrics {
    const fallbacksByReason = { ...this.#fallbacks };
    let fallbacks = 0;
    for (const n of Object.values(fallbacksByReason)) fallbacks += n;
    return {
      strategy: typeof this.#strategy === 'function' ? 'custom' : this.#strategy,
      keys: this.#keys,
      fallbacks,
      fallbacksByReason,
    };
  }

  #custom(fn: PartitionKeyFunction, record: RecordPayload, sourceId: string): string {
    let key: unknown;
    try {
      key = fn(record, sourceId);
    } catch (err) {
      if (!this.#loggedKeyError) {
        this.#loggedKeyError = true;
        this.#logger.warn({ sourceId, err }, 'firestream:routing: custom partition key function threw; using the source-id key (logged once)');
      }
      return this.#fallback('key_error', sourceId);
    }
    return typeof key === 'string' && key.length > 0 ? key : this.#fallback('no_key', sourceId);
  }

  #fallback(reason: PartitionKeyFallbackReason, sourceId: string): string {
    this.#fallbacks[reason]++;
    return sourceIdKey(sourceId);
  }
}
