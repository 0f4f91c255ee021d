import * as zlib from 'node:zlib';
import type * as ZstdNapi from 'zstd-napi';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { ErrorCodes, FirestreamError } from '../../errors.js';
import { codecUnavailable, corruptData, decompressionLimitExceeded } from './codec.js';

/** Which zstd implementation to use; `auto` prefers `node:zlib` (Node >= 22.15) over `zstd-napi`. */
export type ZstdBackendName = 'auto' | 'node-zlib' | 'zstd-napi';

/** A zstd implementation producing and reading standard zstd frames. */
export interface ZstdBackend {
  /** The implementation in use. */
  readonly name: Exclude<ZstdBackendName, 'auto'>;
  /** Compresses `data` into one zstd frame at `level`. */
  compress(data: Buffer, level: number): Promise<Buffer>;
  /** Decompresses zstd frames; rejects with `CODEC_FAILED` past `maxBytes` or on corrupt data. */
  decompress(data: Buffer, maxBytes: number): Promise<Buffer>;
}

/** Callback of the `node:zlib` zstd functions. */
export type ZlibCallback = (err: Error | null, result: Buffer) => void;

/** Options firestream passes to the `node:zlib` zstd functions. */
export interface ZlibZstdOptions {
  /** zstd parameters by numeric id (`constants.ZSTD_c_compressionLevel`, …). */
  params?: Record<number, number>;
  /** Largest output allowed; larger fails with `ERR_BUFFER_TOO_LARGE`. */
  maxOutputLength?: number;
}

/** The zstd functions of `node:zlib` on Node >= 22.15 (absent from older typings). */
export interface NodeZlibZstd {
  /** `zlib.zstdCompress`, when the runtime has it. */
  zstdCompress?: (data: Buffer, options: ZlibZstdOptions, callback: ZlibCallback) => void;
  /** `zlib.zstdDecompress`, when the runtime has it. */
  zstdDecompress?: (data: Buffer, options: ZlibZstdOptions, callback: ZlibCallback) => void;
  /** `zlib.constants`. */
  constants: Record<string, number | undefined>;
}

/** True when this runtime's `node:zlib` has zstd. */
export function nodeZlibHasZstd(z: NodeZlibZstd = zlib as unknown as NodeZlibZstd): boolean {
  return typeof z.zstdCompress === 'function' && typeof z.zstdDecompress === 'function' && typeof z.constants.ZSTD_c_compressionLevel === 'number';
}

/** Smallest output buffer added while decompressing frames that declare no size (zstd-napi). */
const MIN_OUTPUT_STEP = 128 * 1024;

/** zstd's range of `windowLogMax` on 64-bit builds (`ZSTD_dParam_getBounds`). */
const WINDOW_LOG_RANGE = { lowerBound: 10, upperBound: 31 } as const;

/**
 * Smallest `windowLogMax` firestream sets: 2^23 bytes (8 MiB), the largest window zstd levels 1–19
 * use when the size is unknown (streamed, as Kafka clients compress), so no such frame is refused.
 */
const MIN_WINDOW_LOG_MAX = 23;

/**
 * The `windowLogMax` firestream sets for a decompression bound: the log2 of the smallest power of
 * two that holds `maxBytes`, at least 23, within `range`. While it streams a frame, zstd keeps a
 * window buffer of the frame's window size (up to 128 MiB by default) on top of the output; with
 * this limit, that buffer is at most 8 MiB or twice `maxBytes`. A frame whose header asks for a
 * larger window fails with `CODEC_FAILED` (`reason: 'window'`) even when its content would fit:
 * under the default 64 MiB bound (2^26), zstd level 22 frames compressed without a known size
 * (window 2^27) are refused.
 */
export function zstdWindowLogMax(maxBytes: number, range: { lowerBound: number; upperBound: number } = WINDOW_LOG_RANGE): number {
  const log = Math.max(MIN_WINDOW_LOG_MAX, Math.ceil(Math.log2(Math.max(1, maxBytes))));
  return Math.min(range.upperBound, Math.max(range.lowerBound, log));
}

/** True for zstd's "frame requires too much memory" error (window past `windowLogMax`). */
function isWindowTooLarge(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && code.includes('windowTooLarge')) || (typeof message === 'string' && /too much memory/i.test(message));
}

