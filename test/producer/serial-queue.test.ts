import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../src/producer/serial-queue.js';
import { delay } from './fake-kafka.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time in queue order', async () => {
    const queue = new SerialQueue();
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const signal = new AbortController().signal;
    await Promise.all(
      [30, 5, 15, 0].map((ms, i) =>
        queue.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await delay(ms);
          order.push(i);
          running -= 1;
        }, signal),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    expect(most).toBe(1);
  });

  it('skips a task whose signal aborted while it waited, and keeps going after a failure', async () => {
    const queue = new SerialQueue();
    const controller = new AbortController();
    let ran = false;
    const first = queue.run(() => delay(20).then(() => Promise.reject(new Error('first failed'))), new AbortController().signal);
    const skipped = queue.run(async () => void (ran = true), controller.signal);
    controller.abort(new Error('gave up'));
    const third = queue.run(async () => 'third', new AbortController().signal);
    await expect(first).rejects.toThrow('first failed');
    await expect(skipped).rejects.toThrow('gave up');
    await expect(third).resolves.toBe('third');
    expect(ran).toBe(false);
  });
});
