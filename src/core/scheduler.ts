/**
 * Timer source, injected next to the `Clock` so tests drive timers with a fake clock.
 *
 * @module
 */
/** Sets one-shot timers; injected so tests can fire them from a fake clock. */
export interface Scheduler {
  /**
   * Calls `callback` once, `ms` milliseconds from now (monotonic time). Returns a function that
   * cancels the timer; calling it after the timer fired does nothing. The timer must not keep the
   * process alive on its own.
   */
  setTimer(callback: () => void, ms: number): () => void;
}

/** The real scheduler: `setTimeout`, `unref`'d so it never holds the process open. */
export const systemScheduler: Scheduler = Object.freeze({
  setTimer(callback: () => void, ms: number): () => void {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
});
