import { randomUUID } from 'node:crypto';
import type { Priority } from '../priority/priority.js';

/** Header that carries a record's stable id on every Kafka message, for duplicate detection. */
export const RECORD_ID_HEADER = 'firestream-record-id';

/** Header that carries the id of the source a record came from. */
export const SOURCE_ID_HEADER = 'firestream-source-id';

/** A JSON-like payload as connectors produce it. */
export type RecordPayload = Record<string, unknown>;

/**
 * The internal envelope around one record on its way from a connector to Kafka.
 *
 * `id` is stable for the record's whole life (retries, disk buffering, replay), and is sent as
 * the {@link RECORD_ID_HEADER} header so consumers can drop duplicates after a replay.
 */
export interface RecordEnvelope<T = RecordPayload> {
  /** Stable id: the same across retries and replays. */
  readonly id: string;
  /** Id of the source (connector) that produced the record. */
  readonly sourceId: string;
  /** The record itself. */
  readonly payload: T;
  /** Current priority (may rise through ageing or fall through critical rate limits). */
  priority: Priority;
  /** When the record entered firestream (epoch ms, from the injected clock). */
  readonly receivedAt: number;
  /** When the record was last enqueued (epoch ms); used for linger and wait-time metrics. */
  enqueuedAt: number;
  /** Send attempts so far. */
  attempts: number;
}

/** Options for {@link createEnvelope}. */
export interface CreateEnvelopeOptions<T> {
  /** Id of the source. */
  sourceId: string;
  /** The record. */
  payload: T;
  /** Priority to start with. */
  priority: Priority;
  /** Time of receipt in epoch ms (defaults to `Date.now()`). */
  now?: number;
  /** An id to keep (when re-creating an envelope from the disk buffer); a new UUID otherwise. */
  id?: string;
}

/** Creates a record envelope with a fresh stable id. */
export function createEnvelope<T = RecordPayload>(options: CreateEnvelopeOptions<T>): RecordEnvelope<T> {
  const now = options.now ?? Date.now();
  return {
    id: options.id ?? randomUUID(),
    sourceId: options.sourceId,
    payload: options.payload,
    priority: options.priority,
    receivedAt: now,
    enqueuedAt: now,
    attempts: 0,
  };
}