/** Error for a frame whose window is larger than `windowLogMax` allows. */
function windowTooLarge(maxBytes: number, windowLogMax: number, cause: unknown): FirestreamError {
  return new FirestreamError(
    ErrorCodes.CODEC_FAILED,
    `zstd frame needs a window larger than ${2 ** windowLogMax} bytes, the most a "maxDecompressedBytes" of ${maxBytes} allows; raise "maxDecompressedBytes" if such batches are legitimate.`,
    { cause, context: { codec: 'zstd', maxBytes, windowLogMax, reason: 'window' } },
  );
}

/** Maps an error of a zstd decompression to a typed `CODEC_FAILED`. */
function decompressError(err: unknown, maxBytes: number, windowLogMax: number): FirestreamError {
  if (err instanceof FirestreamError) return err;
  if (isWindowTooLarge(err)) return windowTooLarge(maxBytes, windowLogMax, err);
  return corruptData('zstd', err instanceof Error ? err.message : String(err), err);
}

/** A backend on `node:zlib` (runs in the libuv thread pool); `z` is injectable for tests. */
export function createNodeZlibBackend(z: NodeZlibZstd = zlib as unknown as NodeZlibZstd): ZstdBackend {
  const compressFn = z.zstdCompress;
  const decompressFn = z.zstdDecompress;
  const levelParam = z.constants.ZSTD_c_compressionLevel;
  const windowParam = z.constants.ZSTD_d_windowLogMax;
  if (!compressFn || !decompressFn || levelParam === undefined) {
    throw codecUnavailable('zstd', `node:zlib has no zstd in Node ${process.version} (needs >= 22.15); use the "zstd-napi" backend.`);
  }
  const call = (fn: typeof compressFn, data: Buffer, options: ZlibZstdOptions): Promise<Buffer> =>
    new Promise((resolve, reject) => fn(data, options, (err, out) => (err ? reject(err) : resolve(out))));
  return {
    name: 'node-zlib',
    compress: (data, level) => call(compressFn, data, { params: { [levelParam]: level } }),
    async decompress(data, maxBytes) {
      const windowLogMax = zstdWindowLogMax(maxBytes);
      const params = windowParam === undefined ? undefined : { [windowParam]: windowLogMax };
      try {
        return await call(decompressFn, data, { maxOutputLength: maxBytes, ...(params ? { params } : {}) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw decompressionLimitExceeded('zstd', maxBytes);
        throw decompressError(err, maxBytes, windowLogMax);
      }
    },
  };
}

interface NapiModules {
  napi: typeof ZstdNapi;
  binding: typeof ZstdBinding;
}

let napiLoading: Promise<NapiModules> | undefined;

function loadNapi(): Promise<NapiModules> {
  // A CommonJS module imported from ESM may arrive as its `default` export.
  const unwrap = <T>(mod: unknown): T => ((mod as { default?: T }).default ?? mod) as T;
  napiLoading ??= Promise.all([import('zstd-napi'), import('zstd-napi/binding.js')]).then(
    ([napi, binding]) => ({ napi: unwrap<typeof ZstdNapi>(napi), binding: unwrap<typeof ZstdBinding>(binding) }),
    (err: unknown) => {
      napiLoading = undefined;
      throw codecUnavailable('zstd', 'the "zstd-napi" package could not be loaded and node:zlib has no zstd (Node < 22.15); install zstd-napi or use another codec.', err);
    },
  );
  return napiLoading;
}

/**
 * Decompresses one or more concatenated zstd frames with a bounded output.
 *
 * zstd writes straight into output buffers that are each filled completely before the next one is
 * allocated, and no buffer reaches past `maxBytes + 1` bytes of output in total: whatever the
 * frames declare, however many frames there are, the buffers allocated add up to at most
 * `maxBytes + 1` bytes (plus the final concatenation when the output spans several buffers). The
 * first buffer is sized to the first frame's declared size when it has one (capped by the limit),
 * later ones to a fixed step. Output past `maxBytes` fails with the `CODEC_FAILED` limit error as
 * soon as it is produced. zstd's own window buffer (inside `dctx`) comes on top: `windowLogMax`
 * (see {@link zstdWindowLogMax}) must be set on `dctx` to bound it.
 */
function boundedDecompress(binding: typeof ZstdBinding, dctx: ZstdBinding.DCtx, data: Buffer, maxBytes: number): Buffer {
  const declared = data.length >= 4 ? binding.getFrameContentSize(data) : null;
  if (declared !== null && declared > maxBytes) throw decompressionLimitExceeded('zstd', maxBytes, declared);
  const step = Math.max(binding.dStreamOutSize(), MIN_OUTPUT_STEP);
  const limit = maxBytes + 1; // one byte past the bound is enough to detect that it was passed
  const full: Buffer[] = [];
  let total = 0;
  let current = Buffer.allocUnsafe(Math.min(declared !== null && declared > 0 ? declared : step, limit));
  let used = 0;
  let remaining: Buffer = data;
  let frameOpen = 0;
  for (;;) {
    if (used === current.length) {
      full.push(current);
      current = Buffer.allocUnsafe(Math.min(step, limit - total));
      used = 0;
    }
    const window = current.length - used;
    const [ret, produced, consumed] = dctx.decompressStream(current.subarray(used), remaining);
    if (produced > 0 || consumed > 0) frameOpen = ret; // a call that made no progress only hints at a next frame
    used += produced;
    total += produced;
    if (total > maxBytes) throw decompressionLimitExceeded('zstd', maxBytes, total);
    remaining = remaining.subarray(consumed);
    // Done when the input is used up and zstd holds no more output (frame complete, or the window not filled).
    if (remaining.length === 0 && (ret === 0 || produced < window)) break;
    if (produced === 0 && consumed === 0) throw corruptData('zstd', 'decompression made no progress');
  }
  if (frameOpen !== 0) throw corruptData('zstd', 'truncated frame');
  if (full.length === 0) return current.subarray(0, used);
  full.push(current.subarray(0, used));
  return Buffer.concat(full, total);
}

/**
 * Largest output after which the zstd-napi backend drops its decompression context instead of
 * keeping it for the next call: the context keeps the window buffer the last frames needed (up to
 * the output size), which would otherwise stay allocated between batches.
 */
export const ZSTD_DCTX_RETAIN_MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * A backend on the `zstd-napi` native package, loaded on first use. One decompression context is
 * reused across small batches; after a call that produced more than
 * {@link ZSTD_DCTX_RETAIN_MAX_OUTPUT} bytes or failed, it is dropped (freed when garbage collected).
 */
export function createNapiBackend(): ZstdBackend {
  const compressors = new Map<number, ZstdNapi.Compressor>();
  let reusable: ZstdBinding.DCtx | undefined;
  return {
    name: 'zstd-napi',
    async compress(data, level) {
      const { napi } = await loadNapi();
      let compressor = compressors.get(level);
      if (!compressor) {
        compressor = new napi.Compressor();
        compressor.setParameters({ compressionLevel: level });
        compressors.set(level, compressor);
      }
      return compressor.compress(data);
    },
    async decompress(data, maxBytes) {
      const { binding } = await loadNapi();
      const dctx = reusable ?? new binding.DCtx();
      reusable = undefined;
      const windowLogMax = zstdWindowLogMax(maxBytes, binding.dParamGetBounds(binding.DParameter.windowLogMax));
      let out: Buffer;
      try {
        dctx.reset(binding.ResetDirective.sessionOnly);
        dctx.setParameter(binding.DParameter.windowLogMax, windowLogMax);
        out = boundedDecompress(binding, dctx, data, maxBytes);
      } catch (err) {
        throw decompressError(err, maxBytes, windowLogMax);
      }
      if (out.length <= ZSTD_DCTX_RETAIN_MAX_OUTPUT) reusable = dctx;
      return out;
    },
  };
}

/** Picks a backend: `auto` uses node:zlib when it has zstd, zstd-napi otherwise. */
export function selectZstdBackend(name: ZstdBackendName = 'auto'): ZstdBackend {
  if (name === 'node-zlib') return createNodeZlibBackend();
  if (name === 'zstd-napi') return createNapiBackend();
  return nodeZlibHasZstd() ? createNodeZlibBackend() : createNapiBackend();
}
