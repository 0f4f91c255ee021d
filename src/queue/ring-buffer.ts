/**
 * A growable FIFO ring buffer with a numeric stamp per item.
 *
 * @module
 */

const MIN_CAPACITY = 16;

function powerOfTwoAtLeast(n: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < n) capacity *= 2;
  return capacity;
}

/**
 * A FIFO queue over a power-of-two ring: `push` and `shift` are O(1) (no `Array.shift`), and the
 * ring doubles when full (amortised O(1)). Each item carries a numeric stamp, kept in a parallel
 * `Float64Array` so reading the head's stamp touches no object; {@link QueueManager} stores the
 * monotonic enqueue time there. The ring never shrinks: it keeps the size of its largest backlog.
 *
 * @typeParam T - Item type.
 * @internal
 */
export class RingBuffer<T> {
  #items: (T | undefined)[];
  #stamps: Float64Array;
  #mask: number;
  #head = 0;
  #size = 0;

  /** @param initialCapacity - Slots to allocate up front (rounded up to a power of two, at least 16). */
  constructor(initialCapacity = MIN_CAPACITY) {
    const capacity = powerOfTwoAtLeast(initialCapacity);
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
    this.#stamps = new Float64Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Items held. */
  get size(): number {
    return this.#size;
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** Appends an item with its stamp. */
  push(item: T, stamp = 0): void {
    if (this.#size > this.#mask) this.#grow();
    const slot = (this.#head + this.#size) & this.#mask;
    this.#items[slot] = item;
    this.#stamps[slot] = stamp;
    this.#size++;
  }

  /** The oldest item, or undefined when empty. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Stamp of the oldest item; `Infinity` when empty, so it never wins a "smallest stamp" race. */
  peekStamp(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : (this.#stamps[this.#head] as number);
  }

  /** Removes and returns the oldest item (undefined when empty); its slot is cleared for the GC. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const head = this.#head;
    const item = this.#items[head];
    this.#items[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** The item at `index` from the oldest (0), or undefined when out of range. */
  at(index: number): T | undefined {
    if (!(index >= 0 && index < this.#size)) return undefined;
    return this.#items[(this.#head + index) & this.#mask];
  }

  /** Removes every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const capacity = this.#mask + 1;
    const items = new Array<T | undefined>(capacity * 2).fill(undefined);
    const stamps = new Float64Array(capacity * 2);
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#head + i) & this.#mask;
      items[i] = this.#items[slot];
      stamps[i] = this.#stamps[slot] as number;
    }
    this.#items = items;
    this.#stamps = stamps;
    this.#mask = capacity * 2 - 1;
    this.#head = 0;
  }
}
