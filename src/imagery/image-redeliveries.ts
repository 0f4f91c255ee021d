/**
 * Which partitions of the imagery topic are to be read again, and how long to wait first.
 *
 * @module
 */

/** A partition to read again from `offset`. */
export interface RedeliveryPoint {
  /** Topic. */
  readonly topic: string;
  /** Partition. */
  readonly partition: number;
  /** First offset to read again, as Kafka clients spell offsets. */
  readonly offset: string;
}

/**
 * Collects, per partition, the lowest offset to read again (an image given up for time or memory,
 * a message that failed in a retryable way), and spaces the redeliveries out: the wait starts at
 * `baseMs` and doubles with each redelivery in a row up to `maxMs`, until {@link ImageRedeliveries.reset}.
 * Pure bookkeeping, no I/O.
 */
export class ImageRedeliveries {
  readonly #points = new Map<string, { topic: string; partition: number; offset: bigint }>();
  #inRow = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Partitions waiting to be read again. */
  get size(): number {
    return this.#points.size;
  }

  /** Records that `partition` is to be read again from `offset` (the lowest offset asked for wins). */
  add(topic: string, partition: number, offset: string): void {
    const id = `${partition}:${topic}`;
    const at = BigInt(offset);
    const known = this.#points.get(id);
    if (known === undefined || at < known.offset) this.#points.set(id, { topic, partition, offset: at });
  }

  /** The wait before the next redelivery, in ms; each call counts one more redelivery in a row. */
  nextWaitMs(): number {
    const wait = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.#inRow, 30));
    this.#inRow += 1;
    return wait;
  }

  /** Starts the backoff over (an image was decoded). */
  reset(): void {
    this.#inRow = 0;
  }

  /** The points to seek to now, forgetting them. */
  take(): RedeliveryPoint[] {
    const points = [...this.#points.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset.toString() }));
    this.#points.clear();
    return points;
  }
}
