import kafkajs from 'kafkajs';
import type { LogEntry, logCreator as KafkaLogCreator } from 'kafkajs';
import type { Logger } from '../core/logger.js';

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

const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|sasl|accessKey|oauth/i;
const REDACTED = '[redacted]';

/** Copies a log field, replacing values under credential-like keys with `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  return out;
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
 * fields whose key looks like a credential (password, secret, token, sasl, …) are redacted, so
 * SASL credentials never reach the log.
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
