import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load-config.js';
import { backpressureOptionsFromConfig, priorityAssignerOptionsFromConfig } from '../../src/config/queue-layer-options.js';
import { DEFAULT_BLOCK_TIMEOUT_MS } from '../../src/config/schema/queue.js';
import { createEnvelope } from '../../src/core/record.js';
import { PriorityAssigner } from '../../src/priority/priority-assigner.js';
import { Priority } from '../../src/priority/priority.js';
import { BackpressureManager } from '../../src/queue/backpressure-manager.js';
import { QueueManager } from '../../src/queue/queue-manager.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { configErrorOf } from '../helpers/config-error.js';

describe('priorityAssignerOptionsFromConfig', () => {
  it('gives the design defaults for an empty config', () => {
    const assigner = new PriorityAssigner(priorityAssignerOptionsFromConfig(resolveConfig({}, { env: {} }), { clock: new FakeClock() }));
    expect(assigner.assign('evacuation_alert_butte')).toBe(Priority.CRITICAL);
    expect(assigner.assign('nws_alert')).toBe(Priority.HIGH);
    expect(assigner.assign('noaa_kred')).toBe(Priority.NORMAL);
    expect(assigner.assignBatch('evacuation_alert_butte', 120).critical).toBe(100);
  });

  it('takes rules, allow-list, limits and each source\'s own priority from the file', () => {
    const config = resolveConfig(
      {
        priority: {
          rules: [{ match: 'drone_*', priority: 'HIGH' }],
          default_priority: 'NORMAL',
          critical_allow_list: ['siren_*'],
          critical_rate_limit: { per_source_per_minute: 2, total_per_minute: 3 },
        },
        sources: [
          { source_id: 'siren_paradise', type: 'mqtt', priority: 'CRITICAL' },
          { source_id: 'drone_archive', type: 'http', priority: 'LOW' },
          { source_id: 'drone_live', type: 'http' },
        ],
      },
      { env: {} },
    );
    const options = priorityAssignerOptionsFromConfig(config);
    expect(options.sourcePriorities).toEqual({ siren_paradise: 'CRITICAL', drone_archive: 'LOW' });
    const assigner = new PriorityAssigner({ ...options, clock: new FakeClock() });
    expect(assigner.assign('drone_live')).toBe(Priority.HIGH);
    expect(assigner.assign('drone_archive')).toBe(Priority.LOW);
    expect(assigner.assign('anything_else')).toBe(Priority.NORMAL);
    expect(assigner.assignBatch('siren_paradise', 5)).toMatchObject({ critical: 2, demoted: 3 });
    (options.criticalAllowList as string[]).push('x_*'); // the options are copies: changing them leaves the config alone
    expect(config.priority.criticalAllowList).toEqual(['siren_*']);
  });
});

