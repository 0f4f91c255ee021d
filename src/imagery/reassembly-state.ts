/**
 * The state of one image being reassembled, and the bounded memories of completed and dropped
 * image ids.
 *
 * @module
 */
import type { ParsedImageChunk } from './chunk-header.js';

/** The header fields every chunk of one image must agree on. */
const SHARED_FIELDS = ['total', 'chunkSize', 'imageSize', 'formatCode', 'serialized'] as const;

/** The fields that say which image a chunk carries, whatever its chunking. */
const IMAGE_FIELDS = ['imageSize', 'formatCode', 'serialized'] as const;

/**
 * One image in progress: its whole buffer, allocated at the first chunk, and one bit per chunk.
 * Each chunk is copied to its place (`sequence × chunkSize`) as it arrives, so completion needs no
 * second copy. Memory held: `imageSize` bytes of buffer, counted against the cap, and a bitmap of
 * `ceil(total / 8)` bytes, which is not.
 */
export class ReassemblyState {
  /** Id of the image. */
  readonly imageId: string;
  /** Number of chunks. */
  readonly total: number;
  /** Data bytes of every chunk but the last. */
  readonly chunkSize: number;
  /** Size of the image. */
  readonly imageSize: number;
  /** Image format code from the headers. */
  readonly formatCode: number;
  /** Serialized flag from the headers. */
  readonly serialized: boolean;
  /** SHA-256 of the whole image (an owned 32-byte copy, not a view into a message). */
  readonly imageSha256: Buffer;
  /** Monotonic time of the first chunk. */
  readonly startedAt: number;
  /** Monotonic time at which the image expires if still incomplete. */
  readonly deadline: number;
  /** The image being filled; only whole once every chunk has been stored. */
  readonly buffer: Buffer;
  readonly #received: Uint8Array;
  #receivedCount = 0;
  #lastChunkAt: number;

  constructor(first: ParsedImageChunk, startedAt: number, timeoutMs: number) {
    this.imageId = first.imageId;
    this.total = first.total;
    this.chunkSize = first.chunkSize;
    this.imageSize = first.imageSize;
    this.formatCode = first.formatCode;
    this.serialized = first.serialized;
    this.imageSha256 = Buffer.from(first.imageSha256);
    this.startedAt = startedAt;
    this.deadline = startedAt + timeoutMs;
    this.#lastChunkAt = startedAt;
    // Every byte is written by exactly one chunk before the buffer is handed out.
    this.buffer = Buffer.allocUnsafe(first.imageSize);
    this.#received = new Uint8Array(Math.ceil(first.total / 8));
  }

  /** Monotonic time of the last new chunk stored. */
  get lastChunkAt(): number {
    return this.#lastChunkAt;
  }

  /** Chunks stored so far. */
  get received(): number {
    return this.#receivedCount;
  }

  /** Whether every chunk has been stored. */
  get complete(): boolean {
    return this.#receivedCount === this.total;
  }

  /** The first shared header field on which `chunk` disagrees with this image (or the image SHA-256), if any. */
  mismatch(chunk: ParsedImageChunk): string | undefined {
    for (const field of SHARED_FIELDS) if (chunk[field] !== this[field]) return field;
    return this.imageSha256.equals(chunk.imageSha256) ? undefined : 'imageSha256';
  }

  /** Whether `chunk` carries this same image (size, format, flags and SHA-256), however it is chunked. */
  sameImage(chunk: ParsedImageChunk): boolean {
    return IMAGE_FIELDS.every((field) => chunk[field] === this[field]) && this.imageSha256.equals(chunk.imageSha256);
  }

  /** Whether chunk `sequence` has been stored. */
  has(sequence: number): boolean {
    return ((this.#received[sequence >>> 3] ?? 0) & (1 << (sequence & 7))) !== 0;
  }

  /** Copies a verified chunk into place at monotonic time `now`; the caller has checked {@link ReassemblyState.mismatch} and {@link ReassemblyState.has}. */
  store(chunk: ParsedImageChunk, now: number): void {
    this.#lastChunkAt = now;
    chunk.data.copy(this.buffer, chunk.sequence * this.chunkSize);
    const index = chunk.sequence >>> 3;
    this.#received[index] = (this.#received[index] ?? 0) | (1 << (chunk.sequence & 7));
    this.#receivedCount += 1;
  }
}

/** A bounded set of ids in least-recently-used order; the oldest id leaves when it is full. */
export class RecentIds {
  readonly #capacity: number;
  readonly #ids = new Set<string>();

  /** @param capacity - Most ids kept (0 keeps none). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Number of ids kept. */
  get size(): number {
    return this.#ids.size;
  }

  /** Whether `id` is kept; a hit makes it the most recent. */
  has(id: string): boolean {
    if (!this.#ids.delete(id)) return false;
    this.#ids.add(id);
    return true;
  }

  /** Adds `id` as the most recent, dropping the oldest when full. */
  add(id: string): void {
    if (this.#capacity === 0) return;
    this.#ids.delete(id);
    if (this.#ids.size >= this.#capacity) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    this.#ids.add(id);
  }
}

/** Why a remembered image was dropped, and for a superseded attempt, the chunk size of that attempt. */
export interface DroppedImage {
  /** `timeout`, `memory_cap` (evicted), `refused` (its first chunk did not fit) or `superseded`. */
  readonly reason: 'timeout' | 'memory_cap' | 'refused' | 'superseded';
  /** Chunk size of the superseded attempt (only for `superseded`). */
  readonly chunkSize?: number;
  /** Monotonic time of the drop. */
  readonly droppedAt: number;
}

/**
 * Ids of images dropped in the last `ttlMs`, at most `capacity` of them (the oldest drop leaves
 * first). Insertion order is drop order, and every entry lives equally long, so expired entries are
 * always at the front.
 */
export class DroppedIds {
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #ids = new Map<string, DroppedImage>();

  /**
   * @param capacity - Most ids kept (0 keeps none).
   * @param ttlMs - How long an id is kept after its drop, in ms.
   */
  constructor(capacity: number, ttlMs: number) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  /** Number of ids kept (expired ones included until the next {@link DroppedIds.get} or {@link DroppedIds.add}). */
  get size(): number {
    return this.#ids.size;
  }

  /** The drop of `id`, if it happened less than `ttlMs` before `now`. */
  get(id: string, now: number): DroppedImage | undefined {
    this.#prune(now);
    return this.#ids.get(id);
  }

  /** Remembers that `id` was dropped at `drop.droppedAt`, replacing an earlier drop of it. */
  add(id: string, drop: DroppedImage): void {
    if (this.#capacity === 0) return;
    this.#prune(drop.droppedAt);
    this.#ids.delete(id);
    if (this.#ids.size >= this.#capacity) {
      const oldest = this.#ids.keys().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    this.#ids.set(id, drop);
  }

  /** Forgets `id` (its image is in progress again). */
  delete(id: string): void {
    this.#ids.delete(id);
  }

  #prune(now: number): void {
    for (const [id, drop] of this.#ids) {
      if (drop.droppedAt + this.#ttlMs > now) return;
      this.#ids.delete(id);
    }
  }
}
