/**
 * A latency histogram with fixed log-linear buckets: O(1) to record (no logarithm: the bucket
 * comes from the bits of the float), fixed memory, percentiles within 3.2 % of the true value.
 *
 * @module
 */

/** Linear sub-buckets per doubling of the value (the top 5 bits of the mantissa). */
const SUB_BITS = 5;
const SUB_BUCKETS = 1 << SUB_BITS;

/** Values are bucketed in µs: up to 1 µs (zero and negatives too) is bucket 0. */
const UNITS_PER_MS = 1_000;

/** Doublings covered above 1 µs: up to 2^42 µs ≈ 50 days. Larger values land in the last (open-ended) bucket. */
const DOUBLINGS = 42;

const BUCKET_COUNT = DOUBLINGS * SUB_BUCKETS + 1;

/** Upper bound of each bucket in ms, shared by every histogram: bucket 1 + e·32 + k holds [2^e·(1 + k/32), 2^e·(1 + (k+1)/32)) µs. */
const UPPER_BOUNDS: Float64Array = (() => {
  const bounds = new Float64Array(BUCKET_COUNT);
  bounds[0] = 1 / UNITS_PER_MS;
  for (let i = 1; i < BUCKET_COUNT; i++) {
    const exponent = Math.floor((i - 1) / SUB_BUCKETS);
    const sub = (i - 1) % SUB_BUCKETS;
    bounds[i] = (2 ** exponent * (1 + (sub + 1) / SUB_BUCKETS)) / UNITS_PER_MS;
  }
  return bounds;
})();

/** Scratch space to read a double's bits; `HIGH_WORD` is the index of its sign/exponent word. */
const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);
const HIGH_WORD = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** Bucket of a value in µs above 1: exponent (floor of log2) and the top mantissa bits, read from the float. */
function bucketOf(units: number): number {
  FLOAT[0] = units;
  const high = WORDS[HIGH_WORD] as number;
  const index = 1 + (((high >>> 20) - 1023) << SUB_BITS) + ((high >>> (20 - SUB_BITS)) & (SUB_BUCKETS - 1));
  return index < BUCKET_COUNT ? index : BUCKET_COUNT - 1;
}

/** Summary of a {@link LatencyHistogram}; every value is in milliseconds, and 0 when nothing was recorded. */
export interface LatencySnapshot {
  /** Values recorded. */
  readonly count: number;
  /** Smallest value recorded (exact). */
  readonly min: number;
  /** Largest value recorded (exact). */
  readonly max: number;
  /** Mean of the values recorded (exact). */
  readonly mean: number;
  /** Median. */
  readonly p50: number;
  /** 95th percentile. */
  readonly p95: number;
  /** 99th percentile. */
  readonly p99: number;
  /** 99.9th percentile. */
  readonly p999: number;
}

/**
 * Latency histogram over fixed log-linear buckets (32 per doubling, from 1 µs to about 50 days),
 * as HdrHistogram does.
 *
 * Recording is O(1) and allocation-free, memory is fixed (about 11 KiB), so one histogram per
 * priority or per topic costs little. A percentile is reported as the upper bound of the bucket
 * that holds it, clamped to the exact minimum and maximum: at most 3.125 % above the true value,
 * never below it. Values are milliseconds; a negative or NaN value counts as 0.
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  /** Records one value in ms. */
  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    const units = value * UNITS_PER_MS;
    (this.#counts[units > 1 ? bucketOf(units) : 0] as number)++;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Values recorded so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * The value below or at which `percent` % of the recorded values fall (0 when empty).
   *
   * @param percent - From 0 to 100, for example 99.9.
   */
  valueAtPercentile(percent: number): number {
    if (this.#count === 0) return 0;
    const p = Number.isNaN(percent) ? 100 : Math.min(100, Math.max(0, percent));
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i] as number;
      if (seen < rank) continue;
      // The last bucket is open-ended: its only honest upper bound is the maximum.
      return i === BUCKET_COUNT - 1 ? this.#max : Math.min(this.#max, Math.max(this.#min, UPPER_BOUNDS[i] as number));
    }
    return this.#max;
  }

  /** Count, exact min/max/mean and the p50, p95, p99 and p99.9 percentiles, as a frozen object. */
  snapshot(): LatencySnapshot {
    const empty = this.#count === 0;
    return Object.freeze({
      count: this.#count,
      min: empty ? 0 : this.#min,
      max: this.#max,
      mean: empty ? 0 : this.#sum / this.#count,
      p50: this.valueAtPercentile(50),
      p95: this.valueAtPercentile(95),
      p99: this.valueAtPercentile(99),
      p999: this.valueAtPercentile(99.9),
    });
  }

  /** Adds every value recorded by `other` to this histogram. */
  merge(other: LatencyHistogram): void {
    const theirs = other.#counts;
    for (let i = 0; i < BUCKET_COUNT; i++) (this.#counts[i] as number) += theirs[i] as number;
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  /** Forgets every value recorded. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = 0;
  }
}
