import type { z } from 'zod';
import { CHUNK_FIXED_HEADER_BYTES } from '../../imagery/chunk-header.js';
import { IMAGE_HEADER_BYTES } from '../../imagery/image-header.js';
import { MAX_IMAGE_ID_LENGTH } from '../../imagery/image-id.js';
import { matchesAnyGlob } from '../glob.js';
import { checkFireSeasonCapacity } from './backpressure.js';
import type { FireSeasonCapacityConfig } from './backpressure.js';
import { checkTopicsDeclared } from './declared-topics.js';
import type { TopicNamingConfig } from './declared-topics.js';
import { readable } from './refine.js';

/** The parts of the parsed configuration the cross-section checks read. */
interface CheckedConfig extends TopicNamingConfig, FireSeasonCapacityConfig {
  readonly priority: { readonly criticalAllowList: readonly string[] };
  readonly queue: { readonly overflowStrategy: string; readonly maxSize: number };
  readonly buffer: { readonly enabled: boolean };
  readonly topics: readonly { readonly name: string; readonly maxMessageBytes?: number | undefined }[];
  readonly images: TopicNamingConfig['images'] & { readonly directMaxBytes: number; readonly chunkSizeBytes: number };
  readonly sources: readonly { readonly sourceId: string; readonly priority?: string | undefined; readonly topic?: string | undefined }[];
  readonly instance: { readonly sources: readonly string[] };
}

/** Largest header that travels with a direct image packet or a chunk (a chunk's header holds its image id). */
const HEADER_BYTES = { directMaxBytes: IMAGE_HEADER_BYTES, chunkSizeBytes: CHUNK_FIXED_HEADER_BYTES + MAX_IMAGE_ID_LENGTH } as const;

function checkImageSizes(config: CheckedConfig, ctx: z.RefinementCtx): void {
  if (!readable(ctx, ['images', 'enabled'], ['images', 'topic']) || !config.images.enabled) return;
  if (!Array.isArray(config.topics)) return;
  const index = config.topics.findIndex((topic, i) => readable(ctx, ['topics', i]) && topic.name === config.images.topic);
  const limit = index === -1 ? undefined : config.topics[index]?.maxMessageBytes;
  if (limit === undefined) return;
  for (const key of ['directMaxBytes', 'chunkSizeBytes'] as const) {
    if (readable(ctx, ['images', key]) && config.images[key] + HEADER_BYTES[key] > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['images', key],
        message: `plus its header (up to ${HEADER_BYTES[key]} bytes) must fit the maxMessageBytes (${limit}) of topic "${config.images.topic}"`,
      });
    }
  }
}

/**
 * Checks that span sections; each issue is reported at the key the user must change. Each check
 * reads only settings that passed their own validation, so it runs (and reports) even while other
 * settings are invalid.
 */
export function checkAcrossSections(config: CheckedConfig, ctx: z.RefinementCtx): void {
  if (readable(ctx, ['priority', 'criticalAllowList']) && Array.isArray(config.sources)) {
    config.sources.forEach((source, i) => {
      if (!readable(ctx, ['sources', i, 'priority'], ['sources', i, 'sourceId'])) return;
      if (source.priority === 'CRITICAL' && !matchesAnyGlob(source.sourceId, config.priority.criticalAllowList)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'priority'],
          message: `CRITICAL is allowed only for sources on priority.criticalAllowList; "${source.sourceId}" is not on it (add it to the list or use HIGH)`,
        });
      }
    });
  }

  if (readable(ctx, ['queue', 'overflowStrategy'], ['buffer', 'enabled']) && config.queue.overflowStrategy === 'spill' && !config.buffer.enabled) {
    ctx.addIssue({ code: 'custom', path: ['queue', 'overflowStrategy'], message: 'spill needs the disk buffer: set buffer.enabled to true or pick another strategy' });
  }

  checkImageSizes(config, ctx);
  checkFireSeasonCapacity(config, ctx);

  if (readable(ctx, ['sources'], ['instance', 'sources'])) {
    const known = new Set(config.sources.map((source) => source.sourceId));
    if (known.size > 0) {
      config.instance.sources.forEach((id, i) => {
        if (!known.has(id)) ctx.addIssue({ code: 'custom', path: ['instance', 'sources', i], message: 'names a source that is not in sources' });
      });
    }
  }

  checkTopicsDeclared(config, ctx);
}
