import { z } from 'zod';
import { positiveDurationMs } from './common.js';

/** This firestream instance, when several share the sources. */
export const InstanceSchema = z.strictObject({
  id: z.string().min(1).optional().describe('Id of this instance (producer_id in enrichment); a host-derived id when absent.'),
  sources: z
    .array(z.string().min(1))
    .default(() => [])
    .describe('Source ids this instance runs; empty runs every enabled source. Run one instance per group of sources to scale out.'),
});

/** Graceful shutdown. */
export const ShutdownSchema = z.strictObject({
  drainTimeoutMs: positiveDurationMs().default(30_000).describe('How long shutdown drains the queues before spilling the rest to the disk buffer, in ms.'),
});
