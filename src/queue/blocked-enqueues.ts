/**
 * `block` enqueues parked until a full {@link QueueManager} has room.
 *
 * @module
 */
import type { Scheduler } from '../core/scheduler.js';
import type { FirestreamError } from '../errors.js';
import type { Priority } from '../priority/priority.js';
import { abortedError, closedError } from './queue-errors.js';
import { enqueueResult } from './queue-store.js';
import type { EnqueueResult } from './queue-types.js';
import type { GiveUpReason } from './waiters.js';
import { WaiterQueue } from './waiters.js';
import type { Waiter } from './waiters.js';

/** One `enqueueMany` call waiting for room: its records and how far it got. */
export interface BlockedCall<T> {
  readonly records: readonly T[];
  readonly priority: Priority;
  /** Index of the first record not queued yet. */
  next: number;
  /** Records of the call queued so far (the first ones). */
  accepted: number;
  /** Longest wait in ms (`Infinity` for none). */
  readonly timeoutMs: number;
  /** Aborting it gives up the wait. */
  readonly signal: AbortSignal | undefined;
}

/** A parked call: its own copy of the records not queued yet, and where that copy starts in the caller's array. */
interface ParkedCall<T> extends BlockedCall<T> {
  /** Index in the caller's records of `records[0]`. */
  readonly offset: number;
}

/** What blocked calls need from the queue. */
export interface BlockedHost<T> {
  /** Whether one more record fits now. */
  hasRoom(): boolean;
  /**
   * Queues `records[from..]` at `priority` into free room only (never by overflow); returns the
   * index of the first record not queued. `offset` is the index of `records[0]` in the caller's
   * array (for the error of a record that cannot be written, which settles the call).
   */
  fill(records: readonly T[], priority: Priority, from: number, offset: number): number;
  /** Counts `count` records of `priority` that will never be queued as received and rejected. */
  reject(priority: Priority, count: number): void;
  /** The `QUEUE_FULL` error of a call that timed out. */
  fullError(priority: Priority, accepted: number, rejected: number, timeoutMs: number): FirestreamError;
}

type Blocked<T> = ParkedCall<T> & Waiter<EnqueueResult>;

/**
 * The `block` callers, one FIFO per priority. Room that frees goes to the most urgent callers
 * first, the longest waiting first within one priority; a call's records enter as room frees, and
 * its promise resolves once all of them are queued. One timer per call (its timeout), none per
 * record. A call that gives up (timeout, abort, close) counts its records not yet queued as
 * rejected and rejects with `QUEUE_FULL`, `ABORTED` or `QUEUE_CLOSED`. A parked call keeps its own
 * copy of the records still to queue, so the caller may reuse its array at once.
 *
 * @typeParam T - Record type.
 * @internal
 */
export class BlockedEnqueues<T> {
  readonly #queues: readonly WaiterQueue<Blocked<T>>[] = [new WaiterQueue(), new WaiterQueue(), new WaiterQueue(), new WaiterQueue()];
  readonly #scheduler: Scheduler;
  readonly #host: BlockedHost<T>;
  readonly #giveUp = (call: Blocked<T>, reason: GiveUpReason | 'closed'): FirestreamError => {
    const rest = call.records.length - call.next;
    this.#host.reject(call.priority, rest);
    if (reason === 'timeout') return this.#host.fullError(call.priority, call.accepted, rest, call.timeoutMs);
    if (reason === 'abort') return abortedError('enqueue', call.signal, { accepted: call.accepted, rejected: rest });
    return closedError('enqueue', { accepted: call.accepted, rejected: rest });
  };
  #serving = false;
  #closed = false;

  constructor(scheduler: Scheduler, host: BlockedHost<T>) {
    this.#scheduler = scheduler;
    this.#host = host;
  }

  /** Calls still waiting. */
  get live(): number {
    let live = 0;
    for (const queue of this.#queues) live += queue.live;
    return live;
  }

  /**
   * Parks a call whose records from `call.next` on did not fit; settles when they are all queued,
   * or with the error of `giveUp`. The records not queued yet are copied here.
   */
  park(call: BlockedCall<T>): Promise<EnqueueResult> {
    const options = { signal: call.signal, timeoutMs: call.timeoutMs, scheduler: this.#scheduler };
    const parked: ParkedCall<T> = { ...call, records: call.records.slice(call.next), next: 0, offset: call.next };
    return (this.#queues[call.priority] as WaiterQueue<Blocked<T>>).park<EnqueueResult, ParkedCall<T>>(parked, options, this.#giveUp);
  }

  /**
   * Moves records of waiting calls into free room, most urgent callers first, FIFO within a
   * priority. Re-entrant calls do nothing. Never throws: a call whose records cannot be queued
   * (a record that cannot be written) is settled with that error, and serving stops if room is
   * left that no record takes.
   */
  serve(): void {
    if (this.#serving || this.#closed) return;
    this.#serving = true;
    try {
      for (let p = 0; p < 4; p++) if (!this.#serveQueue(this.#queues[p] as WaiterQueue<Blocked<T>>)) return;
    } finally {
      this.#serving = false;
    }
  }

  /** Serves one priority's calls, oldest first, while there is room; false when serving must stop. */
  #serveQueue(queue: WaiterQueue<Blocked<T>>): boolean {
    const host = this.#host;
    for (let call = queue.head(); call !== undefined; call = queue.head()) {
      if (!host.hasRoom()) return false;
      const from = call.next;
      let next: number;
      try {
        next = host.fill(call.records, call.priority, from, call.offset);
      } catch (err) {
        call.finish(err as FirestreamError); // the host counted what it placed and refused
        continue;
      }
      call.accepted += next - from;
      call.next = next;
      if (next === call.records.length) call.finish(enqueueResult(call.accepted, 0, 0, 0, 0));
      else if (next === from) return false; // room that no record takes: stop rather than spin
    }
    return true;
  }

  /** Gives up every waiting call (reason `closed`); later calls to {@link BlockedEnqueues.serve} do nothing. */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues) queue.finishAll((call) => this.#giveUp(call, 'closed'));
  }
}
