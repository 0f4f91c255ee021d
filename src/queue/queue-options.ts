/**
 * Options of {@link QueueManager}: the `queue` section of the configuration plus what a file
 * cannot hold (clock, scheduler, spill sink).
 *
 * @module
 */
import { issuesFromZod } from '../config/config-issues.js';
import { MAX_TIMER_MS } from '../config/schema/common.js';
import { QueueSchema } from '../config/schema/queue.js';
import type { StreamConfig, StreamConfigInput } from '../config/schema/index.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Scheduler } from '../core/scheduler.js';
import { systemScheduler } from '../core/scheduler.js';
import { InvalidOptionError } from '../errors.js';
import type { Priority } from '../priority/priority.js';
import { invalidRecordError } from './queue-errors.js';
import type { SpillSink } from './queue-types.js';

/** The `queue` section of a validated configuration (`config.queue`): every default applied. */
export type QueueSettings = StreamConfig['queue'];

/** The `queue` section as it may be written: every key optional, defaults from the schema. */
export type QueueSettingsInput = NonNullable<StreamConfigInput['queue']>;

export { DEFAULT_BLOCK_TIMEOUT_MS } from '../config/schema/queue.js';

/**
 * Options of {@link QueueManager}. The queue settings have the shape of the configuration's
 * `queue` section, so `new QueueManager({ ...config.queue, clock })` works; left-out settings
 * take the schema's defaults (10,000 records, `drop_lowest`, `block` waits of at most 30 s,
 * batches of 500, linger 0/50/500/5,000 ms, weights 6:3:2:1, ageing after 5 and 10 minutes).
 *
 * @typeParam T - Record type.
 */
export interface QueueManagerOptions<T> extends QueueSettingsInput {
  /** Time source: monotonic time for linger, ageing and wait times, wall time for `enqueuedAt`. */
  clock?: Clock;
  /** Timers for linger and `block` timeouts (unref'd); pass a `FakeClock` in tests. */
  scheduler?: Scheduler;
  /**
   * Where records go instead of being dropped. Required by the `spill` strategy. With the other
   * dropping strategies it takes the CRITICAL records that cannot be queued because the queue is
   * full of CRITICAL records (without a sink they are rejected).
   */
  spillSink?: SpillSink<T>;
}

/**
 * Options after validation, defaults applied.
 *
 * @internal
 */
export interface ResolvedQueueOptions<T> {
  readonly settings: QueueSettings;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly spillSink: SpillSink<T> | undefined;
}

/** Checks a timeout in ms: positive and fitting a Node timer, or `Infinity` (wait until room, abort or close). */
export function checkTimeoutMs(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (value > MAX_TIMER_MS && value !== Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError(option, value, `must be a positive number of milliseconds up to ${MAX_TIMER_MS}, or Infinity to wait without a deadline`);
  }
  return value;
}

/** Checks a priority argument: one of the four `Priority` values. */
export function checkPriority(priority: unknown): asserts priority is Priority {
  if (priority !== 0 && priority !== 1 && priority !== 2 && priority !== 3) {
    throw new InvalidOptionError('priority', priority, 'must be a Priority: 0 (CRITICAL), 1 (HIGH), 2 (NORMAL) or 3 (LOW)');
  }
}

/** What a record must be: the queue writes `priority` and `enqueuedAt` on it. */
const RECORD_PROBLEM = 'must be a record object whose priority and enqueuedAt the queue can write (not null, a primitive, or frozen)';

/**
 * Checks one record cheaply: a non-null object (the single enqueue's hot path, which finds an
 * unwritable record by writing it, before the queue changes, and then calls
 * {@link checkWritableRecord}).
 *
 * @throws `INVALID_RECORD` naming the index and the value.
 */
export function checkRecord(record: unknown, index: number): void {
  if (typeof record !== 'object' || record === null) throw invalidRecordError(index, record, RECORD_PROBLEM);
}

/**
 * Checks that a record is a non-null object whose `priority` and `enqueuedAt` can be written, by
 * writing each field's own value back: a frozen record throws, a sealed one with both fields
 * passes. This costs far less than `Object.isExtensible` (a runtime call of 10+ ns per record on
 * Node 20), and tests exactly what the queue needs.
 *
 * @throws `INVALID_RECORD` naming the index and the value.
 */
export function checkWritableRecord(record: unknown, index: number): void {
  checkRecord(record, index);
  const fields = record as { priority: unknown; enqueuedAt: unknown };
  try {
    fields.priority = fields.priority; // eslint-disable-line no-self-assign -- a write that changes nothing: it throws for an unwritable record
    fields.enqueuedAt = fields.enqueuedAt; // eslint-disable-line no-self-assign -- as above
  } catch (err) {
    throw invalidRecordError(index, record, RECORD_PROBLEM, { cause: err });
  }
}

/**
 * Checks a records argument, every element before anything is queued: an array of records that
 * pass {@link checkWritableRecord}. The loop is that check inlined (one `try` for the whole
 * array); the first element it stops at is checked again by {@link checkWritableRecord}, which
 * names it.
 *
 * @throws {@link InvalidOptionError} for a non-array; `INVALID_RECORD` for the first bad element.
 */
export function checkRecords(records: unknown): void {
  if (!Array.isArray(records)) throw new InvalidOptionError('records', records, 'must be an array of records');
  const n = records.length;
  let i = 0;
  while (i < n) {
    try {
      for (; i < n; i++) {
        const record = records[i] as { priority: unknown; enqueuedAt: unknown } | null;
        if (typeof record !== 'object' || record === null) break;
        record.priority = record.priority; // eslint-disable-line no-self-assign -- see checkWritableRecord
        record.enqueuedAt = record.enqueuedAt; // eslint-disable-line no-self-assign -- see checkWritableRecord
      }
    } catch {
      // records[i] could not be written: checkWritableRecord names it below
    }
    if (i < n) checkWritableRecord(records[i], i++);
  }
}

/** Checks a batch size: a positive integer. */
export function checkBatchSize(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InvalidOptionError(option, value, 'must be a positive integer');
  return value;
}

function parseSettings(section: QueueSettingsInput): QueueSettings {
  const parsed = QueueSchema.safeParse(section);
  if (parsed.success) return parsed.data;
  const [issue] = issuesFromZod(parsed.error, section, QueueSchema, () => undefined);
  const message = issue?.message ?? 'is invalid';
  throw new InvalidOptionError(issue?.path || '(options)', issue?.received, /^(is|must) /.test(message) ? message : `is invalid: ${message}`);
}

/**
 * Validates the options and applies defaults.
 *
 * @throws {@link InvalidOptionError} naming the first bad option (queue settings are checked by the
 *   configuration schema), or when the `spill` strategy has no `spillSink`.
 */
export function resolveQueueOptions<T>(options: QueueManagerOptions<T>): ResolvedQueueOptions<T> {
  const { clock, scheduler, spillSink, ...section } = options;
  const settings = parseSettings(section);
  if (spillSink !== undefined && typeof spillSink?.spill !== 'function') {
    throw new InvalidOptionError('spillSink', spillSink, 'must be an object with a spill(records, reason) method');
  }
  if (settings.overflowStrategy === 'spill' && spillSink === undefined) {
    throw new InvalidOptionError('spillSink', spillSink, 'is required by overflowStrategy "spill" (records that do not fit are handed to it)');
  }
  return {
    settings,
    clock: clock ?? systemClock,
    scheduler: scheduler ?? systemScheduler,
    spillSink,
  };
}
