import { describe, expect, it } from 'vitest';
import { FirestreamError } from '../../src/errors.js';
import type { Waiter } from '../../src/queue/waiters.js';
import { WaiterQueue } from '../../src/queue/waiters.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

type Call = { readonly id: number } & Waiter<string>;

/** The callers the queue holds, walked from the oldest. */
function held(queue: WaiterQueue<Call>): number[] {
  const out: number[] = [];
  for (let waiter = queue.head(); waiter !== undefined; waiter = queue.after(waiter)) out.push(waiter.id);
  return out;
}

const giveUp = (_w: unknown, reason: string): FirestreamError => new FirestreamError('FIRESTREAM_ABORTED', reason);

describe('WaiterQueue', () => {
  it('settled waiters are let go at once, not when they reach the head', async () => {
    const clock = new FakeClock();
    const queue = new WaiterQueue<Call>();
    const head = queue.park<string, { id: number }>({ id: 0 }, { timeoutMs: Number.POSITIVE_INFINITY, scheduler: clock }, giveUp);
    const controller = new AbortController();
    const rest = Array.from({ length: 2_000 }, (_, i) =>
      queue.park<string, { id: number }>({ id: i + 1 }, { timeoutMs: i % 2 === 0 ? 10 : Number.POSITIVE_INFINITY, scheduler: clock, signal: controller.signal }, giveUp).catch(() => 'gave up'),
    );
    expect(queue.live).toBe(2_001);
    clock.advance(10); // the even ones time out
    expect(held(queue)).toHaveLength(1_001);
    controller.abort(); // the odd ones abort
    expect(held(queue)).toEqual([0]);
    expect(queue.live).toBe(1);
    expect(new Set(await Promise.all(rest))).toEqual(new Set(['gave up']));
    queue.head()!.finish('done');
    expect([await head, held(queue), queue.live]).toEqual(['done', [], 0]);
  });

  it('unlinks from the middle and the ends, keeping FIFO order', () => {
    const clock = new FakeClock();
    const queue = new WaiterQueue<Call>();
    const calls: Call[] = [];
    for (let id = 0; id < 5; id++) {
      void queue.park<string, { id: number }>({ id }, { timeoutMs: Number.POSITIVE_INFINITY, scheduler: clock }, giveUp);
      let last = queue.head()!;
      while (queue.after(last) !== undefined) last = queue.after(last)!;
      calls.push(last);
    }
    calls[2]!.finish('x');
    calls[0]!.finish('x');
    calls[4]!.finish('x');
    expect(held(queue)).toEqual([1, 3]);
    void queue.park<string, { id: number }>({ id: 5 }, { timeoutMs: Number.POSITIVE_INFINITY, scheduler: clock }, giveUp);
    expect(held(queue)).toEqual([1, 3, 5]);
    queue.finishAll(() => 'closed');
    expect([held(queue), queue.live]).toEqual([[], 0]);
  });

  it('a signal that aborted before park gives up at once, with no timer left', async () => {
    const clock = new FakeClock();
    const queue = new WaiterQueue<Call>();
    const parked = queue.park<string, { id: number }>({ id: 0 }, { timeoutMs: 100, scheduler: clock, signal: AbortSignal.abort() }, giveUp);
    await expect(parked).rejects.toMatchObject({ message: 'abort' });
    expect([queue.live, clock.pendingTimers, held(queue)]).toEqual([0, 0, []]);
  });
});
