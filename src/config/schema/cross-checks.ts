import type { z } from 'zod';
import { matchesAnyGlob } from '../glob.js';

/** The parts of the parsed configuration the cross-section checks read. */
interface CheckedConfig {
  readonly priority: { readonly criticalAllowList: readonly string[] };
  readonly queue: { readonly overflowStrategy: string };
  readonly buffer: { readonly enabled: boolean };
  readonly topics: readonly { readonly name: string; readonly maxMessageBytes?: number | undefined }[];
  readonly images: { readonly topic: string; readonly directMaxBytes: number; readonly chunkSizeBytes: number };
  readonly sources: readonly { readonly sourceId: string; readonly priority?: string | undefined }[];
  readonly instance: { readonly sources: readonly string[] };
}

/** Bytes of the binary image header that travel with every direct image and every chunk. */
const IMAGE_HEADER_BYTES = 48;

/** Checks that span sections; each issue is reported at the key the user must change. */
export function checkAcrossSections(config: CheckedConfig, ctx: z.RefinementCtx): void {
  config.sources.forEach((source, i) => {
    if (source.priority === 'CRITICAL' && !matchesAnyGlob(source.sourceId, config.priority.criticalAllowList)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources', i, 'priority'],
        message: `CRITICAL is allowed only for sources on priority.criticalAllowList; "${source.sourceId}" is not on it (add it to the list or use HIGH)`,
      });
    }
  });

  if (config.queue.overflowStrategy === 'spill' && !config.buffer.enabled) {
    ctx.addIssue({ code: 'custom', path: ['queue', 'overflowStrategy'], message: 'spill needs the disk buffer: set buffer.enabled to true or pick another strategy' });
  }

  const imageTopic = config.topics.find((topic) => topic.name === config.images.topic);
  const limit = imageTopic?.maxMessageBytes;
  if (limit !== undefined) {
    if (config.images.directMaxBytes + IMAGE_HEADER_BYTES > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['images', 'directMaxBytes'],
        message: `plus the ${IMAGE_HEADER_BYTES}-byte header must fit the maxMessageBytes (${limit}) of topic "${config.images.topic}"`,
      });
    }
    if (config.images.chunkSizeBytes + IMAGE_HEADER_BYTES > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['images', 'chunkSizeBytes'],
        message: `plus the ${IMAGE_HEADER_BYTES}-byte header must fit the maxMessageBytes (${limit}) of topic "${config.images.topic}"`,
      });
    }
  }

  const known = new Set(config.sources.map((source) => source.sourceId));
  if (known.size > 0) {
    config.instance.sources.forEach((id, i) => {
      if (!known.has(id)) ctx.addIssue({ code: 'custom', path: ['instance', 'sources', i], message: 'names a source that is not in sources' });
    });
  }
}
