/**
 * Runs tasks one at a time, in the order they were queued.
 *
 * An idempotent kafkajs producer must not have two produce requests in flight (concurrent
 * `sendBatch` calls can break its sequence numbers, tulios/kafkajs#598), so its sends queue here.
 * A task whose `signal` aborted while it waited is skipped (it rejects with the abort reason and
 * sends nothing); a task that already started holds the queue until kafkajs settles it, even when
 * its caller stopped waiting, so the next task never overlaps it.
 *
 * @internal
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /** Queues `task`; it starts once every task queued before it settled. */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const previous = this.#tail;
    let release: () => void = () => undefined;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    return (async () => {
      try {
        await previous;
        if (signal.aborted) throw signal.reason;
        return await task();
      } finally {
        release();
      }
    })();
  }
}
