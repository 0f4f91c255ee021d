import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { CriticalDemotedEvent, NonAllowListedCriticalEvent } from '../../src/priority/priority-assigner.js';
import { PriorityAssigner } from '../../src/priority/priority-assigner.js';
import { Priority } from '../../src/priority/priority.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

function recordEvents(assigner: PriorityAssigner) {
  const warnings: NonAllowListedCriticalEvent[] = [];
  const demotions: CriticalDemotedEvent[] = [];
  assigner.on('nonAllowListedCritical', (e) => warnings.push(e));
  assigner.on('criticalDemoted', (e) => demotions.push(e));
  return { warnings, demotions };
}

describe('PriorityAssigner rules', () => {
  it('applies the built-in wildfire rules', () => {
    const assigner = new PriorityAssigner();
    expect(assigner.assign('evacuation_alert_butte')).toBe(Priority.CRITICAL);
    expect(assigner.assign('emergency_broadcast_cal_fire')).toBe(Priority.CRITICAL);
    expect(assigner.assign('firms_viirs_snpp')).toBe(Priority.HIGH);
    expect(assigner.assign('landsat_9')).toBe(Priority.HIGH);
    expect(assigner.assign('iot_sensor_17')).toBe(Priority.NORMAL);
    expect(assigner.assign('noaa_station_kred')).toBe(Priority.NORMAL);
    expect(assigner.assign('sentinel_archive')).toBe(Priority.LOW);
    expect(assigner.decide('firms_viirs_snpp')).toMatchObject({ level: 'rule', rule: 'firms_*', requested: Priority.HIGH, allowListed: false });
    expect(assigner.decide('sentinel_archive')).toMatchObject({ level: 'default', priority: Priority.LOW });
    expect(assigner.decide('sentinel_archive').rule).toBeUndefined();
  });

  it('gives a non-allow-listed *alert* source HIGH and warns once per source', () => {
    const assigner = new PriorityAssigner();
    const { warnings } = recordEvents(assigner);
    expect(assigner.assign('nws_red_flag_alert')).toBe(Priority.HIGH);
    expect(assigner.assign('nws_red_flag_alert')).toBe(Priority.HIGH);
    expect(assigner.assignBatch('nws_red_flag_alert', 3)).toEqual({ count: 3, priority: Priority.HIGH, critical: 0, demoted: 0, rest: Priority.HIGH });
    expect(assigner.assign('iot_alert_gateway')).toBe(Priority.HIGH);
    expect(warnings).toEqual([
      { sourceId: 'nws_red_flag_alert', level: 'rule', rule: '*alert*', assigned: Priority.HIGH },
      { sourceId: 'iot_alert_gateway', level: 'rule', rule: '*alert*', assigned: Priority.HIGH },
    ]);
    expect(assigner.getMetrics().nonAllowListedWarnings).toBe(2);
  });

  it('warns once per source even when the decision cache is off or evicts', () => {
    const assigner = new PriorityAssigner({ cacheSize: 0 });
    const { warnings } = recordEvents(assigner);
    for (let i = 0; i < 5; i++) assigner.assign('weather_alert');
    expect(warnings).toHaveLength(1);
    expect(assigner.getMetrics().cacheEntries).toBe(0);
  });

  it('makes every allow-listed family CRITICAL by default, life_safety_* included', () => {
    const assigner = new PriorityAssigner();
    for (const sourceId of ['evacuation_alert_butte', 'emergency_broadcast_kcra', 'life_safety_sirens']) {
      expect(assigner.decide(sourceId)).toMatchObject({ priority: Priority.CRITICAL, allowListed: true });
    }
  });

  it('treats the allow-list as a permission: an allow-listed source no CRITICAL rule matches keeps its rule priority', () => {
    const assigner = new PriorityAssigner({ rules: [{ match: 'firms_*', priority: 'HIGH' }] });
    expect(assigner.decide('life_safety_sirens')).toMatchObject({ priority: Priority.LOW, allowListed: true });
    const withOverride = new PriorityAssigner({ rules: [], sourcePriorities: { life_safety_sirens: 'CRITICAL' } });
    expect(withOverride.assign('life_safety_sirens')).toBe(Priority.CRITICAL);
  });

  it('lets a source override win over the rules, still subject to the allow-list', () => {
    const assigner = new PriorityAssigner({ sourcePriorities: new Map([['firms_archive', 'LOW'], ['ops_console', 'CRITICAL']] as const) });
    const { warnings } = recordEvents(assigner);
    expect(assigner.decide('firms_archive')).toMatchObject({ priority: Priority.LOW, level: 'source' });
    expect(assigner.assign('ops_console')).toBe(Priority.HIGH);
    expect(warnings).toEqual([{ sourceId: 'ops_console', level: 'source', assigned: Priority.HIGH }]);
  });

  it('takes configurable rules in order, first match wins, with a configurable default', () => {
    const assigner = new PriorityAssigner({
      rules: [
        { match: 'drone_*_thermal', priority: 'HIGH' },
        { match: 'drone_*', priority: Priority.LOW },
        { match: 'evac_*', priority: 'critical' as 'CRITICAL' },
      ],
      defaultPriority: 'NORMAL',
      criticalAllowList: ['evac_*'],
    });
    expect(assigner.assign('drone_7_thermal')).toBe(Priority.HIGH);
    expect(assigner.assign('drone_7_rgb')).toBe(Priority.LOW);
    expect(assigner.assign('evac_zone_3')).toBe(Priority.CRITICAL);
    expect(assigner.assign('evacuation_alert_butte')).toBe(Priority.NORMAL);
    expect(new PriorityAssigner({ rules: [] }).assign('firms_viirs')).toBe(Priority.LOW);
  });

  it('bounds the decision cache', () => {
    const assigner = new PriorityAssigner({ cacheSize: 3 });
    for (let i = 0; i < 50; i++) assigner.assign(`iot_${i}`);
    expect(assigner.getMetrics().cacheEntries).toBe(3);
    expect(assigner.assign('iot_0')).toBe(Priority.NORMAL);
  });

  it('refuses bad rules, priorities, sizes and source ids, naming the option', () => {
    const cases: [() => unknown, string][] = [
      [() => new PriorityAssigner({ rules: [{ match: 'a_*', priority: 'HIGH' }, { match: 'b_*', priority: 'URGENT' as 'HIGH' }] }), 'rules[1].priority'],
      [() => new PriorityAssigner({ rules: [{ match: '', priority: 'HIGH' }] }), 'rules[0].match'],
      [() => new PriorityAssigner({ rules: [null as never] }), 'rules[0].match'],
      [() => new PriorityAssigner({ criticalAllowList: ['ok_*', 7 as never] }), 'criticalAllowList[1]'],
      [() => new PriorityAssigner({ defaultPriority: 9 as Priority }), 'defaultPriority'],
      [() => new PriorityAssigner({ sourcePriorities: { x: 'TOP' as 'LOW' } }), 'sourcePriorities.x'],
      [() => new PriorityAssigner({ criticalRateLimit: { perSourcePerMinute: 0 } }), 'criticalRateLimit.perSourcePerMinute'],
      [() => new PriorityAssigner({ cacheSize: -1 }), 'cacheSize'],
      [() => new PriorityAssigner({ maxTrackedSources: 0 }), 'maxTrackedSources'],
      [() => new PriorityAssigner().assign(42 as unknown as string), 'sourceId'],
      [() => new PriorityAssigner().assignBatch('iot_1', 1.5), 'count'],
    ];
    for (const [make, option] of cases) {
      expect(make).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining(`"${option}"`) }));
    }
  });
});

