import type { Clock } from '../core/clock.js';
import type { Scheduler } from '../core/scheduler.js';

interface FakeTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A manual clock for tests: time moves only when {@link FakeClock.advance} is called.
 *
 * It is also a {@link Scheduler}: timers set with {@link FakeClock.setTimer} fire inside
 * `advance()`, in due order, with the clock set to each timer's due time while it runs.
 */
export class FakeClock implements Clock, Scheduler {
  #now: number;
  #monotonic = 0;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** @param start - Initial wall-clock time in epoch ms (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  /** Current fake wall-clock time. */
  now(): number {
    return this.#now;
  }

  /** Current fake monotonic time. */
  monotonic(): number {
    return this.#monotonic;
  }

  /**
   * Moves both clocks forward by `ms` milliseconds, firing every timer that falls due on the way
   * (including timers set by those timers), each at its own due time. A negative `ms` moves both
   * clocks back and fires nothing.
   */
  advance(ms: number): void {
    if (ms < 0) {
      this.#now += ms;
      this.#monotonic += ms;
      return;
    }
    const target = this.#monotonic + ms;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#moveTo(timer.due);
      this.#timers.splice(this.#timers.indexOf(timer), 1);
      timer.callback();
    }
    this.#moveTo(target);
  }

  /** Sets a timer that fires when `advance()` reaches `ms` from now; returns a function that cancels it. */
  setTimer(callback: () => void, ms: number): () => void {
    const timer: FakeTimer = { due: this.#monotonic + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index !== -1) this.#timers.splice(index, 1);
    };
  }

  /** Timers set and neither fired nor cancelled yet. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #nextDue(target: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.due <= target && (next === undefined || timer.due < next.due || (timer.due === next.due && timer.seq < next.seq))) next = timer;
    }
    return next;
  }

  #moveTo(monotonic: number): void {
    if (monotonic <= this.#monotonic) return;
    this.#now += monotonic - this.#monotonic;
    this.#monotonic = monotonic;
  }
}
