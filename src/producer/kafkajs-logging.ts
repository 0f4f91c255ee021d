import kafkajs from 'kafkajs';
import type { LogEntry, logCreator as KafkaLogCreator } from 'kafkajs';
import type { Logger } from '../core/logger.js';
import { redactDeep } from '../core/secrets.js';

const { logLevel: KafkaLogLevel } = kafkajs;

/** Which kafkajs messages reach the logger. */
export type KafkaLogLevelName = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/** Maps a level name to kafkajs's numeric `logLevel`. */
export function kafkaLogLevel(name: KafkaLogLevelName): number {
  switch (name) {
    case 'nothing':
      return KafkaLogLevel.NOTHING;
    case 'error':
      return KafkaLogLevel.ERROR;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'debug':
      return KafkaLogLevel.DEBUG;
    default:
      return KafkaLogLevel.INFO;
  }
}

/** Levels of nesting of a log field that are copied; deeper values are logged as `'[truncated]'`. */
const LOG_FIELD_DEPTH = 8;

/**
 * Copies a log field with credentials replaced by `'[REDACTED]'`, using firestream's one secret
 * rule (`redactDeep` in `core/secrets.ts`): values under credential-like keys (password, secret,
 * token, api key, authorization, cookie, TLS key, …) are hidden, passwords in URLs and connection
 * strings are stripped, errors become `{ name, message }`, Buffers are summarised, and values
 * nested deeper than the limit are replaced rather than copied raw.
 *
 * @param depth - Nesting level `value` already sits at; fewer levels below it are copied.
 */
export function redact(value: unknown, depth = 0): unknown {
  return redactDeep(value, { maxDepth: Math.max(0, LOG_FIELD_DEPTH - depth) });
}

/**
 * True for the errors kafkajs logs while `ensureTopics` waits for new partitions: the producer
 * sends no ListOffsets request of its own, and a failed probe of a partition that is not writable
 * yet is expected, so it goes to debug rather than alarming an operator.
 */
function isReadinessProbe(namespace: string, message: string): boolean {
  return namespace === 'Connection' && message.startsWith('Response ListOffsets');
}

/**
 * A kafkajs `logCreator` that writes to a firestream {@link Logger}: kafkajs levels map to the
 * logger's methods, each entry carries `{ component: 'kafkajs', namespace, ...fields }`, and
 * fields whose key looks like a credential (password, secret, token, …) are redacted by
 * {@link redact}, so SASL credentials never reach the log.
 */
export function createKafkaLogCreator(logger: Logger): KafkaLogCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      const obj = { component: 'kafkajs', namespace, ...(redact(fields) as Record<string, unknown>) };
      const text = typeof message === 'string' ? message : String(message);
      try {
        if (isReadinessProbe(namespace, text)) logger.debug(obj, text);
        else if (level === KafkaLogLevel.ERROR) logger.error(obj, text);
        else if (level === KafkaLogLevel.WARN) logger.warn(obj, text);
        else if (level === KafkaLogLevel.INFO) logger.info(obj, text);
        else logger.debug(obj, text);
      } catch {
        // A logger must not throw; if it does, kafkajs must not fail because of it.
      }
    };
}
