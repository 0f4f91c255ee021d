/**
 * firestream: move data from many sources into Apache Kafka with priorities, backpressure and no
 * silent data loss.
 *
 * @packageDocumentation
 */
export {
  ErrorCodes,
  FirestreamError,
  ConfigError,
  InvalidOptionError,
  isFirestreamError,
  formatIssue,
  describeValue,
} from './errors.js';
export type { ErrorCode, FirestreamErrorOptions, ConfigIssue } from './errors.js';
export { Priority, PRIORITY_NAMES, ALL_PRIORITIES, PRIORITY_LATENCY_TARGET_MS, priorityName, parsePriority } from './priority/priority.js';
export type { PriorityName } from './priority/priority.js';
export { createEnvelope, RECORD_ID_HEADER, SOURCE_ID_HEADER } from './core/record.js';
export type { RecordEnvelope, RecordPayload, CreateEnvelopeOptions } from './core/record.js';
export { silentLogger } from './core/logger.js';
export type { Logger } from './core/logger.js';
export { systemClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
export { TypedEmitter } from './core/events.js';
