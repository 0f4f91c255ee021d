import type { RecordEnvelope } from '../../src/core/record.js';
import type { Priority } from '../../src/priority/priority.js';
import { QueueManager } from '../../src/queue/queue-manager.js';
import type { QueueManagerOptions } from '../../src/queue/queue-options.js';
import type { DropEvent } from '../../src/queue/queue-types.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

let next = 0;

/** Records with ids `<prefix>0`, `<prefix>1`, … (priority is set by the queue on enqueue). */
export function records(prefix: string, count: number, priority: Priority = 3): RecordEnvelope[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, sourceId: 'test', payload: { n: next++ }, priority, receivedAt: 0, enqueuedAt: 0, attempts: 0 }));
}

/** Ids of records. */
export const ids = (list: readonly RecordEnvelope[]): string[] => list.map((r) => r.id);

/** A queue on a fake clock (also its scheduler), with every drop recorded. */
export function fakeQueue(options: QueueManagerOptions<RecordEnvelope> = {}): { clock: FakeClock; queue: QueueManager; drops: DropEvent<RecordEnvelope>[] } {
  const clock = new FakeClock();
  const queue = new QueueManager({ clock, scheduler: clock, ...options });
  const drops: DropEvent<RecordEnvelope>[] = [];
  queue.on('drop', (event) => drops.push(event));
  return { clock, queue, drops };
}

/** Lets promise callbacks run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The settled state of a promise, without waiting for it. */
export async function state<T>(promise: Promise<T>): Promise<{ status: 'pending' } | { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown }> {
  const pending = { status: 'pending' } as const;
  return Promise.race([
    promise.then(
      (value) => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const,
    ),
    flush().then(() => pending),
  ]);
}
