import type { RecordPayload } from '../core/record.js';
import { InvalidOptionError } from '../errors.js';
import type { Enricher, EnrichmentContext } from './enrichers.js';
import type { WildfireDataCategory } from './wildfire-sources.js';
import { classifyWildfireSource } from './wildfire-sources.js';
import { copyRecord } from './record-copy.js';

/** The `wildfire_context` field added by the wildfire context enricher. */
export interface WildfireContext {
  /** What kind of data the source delivers, from the wildfire preset's source-id rules. */
  readonly data_category: WildfireDataCategory;
  /** True for records of fire-detection sources (NASA FIRMS): each such record is a detection. */
  readonly fire_detected: boolean;
  /** True when the context's clock reading falls in a fire-season month (UTC). */
  readonly fire_season: boolean;
}

/** Default fire-season months: June to October (1 = January). */
export const DEFAULT_FIRE_SEASON_MONTHS: readonly number[] = Object.freeze([6, 7, 8, 9, 10]);

/** Options of {@link createWildfireContextEnricher}. */
export interface WildfireContextOptions {
  /** Months (1–12, UTC) that count as fire season; default June to October. */
  readonly fireSeasonMonths?: readonly number[];
  /** Data category of a source id; defaults to the wildfire preset's rules. */
  readonly categorize?: (sourceId: string) => WildfireDataCategory;
}

/**
 * Creates an enricher that adds `wildfire_context: { data_category, fire_detected, fire_season }`.
 * The result depends only on the source id and the context's clock reading, never on the wall clock.
 *
 * @throws {@link InvalidOptionError} for a month outside 1–12 or a non-function `categorize`.
 */
export function createWildfireContextEnricher(options: WildfireContextOptions = {}): Enricher {
  const months = options.fireSeasonMonths ?? DEFAULT_FIRE_SEASON_MONTHS;
  if (!Array.isArray(months)) throw new InvalidOptionError('fireSeasonMonths', months, 'must be an array of months 1-12');
  const seasonMonths = new Set<number>();
  months.forEach((m: unknown, i) => {
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 12) {
      throw new InvalidOptionError(`fireSeasonMonths[${i}]`, m, 'must be an integer month from 1 (January) to 12 (December)');
    }
    seasonMonths.add(m);
  });
  const categorize = options.categorize ?? classifyWildfireSource;
  if (typeof categorize !== 'function') throw new InvalidOptionError('categorize', categorize, 'must be a function (sourceId) => category');

  // One-entry memos: a batch shares one source and one clock reading.
  let memoSource: string | undefined;
  let memoCategory: WildfireDataCategory = 'other';
  let memoNow = Number.NaN;
  let memoSeason = false;

  return (record: RecordPayload, context: EnrichmentContext): RecordPayload => {
    if (context.sourceId !== memoSource) {
      memoCategory = categorize(context.sourceId);
      memoSource = context.sourceId;
    }
    if (context.now !== memoNow) {
      if (!Number.isFinite(context.now)) throw new InvalidOptionError('context.now', context.now, 'must be a finite epoch time in milliseconds');
      memoSeason = seasonMonths.has(new Date(context.now).getUTCMonth() + 1);
      memoNow = context.now;
    }
    const wildfire_context: WildfireContext = {
      data_category: memoCategory,
      fire_detected: memoCategory === 'fire_detection',
      fire_season: memoSeason,
    };
    const out = copyRecord(record);
    out.wildfire_context = wildfire_context;
    return out;
  };
}

/** The wildfire context enricher with default options (fire season June to October, UTC). */
export const wildfireContextEnricher: Enricher = createWildfireContextEnricher();
