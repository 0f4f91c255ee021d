import type { Clock } from '../core/clock.js';

/** A manual clock for tests: time moves only when {@link FakeClock.advance} is called. */
export class FakeClock implements Clock {
  #now: number;
  #monotonic = 0;

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

  /** Moves both clocks forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#now += ms;
    this.#monotonic += ms;
  }
}
