/**
 * Which offsets of the imagery topic a consumer may commit: up to the first message of the oldest
 * image not yet handed over, so that a restart reads every such image again.
 *
 * @module
 */

/** An offset to commit: the next message to read on a partition. */
export interface CommitPoint {
  /** Topic. */
  readonly topic: string;
  /** Partition. */
  readonly partition: number;
  /** Offset of the next message to read, as Kafka clients spell offsets. */
  readonly offset: string;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** First offset of each open image, by image key. */
  readonly open: Map<string, bigint>;
  /** First offset of each image handed over and not yet released, by ticket. */
  readonly held: Map<number, bigint>;
  /** A message to read again (a retryable failure): the commit does not pass it until it is handled. */
  retryFrom: bigint | undefined;
  /** One past the last message handled; -1 before any. */
  next: bigint;
  /** Last offset confirmed as committed; -1 before any. */
  committed: bigint;
}

const partitionId = (topic: string, partition: number): string => `${partition}:${topic}`;

/**
 * Tracks, per partition, the images whose messages were read but that were not yet handed over
 * and released, and says how far each partition may be committed: to the first message of its
 * oldest open or held image (or a message to read again), or past the last message handled when
 * there is none. An image handed
 * over is held under a ticket of its own, so that later messages with the same key (a
 * redelivery, a corrupt copy) cannot release it. Pure bookkeeping, no I/O.
 */
export class ImageOffsetTracker {
  readonly #partitions = new Map<string, PartitionState>();
  readonly #keys = new Map<string, PartitionState>();
  readonly #tickets = new Map<number, PartitionState>();
  #nextTicket = 0;

  /** Images read and not yet closed or released. */
  get openImages(): number {
    return this.#keys.size + this.#tickets.size;
  }

  /** Records that the image `imageKey` has a message at `offset`; the first such offset is kept. */
  open(imageKey: string, topic: string, partition: number, offset: string): void {
    if (this.#keys.has(imageKey)) return;
    const state = this.#state(topic, partition);
    state.open.set(imageKey, BigInt(offset));
    this.#keys.set(imageKey, state);
  }

  /** Records that the message at `offset` was read and decoded (whatever its outcome). */
  handled(topic: string, partition: number, offset: string): void {
    const state = this.#state(topic, partition);
    if (state.retryFrom === BigInt(offset)) state.retryFrom = undefined;
    const next = BigInt(offset) + 1n;
    if (next > state.next) state.next = next;
  }

  /** Records that the message at `offset` failed in a way worth retrying: the commit stays at or before it until it is handled. */
  retry(topic: string, partition: number, offset: string): void {
    const state = this.#state(topic, partition);
    const at = BigInt(offset);
    if (state.retryFrom === undefined || at < state.retryFrom) state.retryFrom = at;
  }

  /** First offset of the open image `imageKey` and its partition, if it is open. */
  firstOffset(imageKey: string): CommitPoint | undefined {
    const state = this.#keys.get(imageKey);
    const first = state?.open.get(imageKey);
    return state === undefined || first === undefined ? undefined : { topic: state.topic, partition: state.partition, offset: first.toString() };
  }

  /**
   * Records that the image `imageKey`, whose last message is at `offset`, was handed over: it is
   * held, from its first message (or that of the open `alsoKeys` of the same partition, such as its
   * metadata message), until {@link ImageOffsetTracker.release} of the returned ticket.
   */
  hold(imageKey: string, topic: string, partition: number, offset: string, alsoKeys: readonly string[] = []): number {
    const state = this.#keys.get(imageKey) ?? this.#state(topic, partition);
    let first = state.open.get(imageKey) ?? BigInt(offset);
    this.close(imageKey);
    for (const key of alsoKeys) {
      const other = state.open.get(key);
      if (other === undefined) continue;
      if (other < first) first = other;
      this.close(key);
    }
    const ticket = this.#nextTicket++;
    state.held.set(ticket, first);
    this.#tickets.set(ticket, state);
    return ticket;
  }

  /** Records that the image of `ticket` is finished. */
  release(ticket: number): void {
    this.#tickets.get(ticket)?.held.delete(ticket);
    this.#tickets.delete(ticket);
  }

  /** Records that the image `imageKey` needs its messages no more: given up, or (through `hold`) handed over. */
  close(imageKey: string): void {
    const state = this.#keys.get(imageKey);
    if (state === undefined) return;
    this.#keys.delete(imageKey);
    state.open.delete(imageKey);
  }

  /** The commit points that moved past the last {@link ImageOffsetTracker.confirm}ed ones. */
  due(): CommitPoint[] {
    const points: CommitPoint[] = [];
    for (const state of this.#partitions.values()) {
      let point: bigint | undefined = state.retryFrom;
      for (const offset of [...state.open.values(), ...state.held.values()]) if (point === undefined || offset < point) point = offset;
      point ??= state.next;
      if (point < 0n || point <= state.committed) continue;
      points.push({ topic: state.topic, partition: state.partition, offset: point.toString() });
    }
    return points;
  }

  /** Records that `points` were committed, so that {@link ImageOffsetTracker.due} offers them no more. */
  confirm(points: readonly CommitPoint[]): void {
    for (const point of points) {
      const state = this.#partitions.get(partitionId(point.topic, point.partition));
      const offset = BigInt(point.offset);
      if (state !== undefined && offset > state.committed) state.committed = offset;
    }
  }

  /** Forgets the partitions not in `assigned` (after a rebalance took them away), with their open images. */
  retain(assigned: ReadonlyMap<string, readonly number[]>): void {
    for (const [id, state] of this.#partitions) {
      if (assigned.get(state.topic)?.includes(state.partition) === true) continue;
      for (const key of state.open.keys()) this.#keys.delete(key);
      for (const ticket of state.held.keys()) this.#tickets.delete(ticket);
      this.#partitions.delete(id);
    }
  }

  #state(topic: string, partition: number): PartitionState {
    const id = partitionId(topic, partition);
    let state = this.#partitions.get(id);
    if (state === undefined) {
      state = { topic, partition, open: new Map(), held: new Map(), retryFrom: undefined, next: -1n, committed: -1n };
      this.#partitions.set(id, state);
    }
    return state;
  }
}
