import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { FirestreamError } from '../../src/errors.js';
import { ImageChunkManager } from '../../src/imagery/image-chunk-manager.js';
import type { ImageChunkSet } from '../../src/imagery/image-chunk-manager.js';
import type { ImageReassembler } from '../../src/imagery/image-reassembler.js';
import type { ImageReassemblerEvents, ImageReassemblerMetrics } from '../../src/imagery/reassembly-types.js';
import { firestreamErrorOf } from './chunk-bytes.js';

/** The FirestreamError `fn` throws; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): FirestreamError {
  const err = firestreamErrorOf(fn);
  expect(err).toBeInstanceOf(FirestreamError);
  return err as FirestreamError;
}

let nextTimestamp = 1;

/** A random image of `size` bytes and its chunks, under a fresh image id. */
export function chunked(size: number, chunkSizeBytes = 100, sourceId = 'landsat_9'): { image: Buffer; set: ImageChunkSet } {
  const image = randomBytes(size);
  return { image, set: new ImageChunkManager({ chunkSizeBytes }).createChunks(image, { sourceId, timestamp: nextTimestamp++ }) };
}

/** Collects the payloads of one event of `reassembler`. */
export function record<K extends keyof ImageReassemblerEvents>(reassembler: ImageReassembler, event: K): ImageReassemblerEvents[K][0][] {
  const seen: ImageReassemblerEvents[K][0][] = [];
  reassembler.on(event, (...args) => seen.push(args[0]));
  return seen;
}

/** Every image that started is in exactly one place. */
export function expectAccounted(m: ImageReassemblerMetrics): void {
  expect(m.imagesStarted).toBe(m.imagesCompleted + m.imagesInProgress + m.imagesExpired + m.imagesEvicted + m.imagesSuperseded + m.imagesCorrupt + m.imagesClosed);
}

/** `addChunk` as a short outcome: the status, or the error code and `context.reason`. */
export function outcome(reassembler: ImageReassembler, bytes: Buffer): string {
  try {
    return reassembler.addChunk(bytes).status;
  } catch (err) {
    if (!(err instanceof FirestreamError)) throw err;
    return `${err.code}:${String(err.context['reason'] ?? '')}`;
  }
}
