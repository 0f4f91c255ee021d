/**
 * Weighted round-robin over the four priorities, counted in batches.
 *
 * @module
 */
import type { PerPriority } from '../config/schema/common.js';

/**
 * Chooses which priority the next batch comes from.
 *
 * A round gives each priority up to its weight in batches (6 : 3 : 2 : 1 by default). Among the
 * priorities that have a ready batch, the most urgent one with credit left in this round wins and
 * spends one credit. When no ready priority has credit left, a new round starts (every credit
 * back to its weight). So under a flood of HIGH records a ready LOW batch still leaves once per
 * round, and a priority with nothing ready keeps its credit until the round ends.
 *
 * @internal
 */
export class WeightedRoundRobin {
  readonly #weights: Int32Array;
  readonly #credits: Int32Array;

  constructor(weights: Readonly<PerPriority<number>>) {
    this.#weights = Int32Array.of(weights.critical, weights.high, weights.normal, weights.low);
    this.#credits = Int32Array.from(this.#weights);
  }

  /**
   * Picks the priority of the next batch and spends its credit.
   *
   * @param readyMask - Bit `p` set when priority `p` has a ready batch.
   * @returns The priority, or -1 when nothing is ready.
   */
  pick(readyMask: number): number {
    if (readyMask === 0) return -1;
    for (let round = 0; round < 2; round++) {
      for (let p = 0; p < 4; p++) {
        if ((readyMask & (1 << p)) !== 0 && (this.#credits[p] as number) > 0) {
          (this.#credits[p] as number)--;
          return p;
        }
      }
      this.#credits.set(this.#weights);
    }
    return -1;
  }
}
