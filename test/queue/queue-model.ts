/**
 * A reference model of QueueManager for model-based tests: plain sorted arrays per priority and
 * the documented rules, written for clarity rather than speed (Array.shift and splice are fine).
 */
import type { OverflowStrategy } from '../../src/config/schema/queue.js';

/** A record as the model sees it. */
export interface ModelRecord {
  readonly id: string;
  /** Monotonic enqueue time. */
  readonly stamp: number;
}

/** Settings the model follows (a subset of the queue section). */
export interface ModelSettings {
  capacity: number;
  strategy: Exclude<OverflowStrategy, 'block'> | 'block';
  hasSink: boolean;
  linger: readonly number[];
  weights: readonly number[];
  ageing: { enabled: boolean; lowToNormalMs: number; normalToHighMs: number };
}

/** What one enqueue call did, by record id. */
export interface ModelEnqueue {
  accepted: string[];
  dropped: string[];
  spilled: string[];
  rejected: string[];
  /** Queued records removed to make room, in order. */
  displaced: string[];
}

/** The reference model: lane `p` holds priority `p`'s records sorted by stamp (stable). */
export class QueueModel {
  readonly lanes: ModelRecord[][] = [[], [], [], []];
  readonly credits: number[];
  promotedLowToNormal = 0;
  promotedNormalToHigh = 0;

  constructor(readonly settings: ModelSettings) {
    this.credits = [...settings.weights];
  }

  get size(): number {
    return this.lanes.reduce((n, lane) => n + lane.length, 0);
  }

  enqueue(ids: readonly string[], priority: number, now: number): ModelEnqueue {
    const out: ModelEnqueue = { accepted: [], dropped: [], spilled: [], rejected: [], displaced: [] };
    let promoted = false;
    for (const id of ids) {
      if (this.size < this.settings.capacity) {
        this.#insert(priority, { id, stamp: now });
        out.accepted.push(id);
        continue;
      }
      if (!promoted) this.promote(now);
      promoted = true;
      const victimLane = this.#victimLane(priority, out.accepted.length);
      if (victimLane >= 0) {
        out.displaced.push((this.lanes[victimLane] as ModelRecord[]).shift()!.id);
        this.#insert(priority, { id, stamp: now });
        out.accepted.push(id);
      } else if (this.settings.strategy === 'reject' || this.settings.strategy === 'block') {
        out.rejected.push(id);
      } else if (priority === 0) {
        (this.settings.hasSink ? out.spilled : out.rejected).push(id);
      } else {
        (this.settings.strategy === 'spill' ? out.spilled : out.dropped).push(id);
      }
    }
    return out;
  }

  dequeue(maxSize: number, now: number): string[] {
    if (this.size === 0) return [];
    this.promote(now);
    const ready = this.lanes.map((lane, p) => lane.length > 0 && (lane.length >= maxSize || now - lane[0]!.stamp >= this.settings.linger[p]!));
    let chosen = ready.findIndex((r, p) => r && this.credits[p]! > 0);
    if (chosen === -1 && ready.some(Boolean)) {
      this.credits.splice(0, 4, ...this.settings.weights);
      chosen = ready.findIndex((r, p) => r && this.credits[p]! > 0);
    }
    if (chosen === -1) return [];
    this.credits[chosen]!--;
    return this.lanes[chosen]!.splice(0, maxSize).map((r) => r.id);
  }

  promote(now: number): void {
    const { ageing } = this.settings;
    if (!ageing.enabled) return;
    const low = this.lanes[3]!;
    const normal = this.lanes[2]!;
    while (low.length > 0 && low[0]!.stamp <= now - ageing.lowToNormalMs) {
      this.#insert(2, low.shift()!);
      this.promotedLowToNormal++;
    }
    while (normal.length > 0 && normal[0]!.stamp <= now - ageing.normalToHighMs) {
      this.#insert(1, normal.shift()!);
      this.promotedNormalToHigh++;
    }
  }

  /** Sets the capacity; queued records all stay, and enqueue treats a queue at or over it as full. */
  resize(capacity: number): void {
    this.settings.capacity = capacity;
  }

  drain(now: number): string[] {
    this.promote(now);
    return this.lanes.flatMap((lane) => lane.splice(0).map((r) => r.id));
  }

  /**
   * The lane whose oldest record is displaced, or -1 when the incoming record is the victim. A call
   * never displaces its own records: the newest `own` records of lane `priority`.
   */
  #victimLane(priority: number, own: number): number {
    const { strategy } = this.settings;
    if (strategy === 'drop_lowest' || strategy === 'spill') {
      for (let q = 3; q > priority; q--) if (this.lanes[q]!.length > 0) return q;
      return -1;
    }
    if (strategy !== 'drop_oldest') return -1;
    let best = -1;
    for (let q = 3; q > 0; q--) {
      if (q === priority && this.lanes[q]!.length <= own) continue;
      const head = this.lanes[q]![0];
      if (head !== undefined && (best === -1 || head.stamp < this.lanes[best]![0]!.stamp)) best = q;
    }
    return best;
  }

  /** Inserts after every record with a stamp at or before this one (stable by arrival). */
  #insert(priority: number, record: ModelRecord): void {
    const lane = this.lanes[priority]!;
    let at = lane.length;
    while (at > 0 && lane[at - 1]!.stamp > record.stamp) at--;
    lane.splice(at, 0, record);
  }
}
