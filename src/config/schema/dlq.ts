import { z } from 'zod';
import { topicNameSchema } from './topic-name.js';

/** The dead-letter queue: where records go after their last failed attempt. */
export const DlqSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Keep records that could not be delivered (`enable_dlq` in older files).'),
  topic: topicNameSchema.default('wildfire-dlq').describe('Kafka topic of dead-lettered records.'),
  postgres: z
    .strictObject({
      connectionString: z.string().min(1).describe('PostgreSQL connection string. May hold a password: redacted in logs.'),
      table: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'must be a table name, optionally schema-qualified (schema.table)')
        .default('dead_letter_queue')
        .describe('Table of dead-lettered records.'),
    })
    .optional()
    .describe('Also store dead-lettered records in PostgreSQL; off by default.'),
});
