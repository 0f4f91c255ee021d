import { z } from 'zod';
import { positiveDurationMs, positiveInt } from './common.js';

/** The disk buffer (write-ahead log) that holds records while Kafka is unreachable. */
export const BufferSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Keep records on disk while the breaker is open and at shutdown.'),
  directory: z.string().min(1).default('./data/buffer').describe('Directory of the buffer files (one log per source).'),
  maxRecordsPerSource: positiveInt().default(100_000).describe('Most records buffered for one source.'),
  maxTotalBytes: positiveInt().default(1_073_741_824).describe('Most bytes buffered in all (1 GiB by default).'),
  ttlMs: positiveDurationMs().default(86_400_000).describe('Buffered records older than this are dropped (counted as dropped_by_policy), in ms.'),
  replayBatchSize: positiveInt().default(500).describe('Records replayed per batch on recovery (CRITICAL sources first).'),
  fsync: z
    .enum(['always', 'batch', 'never'])
    .default('batch')
    .describe('When to fsync: after every record, after every appended batch, or never (the OS decides).'),
});
