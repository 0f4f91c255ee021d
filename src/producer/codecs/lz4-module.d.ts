// Minimal typings for the parts of the `lz4` package (0.6.x, no bundled types) firestream uses.
declare module 'lz4' {
  import type { Transform } from 'node:stream';

  /** LZ4 frame encoder options. */
  export interface Lz4EncoderOptions {
    blockIndependence?: boolean;
    blockChecksum?: boolean;
    blockMaxSize?: number;
    streamSize?: boolean;
    streamChecksum?: boolean;
    dict?: boolean;
    dictId?: number;
    highCompression?: boolean;
  }
  /** Encodes `input` as one LZ4 frame. */
  export function encode(input: Buffer, options?: Lz4EncoderOptions): Buffer;
  /** Decodes LZ4 frames (errors are thrown synchronously when no listener is attached). */
  export function decode(input: Buffer, options?: { useJS?: boolean }): Buffer;
  /** A streaming LZ4 frame decoder; processes a buffer passed to `end()` synchronously. */
  export function createDecoderStream(options?: { useJS?: boolean }): Transform;
}
