import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { TypedEmitter } from '../core/events.js';
import { ErrorCodes, FirestreamError, isFirestreamError } from '../errors.js';
import type { ParsedImageChunk } from './chunk-header.js';
import { parseImageChunk, verifyChunkData } from './chunk-header.js';
import { imageFormatOfCode } from './image-format.js';
import type { ImageReassemblerOptions, ResolvedReassemblerOptions } from './chunk-options.js';
import { resolveReassemblerOptions } from './chunk-options.js';
import { DroppedIds, ReassemblyState, RecentIds } from './reassembly-state.js';
import type { DroppedImage } from './reassembly-state.js';
import { inconsistentChunkError, lateChunkError, memoryFullError } from './reassembly-errors.js';
import type {
  ChunkAddResult,
  ChunkDuplicate,
  ChunkRejectReason,
  ImageComplete,
  ImageIncompleteEvent,
  ImageReassemblerEvents,
  ImageReassemblerMetrics,
  IncompleteReason,
} from './reassembly-types.js';

/**
 * Puts chunked images together again on the consumer side: one {@link ImageReassembler.addChunk}
 * call per Kafka message.
 *
 * Chunks may arrive in any order and more than once. Each chunk is parsed strictly and checked
 * against its SHA-256 before it is stored; a bad chunk throws a typed error and leaves the image's
 * state as it was, so a good redelivery can still complete it. The first chunk of an image
 * allocates the whole image (after checking it against `maxImageBytes`), and each chunk is copied
 * to its place; the complete image is checked against its SHA-256 before it is returned.
 *
 * Memory: image buffers in progress hold at most `maxReassemblyBytes`. A new image that would not
 * fit evicts images that have had no new chunk for `evictAfterIdleMs`, least recently active first
 * (event `incomplete`, reason `memory_cap`); when that cannot make room, its chunk is refused with
 * `FIRESTREAM_IMAGE_TOO_LARGE` (retryable for chunk 0) and nothing is evicted, so images making
 * progress finish. Time: an image still incomplete `reassemblyTimeoutMs` after its first chunk is
 * dropped (event `incomplete`, reason `timeout`), checked at every `addChunk()`, at `sweep()`, and
 * by an optional unref'd timer (`sweepIntervalMs`). For `reassemblyTimeoutMs` after an image is
 * dropped or refused, its chunks other than chunk 0 are refused as late, allocating nothing. The
 * same image chunked another way under the same id supersedes the attempt in progress.
 */
