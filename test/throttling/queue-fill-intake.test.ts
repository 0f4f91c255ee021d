/**
 * Where a QueueFillLagSource belongs: on intake, never on the sender that drains the queue.
 *
 * A deterministic simulation on a fake clock, 120 s. A connector can fetch 500 records every
 * 250 ms (2,000 records/s, a backlog at the source that waits there until fetched); the sender
 * sends up to 500 records every 500 ms (Kafka takes 1,000 records/s). The queue holds 10,000
 * records; what does not fit is counted as overflow (in the real pipeline, shed or spilled).
 *
 * - no throttling: the queue fills in seconds and overflows for the rest of the run;
 * - the queue-fill estimate throttling intake (checkAndThrottle before each fetch): the queue
 *   stays bounded, nothing overflows, and the sender, never delayed, delivers as much;
 * - the same estimate throttling the sender (the reviewer's finding): the delay slows the drain
 *   of the very queue it measures, so the queue fills faster; this placement is a positive
 *   feedback loop and delivers far less than no throttling at all.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { QueueFillLagSource } from '../../src/throttling/queue-fill-lag-source.js';
import { ThrottlingManager } from '../../src/throttling/throttling-manager.js';

type Placement = 'none' | 'intake' | 'sender';

interface Run {
  readonly peakFill: number;
  readonly overflow: number;
  readonly delivered: number;
  readonly senderWaitMs: number;
  readonly intakeWaitMs: number;
}

const CAPACITY = 10_000;
const BATCH = 500;
const FETCH_EVERY_MS = 250;
const SEND_EVERY_MS = 500;
const RUN_MS = 120_000;

async function simulate(placement: Placement): Promise<Run> {
  const clock = new FakeClock();
  let depth = 0;
  let peak = 0;
  let overflow = 0;
  let delivered = 0;
  const waits = { intake: 0, sender: 0 };
  // The manager decides; the simulation does the waiting, as the next event's time.
  const manager = new ThrottlingManager({
    clock,
    scheduler: clock,
    sleep: async () => undefined,
    lagSource: new QueueFillLagSource({ fill: () => depth / CAPACITY }),
  });
  const delayOf = async (who: Placement): Promise<number> => {
    if (placement !== who) return 0;
    const { throttleDelayMs } = await manager.checkAndThrottle({ records: BATCH });
    waits[who === 'intake' ? 'intake' : 'sender'] += throttleDelayMs;
    return throttleDelayMs;
  };

  let nextFetch = 0;
  let nextSend = 0;
  while (Math.min(nextFetch, nextSend) < RUN_MS) {
    const fetching = nextFetch <= nextSend;
    const at = fetching ? nextFetch : nextSend;
    clock.advance(at - clock.monotonic());
    if (fetching) {
      // Intake: (throttle, then) fetch one batch into the queue.
      const wait = await delayOf('intake');
      clock.advance(wait);
      depth += BATCH;
      if (depth > CAPACITY) {
        overflow += depth - CAPACITY;
        depth = CAPACITY;
      }
      peak = Math.max(peak, depth);
      nextFetch = at + wait + FETCH_EVERY_MS;
    } else {
      // Sender: (throttle, then) dequeue and send one batch.
      const wait = await delayOf('sender');
      clock.advance(wait);
      const sent = Math.min(depth, BATCH);
      depth -= sent;
      delivered += sent;
      nextSend = at + wait + SEND_EVERY_MS;
    }
    // Let the manager's background lag read (an instant queue-fill read) finish.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { peakFill: peak / CAPACITY, overflow, delivered, senderWaitMs: waits.sender, intakeWaitMs: waits.intake };
}

describe('QueueFillLagSource placement (120 s simulation, fake clock)', () => {
  it('keeps the queue bounded when it throttles intake, while the sender drains at full speed', async () => {
    const none = await simulate('none');
    const intake = await simulate('intake');
    // The scenario needs throttling: unthrottled intake overflows the queue.
    expect(none.peakFill).toBe(1);
    expect(none.overflow).toBeGreaterThan(100_000);
    // Intake throttled by queue fill: bounded, nothing over capacity, the sender never waits,
    // and it delivers (nearly) what Kafka can take.
    expect(intake.overflow).toBe(0);
    expect(intake.peakFill).toBeLessThan(0.5);
    expect(intake.senderWaitMs).toBe(0);
    expect(intake.intakeWaitMs).toBeGreaterThan(0);
    expect(intake.delivered).toBeGreaterThanOrEqual(0.98 * none.delivered);
  });

  it('feeds back on itself when it throttles the sender that drains the queue it measures', async () => {
    const none = await simulate('none');
    const sender = await simulate('sender');
    expect(sender.senderWaitMs).toBeGreaterThan(60_000);
    expect(sender.overflow).toBeGreaterThan(none.overflow);
    expect(sender.delivered).toBeLessThan(0.5 * none.delivered);
  });
});