describe('backpressureOptionsFromConfig', () => {
  it('gives the design defaults, with queue.maxSize as capacity and the fire-season queue size', () => {
    const manager = new BackpressureManager(backpressureOptionsFromConfig(resolveConfig({}, { env: {} })));
    expect(manager.thresholds).toEqual({ warning: 0.7, critical: 0.9, loadShedding: 1 });
    expect(manager.effectiveCapacity).toBe(10_000);
    manager.adjustForPeakSeason(true);
    expect(manager.thresholds).toEqual({ warning: 0.8, critical: 0.95, loadShedding: 1 });
    expect(manager.effectiveCapacity).toBe(20_000);
  });

  it('takes every backpressure setting from the file and lets extra options win', () => {
    const config = resolveConfig(
      {
        queue: { max_size: 4_000 },
        backpressure: {
          warning_threshold: 0.6,
          critical_threshold: 0.8,
          load_shedding_threshold: 0.95,
          warning_admit_ratio: 0.4,
          critical_admit_ratio: 0.2,
          recovery_checks: 4,
          check_interval_ms: 0,
          retry_after_ms: { warning: 1_000, critical: 2_000, load_shedding: 3_000 },
          fire_season: { enabled: true, warning_threshold: 0.75, critical_threshold: 0.9, queue_max_size: 6_000 },
        },
      },
      { env: {} },
    );
    const manager = new BackpressureManager(backpressureOptionsFromConfig(config, { random: () => 0.3 }));
    expect(manager.peakSeason).toBe(true);
    expect(manager.thresholds).toEqual({ warning: 0.75, critical: 0.9, loadShedding: 0.95 });
    expect(manager.capacityMultiplier).toBe(1.5);
    expect(manager.admit(Priority.LOW, 0.8)).toEqual({ admitted: true, state: 'WARNING', retryAfterMs: 0 });
    expect(manager.admit(Priority.LOW, 0.92)).toEqual({ admitted: false, state: 'CRITICAL', retryAfterMs: 2_000 });
    expect(manager.admit(Priority.LOW, 0.95)).toEqual({ admitted: false, state: 'LOAD_SHEDDING', retryAfterMs: 3_000 });
    manager.adjustForPeakSeason(false);
    expect(manager.thresholds).toEqual({ warning: 0.6, critical: 0.8, loadShedding: 0.95 });
    expect(manager.effectiveCapacity).toBe(4_000);
    for (let i = 0; i < 3; i++) expect(manager.check(0.1)).toBe('WARNING');
    expect(manager.check(0.1)).toBe('NORMAL');
  });

  it('regression: fire season gives twice queue.maxSize when fireSeason.queueMaxSize is not set (it shrank a 50,000 queue to 20,000)', () => {
    const fireSeasonCapacity = (raw: Record<string, unknown>): number[] => {
      const manager = new BackpressureManager(backpressureOptionsFromConfig(resolveConfig(raw, { env: {} })));
      manager.adjustForPeakSeason(true);
      return [manager.effectiveCapacity, manager.capacityMultiplier];
    };
    expect(fireSeasonCapacity({ queue: { max_size: 50_000 } })).toEqual([100_000, 2]);
    expect(fireSeasonCapacity({ queue: { max_size: 20_000 } })).toEqual([40_000, 2]);
    expect(fireSeasonCapacity({ queue: { max_size: 50_000 }, backpressure: { fire_season: { queue_max_size: 50_000 } } })).toEqual([50_000, 1]);
    expect(backpressureOptionsFromConfig(resolveConfig({}, { env: {} })).fireSeason).not.toHaveProperty('capacity');
  });

  it('refuses a fire-season queue size below queue.maxSize, naming both keys', () => {
    const err = configErrorOf(() => resolveConfig({ queue: { max_size: 50_000 }, backpressure: { fire_season: { queue_max_size: 20_000 } } }, { env: {} }));
    expect(err.issues).toEqual([
      {
        path: 'backpressure.fireSeason.queueMaxSize',
        message:
          'must be at least queue.maxSize (50000): backpressure.fireSeason.queueMaxSize (20000) is the capacity of the queues in fire season and would shrink them; raise it, or leave it out for 2 × queue.maxSize (100000)',
        received: 20_000,
      },
    ]);
  });

  it('takes check_interval_ms (1 s by default): admissions in between do not count toward recovery', () => {
    const clock = new FakeClock();
    let fill = 0.95;
    const options = (raw: Record<string, unknown>) => backpressureOptionsFromConfig(resolveConfig(raw, { env: {} }), { clock, fill: () => fill, random: () => 0 });
    const byDefault = new BackpressureManager(options({}));
    const everyCheck = new BackpressureManager(options({ backpressure: { check_interval_ms: 0 } }));
    for (const manager of [byDefault, everyCheck]) manager.check();
    fill = 0.1;
    for (let i = 0; i < 10; i++) for (const manager of [byDefault, everyCheck]) manager.admit(Priority.LOW);
    expect([byDefault.state, everyCheck.state]).toEqual(['CRITICAL', 'NORMAL']);
    clock.advance(1_000);
    expect(byDefault.check()).toBe('WARNING');
  });
});

describe('queue section → QueueManager', () => {
  const record = (id: string) => createEnvelope({ sourceId: 'cfg', payload: {}, priority: Priority.LOW, id, now: 0 });

  it('takes block_timeout_ms from the file: a block enqueue gives up after it (30 s by default)', async () => {
    expect(resolveConfig({}, { env: {} }).queue.blockTimeoutMs).toBe(DEFAULT_BLOCK_TIMEOUT_MS);
    expect(DEFAULT_BLOCK_TIMEOUT_MS).toBe(30_000);
    expect(resolveConfig({}, { env: { FIRESTREAM_QUEUE__BLOCK_TIMEOUT_MS: '900' } }).queue.blockTimeoutMs).toBe(900);
    const config = resolveConfig({ queue: { max_size: 1, overflow_strategy: 'block', block_timeout_ms: 250 } }, { env: {} });
    const clock = new FakeClock();
    const queue = new QueueManager({ ...config.queue, clock, scheduler: clock });
    queue.tryEnqueue(record('a'), Priority.LOW);
    const pending = queue.enqueue(record('b'), Priority.LOW).catch((e: unknown) => e);
    clock.advance(249);
    expect(queue.getMetrics().blockedEnqueues).toBe(1);
    clock.advance(1);
    expect(await pending).toMatchObject({ code: 'FIRESTREAM_QUEUE_FULL', context: { timeoutMs: 250, rejected: 1 } });
  });

  it('reports a bad block_timeout_ms with its path', () => {
    const err = configErrorOf(() => resolveConfig({ queue: { block_timeout_ms: 0 } }, { env: {} }));
    expect(err.issues.map((i) => i.path)).toEqual(['queue.blockTimeoutMs']);
  });
});
