import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { QueueFillLagSource } from '../../src/throttling/queue-fill-lag-source.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';

describe('QueueFillLagSource', () => {
  it('maps fill to lag so 70 % is over target and a full queue is critical, with the default thresholds', async () => {
    let fill = 0;
    const source = new QueueFillLagSource({ fill: () => fill });
    const manager = new ThrottlingManager({ lagSource: source, checkIntervalMs: 0, sleep: async () => undefined });
    const actionAt = async (f: number) => {
      fill = f;
      return manager.refreshLag();
    };
    expect(await actionAt(0)).toMatchObject({ action: 'allow', lag: 0 });
    expect(await actionAt(0.16)).toMatchObject({ action: 'allow', lag: 1_000 });
    expect(await actionAt(0.7)).toMatchObject({ action: 'throttle_moderate', lag: 4_375 });
    expect(await actionAt(0.8)).toMatchObject({ action: 'throttle_moderate', lag: 5_000 });
    expect(await actionAt(0.9)).toMatchObject({ action: 'throttle_critical', lag: 5_625 });
    expect(await actionAt(1)).toMatchObject({ action: 'throttle_critical', lag: 6_250 });
    expect(await actionAt(1.4)).toMatchObject({ lag: 6_250 });
    expect(await actionAt(-0.2)).toMatchObject({ lag: 0 });
  });

  it('scales with criticalConsumerLag and factor', async () => {
    const source = new QueueFillLagSource({ fill: () => 0.5, criticalConsumerLag: 10_000, factor: 2 });
    expect(source.lagAtFull).toBe(20_000);
    expect(await source.getLag()).toBe(10_000);
  });

  it('reports LAG_UNAVAILABLE when fill() throws or is not a number, ABORTED for an aborted signal', async () => {
    const boom = new Error('queue gone');
    const thrown = await new QueueFillLagSource({ fill: () => { throw boom; } }).getLag().catch((e: unknown) => e);
    expect(isFirestreamError(thrown, ErrorCodes.LAG_UNAVAILABLE)).toBe(true);
    expect((thrown as Error).cause).toBe(boom);
    await expect(new QueueFillLagSource({ fill: () => Number.NaN }).getLag()).rejects.toMatchObject({ code: ErrorCodes.LAG_UNAVAILABLE });
    const aborted = AbortSignal.abort();
    await expect(new QueueFillLagSource({ fill: () => 0 }).getLag({ signal: aborted })).rejects.toMatchObject({ code: ErrorCodes.ABORTED });
  });

  it('refuses options that would never reach the critical zone', () => {
    expect(() => new QueueFillLagSource({ fill: () => 0, factor: 1 })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, context: expect.objectContaining({ option: 'factor' }) }));
    expect(() => new QueueFillLagSource({ fill: 0.5 as unknown as () => number })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
    expect(() => new QueueFillLagSource({ fill: () => 0, criticalConsumerLag: 0 })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });
});
