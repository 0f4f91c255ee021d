/**
 * Options of the queue-layer parts (priority assignment, backpressure) from a validated
 * {@link StreamConfig}, so a host that wires parts itself gets the behaviour the file describes.
 * Each function is pure and reads only its sections of the config.
 *
 * @module
 */
import type { PriorityAssignerOptions } from '../priority/priority-assigner.js';
import type { PriorityName } from '../priority/priority.js';
import type { BackpressureManagerOptions } from '../queue/backpressure-options.js';
import type { StreamConfig } from './schema/index.js';

/**
 * Options of a {@link PriorityAssigner} from the `priority` section and the `priority` of each
 * source, which wins over the rules for that source id (still subject to the allow-list and the
 * CRITICAL rate limits).
 *
 * @param config - A config from {@link loadConfig} or {@link resolveConfig}.
 * @param extra - Options the file cannot hold (clock, logger, cache sizes); they win.
 */
export function priorityAssignerOptionsFromConfig(config: Pick<StreamConfig, 'priority' | 'sources'>, extra: Partial<PriorityAssignerOptions> = {}): PriorityAssignerOptions {
  const { priority } = config;
  const sourcePriorities: Record<string, PriorityName> = {};
  for (const source of config.sources) if (source.priority !== undefined) sourcePriorities[source.sourceId] = source.priority;
  return {
    rules: priority.rules.map((rule) => ({ ...rule })),
    defaultPriority: priority.defaultPriority,
    criticalAllowList: [...priority.criticalAllowList],
    sourcePriorities,
    criticalRateLimit: { ...priority.criticalRateLimit },
    ...extra,
  };
}

/**
 * Options of a {@link BackpressureManager} from the `backpressure` section, with `queue.maxSize`
 * as the normal capacity and `backpressure.fireSeason.queueMaxSize` as the fire-season one when it
 * is set (otherwise the manager's default, twice `queue.maxSize`; the schema refuses a fire-season
 * capacity below `queue.maxSize`).
 *
 * @param config - A config from {@link loadConfig} or {@link resolveConfig}.
 * @param extra - Options the file cannot hold (fill provider, random source, clock); they win.
 */
export function backpressureOptionsFromConfig(config: Pick<StreamConfig, 'backpressure' | 'queue'>, extra: Partial<BackpressureManagerOptions> = {}): BackpressureManagerOptions {
  const { backpressure: bp } = config;
  return {
    enabled: bp.enabled,
    warningThreshold: bp.warningThreshold,
    criticalThreshold: bp.criticalThreshold,
    loadSheddingThreshold: bp.loadSheddingThreshold,
    warningAdmitRatio: bp.warningAdmitRatio,
    criticalAdmitRatio: bp.criticalAdmitRatio,
    recoveryChecks: bp.recoveryChecks,
    checkIntervalMs: bp.checkIntervalMs,
    retryAfterMs: { ...bp.retryAfterMs },
    capacity: config.queue.maxSize,
    fireSeason: {
      enabled: bp.fireSeason.enabled,
      warningThreshold: bp.fireSeason.warningThreshold,
      criticalThreshold: bp.fireSeason.criticalThreshold,
      ...(bp.fireSeason.queueMaxSize !== undefined && { capacity: bp.fireSeason.queueMaxSize }),
    },
    ...extra,
  };
}