describe('PriorityAssigner CRITICAL rate limits', () => {
  it('demotes the excess over 100/min from one source to HIGH, per batch, and counts it', () => {
    const clock = new FakeClock();
    const assigner = new PriorityAssigner({ clock });
    const { demotions } = recordEvents(assigner);
    expect(assigner.assignBatch('evacuation_alert_butte', 60)).toEqual({ count: 60, priority: Priority.CRITICAL, critical: 60, demoted: 0, rest: Priority.HIGH });
    expect(assigner.assignBatch('evacuation_alert_butte', 90)).toEqual({ count: 90, priority: Priority.CRITICAL, critical: 40, demoted: 50, rest: Priority.HIGH });
    expect(demotions).toEqual([{ sourceId: 'evacuation_alert_butte', count: 50, reason: 'per-source', at: clock.now() }]);
    const metrics = assigner.getMetrics();
    expect(metrics.assigned).toEqual({ CRITICAL: 100, HIGH: 50, NORMAL: 0, LOW: 0 });
    expect(metrics.demoted).toEqual({ total: 50, perSource: 50, global: 0 });
    expect(metrics.demotedBySource).toEqual({ evacuation_alert_butte: 50 });
  });

  it('demotes the excess over 500/min across sources with the reason "global"', () => {
    const clock = new FakeClock();
    const assigner = new PriorityAssigner({ clock });
    const { demotions } = recordEvents(assigner);
    for (let i = 0; i < 4; i++) expect(assigner.assignBatch(`evacuation_alert_${i}`, 100).critical).toBe(100);
    expect(assigner.assignBatch('emergency_broadcast_a', 60).critical).toBe(60);
    // 40 tokens left in all; this source may send 100 on its own: 40 pass, 20 are over its own limit, 60 over the global one.
    expect(assigner.assignBatch('emergency_broadcast_b', 120)).toMatchObject({ critical: 40, demoted: 80 });
    expect(assigner.assignBatch('evacuation_alert_z', 50)).toMatchObject({ critical: 0, demoted: 50 });
    expect(demotions).toEqual([
      { sourceId: 'emergency_broadcast_b', count: 20, reason: 'per-source', at: clock.now() },
      { sourceId: 'emergency_broadcast_b', count: 60, reason: 'global', at: clock.now() },
      { sourceId: 'evacuation_alert_z', count: 50, reason: 'global', at: clock.now() },
    ]);
    expect(assigner.getMetrics().demoted).toEqual({ total: 130, perSource: 20, global: 110 });
    expect(assigner.getMetrics().demotedBySource).toEqual({ emergency_broadcast_b: 80, evacuation_alert_z: 50 });
  });

  it('refills the buckets over time', () => {
    const clock = new FakeClock();
    const assigner = new PriorityAssigner({ clock });
    expect(assigner.assignBatch('evacuation_alert_a', 100).critical).toBe(100);
    expect(assigner.assignBatch('evacuation_alert_a', 1).critical).toBe(0);
    clock.advance(30_000);
    expect(assigner.assignBatch('evacuation_alert_a', 100).critical).toBe(50);
    clock.advance(600);
    expect(assigner.assignBatch('evacuation_alert_a', 5).critical).toBe(1);
    clock.advance(10 * 60_000);
    expect(assigner.assignBatch('evacuation_alert_a', 500).critical).toBe(100);
  });

  it('takes its limits from the options', () => {
    const clock = new FakeClock();
    const assigner = new PriorityAssigner({ clock, criticalRateLimit: { perSourcePerMinute: 3, totalPerMinute: 5 } });
    expect(assigner.assignBatch('evacuation_alert_a', 10).critical).toBe(3);
    expect(assigner.assignBatch('evacuation_alert_b', 10).critical).toBe(2);
  });

  it('keeps at most maxTrackedSources per-source buckets and demotion counters', () => {
    const assigner = new PriorityAssigner({ clock: new FakeClock(), maxTrackedSources: 2, criticalRateLimit: { perSourcePerMinute: 1, totalPerMinute: 1_000 } });
    for (let i = 0; i < 10; i++) assigner.assignBatch(`evacuation_alert_${i}`, 3);
    const metrics = assigner.getMetrics();
    expect(metrics.trackedSources).toBe(2);
    expect(Object.keys(metrics.demotedBySource)).toEqual(['evacuation_alert_0', 'evacuation_alert_1']);
    expect(metrics.demoted.total).toBe(20);
  });

  it('counts non-critical batches by priority and ignores empty batches', () => {
    const assigner = new PriorityAssigner();
    assigner.assignBatch('firms_viirs', 7);
    assigner.assignBatch('iot_1', 5);
    assigner.assignBatch('misc', 2);
    expect(assigner.assignBatch('evacuation_alert_a', 0)).toEqual({ count: 0, priority: Priority.CRITICAL, critical: 0, demoted: 0, rest: Priority.HIGH });
    expect(assigner.getMetrics().trackedSources).toBe(0);
    expect(assigner.getMetrics().assigned).toEqual({ CRITICAL: 0, HIGH: 7, NORMAL: 5, LOW: 2 });
  });

  it('never lets more CRITICAL through than the buckets allow, and never loses a record (property)', () => {
    const step = fc.record({ source: fc.integer({ min: 0, max: 7 }), count: fc.integer({ min: 0, max: 250 }), waitMs: fc.integer({ min: 0, max: 20_000 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = new FakeClock();
        const assigner = new PriorityAssigner({ clock });
        const perSource = new Map<number, number>();
        let total = 0;
        let records = 0;
        for (const { source, count, waitMs } of steps) {
          clock.advance(waitMs);
          const split = assigner.assignBatch(`evacuation_alert_${source}`, count);
          if (split.critical + split.demoted !== count || split.critical < 0 || split.demoted < 0) return false;
          perSource.set(source, (perSource.get(source) ?? 0) + split.critical);
          total += split.critical;
          records += count;
        }
        const minutes = clock.monotonic() / 60_000;
        const { assigned, demoted } = assigner.getMetrics();
        return (
          total <= 500 + 500 * minutes &&
          [...perSource.values()].every((n) => n <= 100 + 100 * minutes) &&
          assigned.CRITICAL === total &&
          assigned.CRITICAL + assigned.HIGH === records &&
          demoted.total === records - total
        );
      }),
      { numRuns: 200 },
    );
  });
});