export class ImageReassembler extends TypedEmitter<ImageReassemblerEvents> {
  readonly #options: ResolvedReassemblerOptions;
  readonly #clock: Clock;
  // Insertion order is first-chunk order, and so deadline order: the oldest image is first.
  readonly #images = new Map<string, ReassemblyState>();
  // The same images, least recently active (last new chunk) first.
  readonly #byActivity = new Map<string, ReassemblyState>();
  readonly #completed: RecentIds;
  readonly #dropped: DroppedIds;
  #timer: ReturnType<typeof setInterval> | undefined;
  #bytesInProgress = 0;
  readonly #counts = {
    imagesStarted: 0,
    imagesCompleted: 0,
    imagesExpired: 0,
    imagesEvicted: 0,
    imagesSuperseded: 0,
    imagesCorrupt: 0,
    imagesClosed: 0,
    chunksAccepted: 0,
    duplicateChunks: 0,
    corruptChunks: 0,
    oversizeChunks: 0,
    memoryCapRefusals: 0,
    lateChunks: 0,
  };

  /** @throws {@link InvalidOptionError} naming the first invalid option. */
  constructor(options: ImageReassemblerOptions = {}) {
    super();
    this.#options = resolveReassemblerOptions(options);
    this.#clock = this.#options.clock;
    this.#completed = new RecentIds(this.#options.rememberCompleted);
    this.#dropped = new DroppedIds(this.#options.rememberDropped, this.#options.reassemblyTimeoutMs);
    if (this.#options.sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.sweep(), this.#options.sweepIntervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Adds one chunk message (the whole Kafka message value).
   *
   * @returns `pending`, `duplicate`, or `complete` with the image.
   * @throws {@link FirestreamError} `FIRESTREAM_IMAGE_CORRUPT` for a malformed chunk, one whose data
   *   fails its SHA-256, one that disagrees with earlier chunks of the same image, or a complete
   *   image that fails its SHA-256 (that image is then dropped); `FIRESTREAM_IMAGE_TOO_LARGE` for a
   *   chunk of an image over `maxImageBytes`, or (`context.reason` `memory_cap`, retryable for
   *   chunk 0) for the first chunk of an image that does not fit in memory now;
   *   `FIRESTREAM_IMAGE_INCOMPLETE` (`context.reason` `late`) for a chunk of an image dropped or
   *   refused in the last `reassemblyTimeoutMs`, other than chunk 0.
   */
  addChunk(message: Uint8Array): ChunkAddResult {
    const now = this.#clock.monotonic();
    this.#expire(now);
    const chunk = this.#parse(message);
    const found = this.#find(chunk, now);
    if (found.status === 'duplicate') return found;
    try {
      verifyChunkData(chunk);
    } catch (err) {
      throw this.#reject(chunk, 'chunk_checksum', err as FirestreamError);
    }
    // Evictions and supersessions are reported once the chunk is stored (and the image possibly
    // finished), so that a listener adding chunks meets a consistent state.
    let reports: (() => void)[] | undefined;
    try {
      let state = found.state;
      if (state === undefined) [state, reports] = this.#start(chunk, now, found.superseded);
      state.store(chunk, now);
      this.#byActivity.delete(state.imageId);
      this.#byActivity.set(state.imageId, state);
      this.#counts.chunksAccepted += 1;
      if (!state.complete) return { status: 'pending', imageId: state.imageId, sequence: chunk.sequence, received: state.received, total: state.total };
      return this.#finish(state, now);
    } finally {
      if (reports !== undefined) for (const report of reports) report();
    }
  }

  /** Drops the images whose time is up (event `incomplete`, reason `timeout`); returns how many. */
  sweep(): number {
    return this.#expire(this.#clock.monotonic());
  }

  /**
   * Stops the sweep timer and drops every image in progress (event `incomplete`, reason `closed`).
   * The reassembler stays usable without the timer.
   */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const now = this.#clock.monotonic();
    for (const state of this.#images.values()) this.emit('incomplete', this.#drop(state, 'closed', now));
  }

  /** Counters and gauges; plain data. */
  getMetrics(): ImageReassemblerMetrics {
    return {
      ...this.#counts,
      imagesInProgress: this.#images.size,
      bytesInProgress: this.#bytesInProgress,
      maxReassemblyBytes: this.#options.maxReassemblyBytes,
      completedIdsRemembered: this.#completed.size,
      droppedIdsRemembered: this.#dropped.size,
    };
  }

  #parse(message: Uint8Array): ParsedImageChunk {
    try {
      return parseImageChunk(message, { maxImageBytes: this.#options.maxImageBytes });
    } catch (err) {
      if (!isFirestreamError(err)) throw err;
      const imageId = typeof err.context['imageId'] === 'string' ? err.context['imageId'] : undefined;
      throw this.#reject({ imageId, sequence: undefined }, err.code === ErrorCodes.IMAGE_TOO_LARGE ? 'too_large' : 'malformed', err);
    }
  }

  #reject(chunk: { imageId: string | undefined; sequence: number | undefined }, reason: ChunkRejectReason, error: FirestreamError): FirestreamError {
    if (reason === 'too_large') this.#counts.oversizeChunks += 1;
    else if (reason === 'memory_cap') this.#counts.memoryCapRefusals += 1;
    else if (reason === 'late') this.#counts.lateChunks += 1;
    else this.#counts.corruptChunks += 1;
    this.emit('chunkRejected', { imageId: chunk.imageId, sequence: chunk.sequence, reason, error });
    return error;
  }

  /**
   * Where a new chunk goes: a duplicate, an image in progress, a new image, or a newer chunking of
   * an image in progress (which it supersedes). Throws for an inconsistent or late chunk.
   */
  #find(chunk: ParsedImageChunk, now: number): ChunkDuplicate | { status: 'new'; state?: ReassemblyState; superseded?: ReassemblyState } {
    if (this.#completed.has(chunk.imageId)) return this.#duplicate(chunk, chunk.total, true);
    const existing = this.#images.get(chunk.imageId);
    if (existing === undefined) {
      this.#refuseIfLate(chunk, now);
      return { status: 'new' };
    }
    const field = existing.mismatch(chunk);
    if (field === undefined) return existing.has(chunk.sequence) ? this.#duplicate(chunk, existing.received, false) : { status: 'new', state: existing };
    if (!existing.sameImage(chunk)) throw this.#reject(chunk, 'inconsistent', inconsistentChunkError(chunk, field));
    // The same image chunked another way: a newer attempt, unless it is the attempt already superseded.
    this.#refuseIfLate(chunk, now);
    return { status: 'new', superseded: existing };
  }

  #duplicate(chunk: ParsedImageChunk, received: number, afterCompletion: boolean): ChunkDuplicate {
    this.#counts.duplicateChunks += 1;
    return { status: 'duplicate', imageId: chunk.imageId, sequence: chunk.sequence, received, total: chunk.total, afterCompletion };
  }

  /**
   * Starts an image, replacing `superseded` (an earlier chunking of it) when given; returns the
   * state and the events to report once the chunk is stored.
   */
  #start(chunk: ParsedImageChunk, now: number, superseded: ReassemblyState | undefined): [ReassemblyState, (() => void)[]] {
    const reports: (() => void)[] = [];
    if (superseded !== undefined) {
      this.#release(superseded);
      this.#counts.imagesSuperseded += 1;
      const { imageId, received, total, chunkSize } = superseded;
      const event = { imageId, received, total, chunkSize, newTotal: chunk.total, newChunkSize: chunk.chunkSize, ageMs: now - superseded.startedAt };
      reports.push(() => this.emit('superseded', event));
    }
    // The parser has checked imageSize <= maxImageBytes <= maxReassemblyBytes, so the image can fit.
    for (const event of this.#makeRoom(chunk, chunk.imageSize, now)) reports.push(() => this.emit('incomplete', event));
    const state = new ReassemblyState(chunk, now, this.#options.reassemblyTimeoutMs);
    this.#images.set(state.imageId, state);
    this.#bytesInProgress += state.imageSize;
    this.#counts.imagesStarted += 1;
    if (superseded === undefined) this.#dropped.delete(state.imageId);
    else this.#dropped.add(state.imageId, { reason: 'superseded', chunkSize: superseded.chunkSize, droppedAt: now });
    return [state, reports];
  }

  /**
   * Throws for a chunk of an image dropped in the last `reassemblyTimeoutMs`: of any attempt but
   * chunk 0 after a timeout or eviction (chunk 0 begins a replay or a republish), or of the
   * superseded chunking after a newer one.
   */
  #refuseIfLate(chunk: ParsedImageChunk, now: number): void {
    const drop: DroppedImage | undefined = this.#dropped.get(chunk.imageId, now);
    if (drop === undefined) return;
    const late = drop.reason === 'superseded' ? drop.chunkSize === chunk.chunkSize : chunk.sequence !== 0;
    if (late) throw this.#reject(chunk, 'late', lateChunkError(chunk, drop, now));
  }

  /**
   * Evicts images idle for `evictAfterIdleMs`, least recently active first, until `need` more
   * bytes fit. When they cannot, evicts nothing, remembers the image as refused (so that its later
   * chunks do not start it without chunk 0) and throws the `memory_cap` refusal.
   */
  #makeRoom(chunk: ParsedImageChunk, need: number, now: number): ImageIncompleteEvent[] {
    const shortfall = this.#bytesInProgress + need - this.#options.maxReassemblyBytes;
    if (shortfall <= 0) return [];
    const victims: ReassemblyState[] = [];
    let freed = 0;
    for (const state of this.#byActivity.values()) {
      if (freed >= shortfall || now - state.lastChunkAt < this.#options.evictAfterIdleMs) break;
      victims.push(state);
      freed += state.imageSize;
    }
    if (freed < shortfall) {
      this.#dropped.add(chunk.imageId, { reason: 'refused', droppedAt: now });
      throw this.#reject(chunk, 'memory_cap', memoryFullError(chunk, this.#bytesInProgress, this.#images.size, this.#options));
    }
    return victims.map((state) => this.#drop(state, 'memory_cap', now));
  }

  #finish(state: ReassemblyState, now: number): ImageComplete {
    this.#release(state);
    const durationMs = now - state.startedAt;
    const digest = createHash('sha256').update(state.buffer).digest();
    if (!digest.equals(state.imageSha256)) {
      this.#counts.imagesCorrupt += 1;
      const error = new FirestreamError(
        ErrorCodes.IMAGE_CORRUPT,
        `Image ${state.imageId}: all ${state.total} chunks arrived but the image's SHA-256 is ${digest.toString('hex')}, not ${state.imageSha256.toString('hex')}; the image was dropped.`,
        { context: { imageId: state.imageId, total: state.total, imageSize: state.imageSize } },
      );
      this.emit('imageCorrupt', { imageId: state.imageId, imageSize: state.imageSize, total: state.total, error });
      throw error;
    }
    this.#completed.add(state.imageId);
    this.#counts.imagesCompleted += 1;
    this.emit('complete', { imageId: state.imageId, imageSize: state.imageSize, total: state.total, durationMs });
    return {
      status: 'complete',
      imageId: state.imageId,
      image: state.buffer,
      sha256: digest.toString('hex'),
      total: state.total,
      format: imageFormatOfCode(state.formatCode) ?? 'unknown',
      formatCode: state.formatCode,
      serialized: state.serialized,
      durationMs,
    };
  }

  #expire(now: number): number {
    let expired = 0;
    for (const state of this.#images.values()) {
      if (state.deadline > now) break;
      this.emit('incomplete', this.#drop(state, 'timeout', now));
      expired += 1;
    }
    return expired;
  }

  /** Removes an incomplete image, counts it, remembers a timeout or eviction; returns the event to report. */
  #drop(state: ReassemblyState, reason: IncompleteReason, now: number): ImageIncompleteEvent {
    this.#release(state);
    if (reason === 'closed') this.#counts.imagesClosed += 1;
    else {
      if (reason === 'timeout') this.#counts.imagesExpired += 1;
      else this.#counts.imagesEvicted += 1;
      this.#dropped.add(state.imageId, { reason, droppedAt: now });
    }
    const { imageId, received, total, imageSize } = state;
    const ageMs = now - state.startedAt;
    const error = new FirestreamError(ErrorCodes.IMAGE_INCOMPLETE, `Image ${imageId} did not complete: ${received} of ${total} chunks arrived in ${ageMs} ms (${reason}).`, {
      context: { imageId, received, total, imageSize, ageMs, reason },
    });
    return { imageId, received, total, imageSize, ageMs, reason, error };
  }

  #release(state: ReassemblyState): void {
    this.#images.delete(state.imageId);
    this.#byActivity.delete(state.imageId);
    this.#bytesInProgress -= state.imageSize;
  }
}
