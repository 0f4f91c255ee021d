/** Statistics of the lag samples in the sliding window. */
export interface LagWindowStats {
  /** Samples in the window. */
  readonly samples: number;
  /** Mean lag of the samples (0 when empty). */
  readonly averageLag: number;
  /** Largest lag in the window (0 when empty). */
  readonly maxLag: number;
  /** Smallest lag in the window (0 when empty). */
  readonly minLag: number;
  /** The newest sample's lag (0 when empty). */
  readonly latestLag: number;
  /**
   * Trend: least-squares slope of lag over time, in records per second (positive while lag grows,
   * negative while consumers catch up; 0 with fewer than two samples or no time between them).
   */
  readonly trendPerSecond: number;
  /** Time between the oldest and newest sample, in ms. */
  readonly spanMs: number;
}

/**
 * A sliding window of lag samples: at most `maxSamples` (the oldest is overwritten when full),
 * and samples older than `windowMs` are evicted when a sample is added or stats are read.
 * A ring buffer over two typed arrays: no allocation per sample.
 *
 * @internal
 */
export class LagWindow {
  readonly #windowMs: number;
  readonly #times: Float64Array;
  readonly #lags: Float64Array;
  #head = 0;
  #size = 0;

  constructor(windowMs: number, maxSamples: number) {
    this.#windowMs = windowMs;
    this.#times = new Float64Array(maxSamples);
    this.#lags = new Float64Array(maxSamples);
  }

  /** Number of samples held (after the last eviction). */
  get size(): number {
    return this.#size;
  }

  /** Adds a sample taken at monotonic time `at`. */
  add(at: number, lag: number): void {
    this.#evict(at);
    const capacity = this.#times.length;
    const slot = (this.#head + this.#size) % capacity;
    this.#times[slot] = at;
    this.#lags[slot] = lag;
    if (this.#size < capacity) this.#size += 1;
    else this.#head = (this.#head + 1) % capacity;
  }

  /** Mean lag of the samples in the window at time `at` (0 when empty). */
  average(at: number): number {
    this.#evict(at);
    let sum = 0;
    this.#forEach((_t, lag) => (sum += lag));
    return this.#size === 0 ? 0 : sum / this.#size;
  }

  /** Statistics of the window at time `at`. */
  stats(at: number): LagWindowStats {
    this.#evict(at);
    const n = this.#size;
    if (n === 0) return { samples: 0, averageLag: 0, maxLag: 0, minLag: 0, latestLag: 0, trendPerSecond: 0, spanMs: 0 };
    const t0 = this.#times[this.#head] as number;
    let sumT = 0;
    let sumL = 0;
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    this.#forEach((t, lag) => {
      sumT += t - t0;
      sumL += lag;
      if (lag > max) max = lag;
      if (lag < min) min = lag;
    });
    const meanT = sumT / n;
    const meanL = sumL / n;
    let cov = 0;
    let varT = 0;
    this.#forEach((t, lag) => {
      const dt = t - t0 - meanT;
      cov += dt * (lag - meanL);
      varT += dt * dt;
    });
    const last = (this.#head + n - 1) % this.#times.length;
    return {
      samples: n,
      averageLag: meanL,
      maxLag: max,
      minLag: min,
      latestLag: this.#lags[last] as number,
      trendPerSecond: varT === 0 ? 0 : (cov / varT) * 1_000,
      spanMs: (this.#times[last] as number) - t0,
    };
  }

  /** Drops every sample. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  #forEach(visit: (at: number, lag: number) => void): void {
    const capacity = this.#times.length;
    for (let i = 0; i < this.#size; i += 1) {
      const slot = (this.#head + i) % capacity;
      visit(this.#times[slot] as number, this.#lags[slot] as number);
    }
  }

  #evict(at: number): void {
    const oldest = at - this.#windowMs;
    while (this.#size > 0 && (this.#times[this.#head] as number) <= oldest) {
      this.#head = (this.#head + 1) % this.#times.length;
      this.#size -= 1;
    }
  }
}
