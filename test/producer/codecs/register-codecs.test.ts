import { gzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import { ensureCompressionCodecs, kafkaCompressionType, registerCompressionCodecs, registeredCompressionCodecs } from '../../../src/producer/codecs/register-codecs.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;
type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
const codec = (type: keyof typeof CompressionCodecs): Codec => (CompressionCodecs[type] as () => Codec)();

describe('registerCompressionCodecs', () => {
  it('installs gzip, LZ4 and zstd into kafkajs and round-trips through them', async () => {
    registerCompressionCodecs();
    const data = Buffer.from('fire '.repeat(5000));
    for (const type of [CompressionTypes.GZIP, CompressionTypes.LZ4, CompressionTypes.ZSTD] as const) {
      const c = codec(type);
      const packed = await c.compress({ buffer: data });
      expect(packed.length).toBeLessThan(data.length / 10);
      expect((await c.decompress(packed)).equals(data)).toBe(true);
    }
  });

  it('is idempotent and replaces the settings process-wide when they change', () => {
    const a = registerCompressionCodecs({ zstdLevel: 3 });
    const installed = CompressionCodecs[CompressionTypes.ZSTD];
    expect(registerCompressionCodecs({ zstdLevel: 3 })).toBe(a);
    expect(CompressionCodecs[CompressionTypes.ZSTD]).toBe(installed);
    const b = registerCompressionCodecs({ zstdLevel: 1 });
    expect(b.zstdLevel).toBe(1);
    expect(CompressionCodecs[CompressionTypes.ZSTD]).not.toBe(installed);
    registerCompressionCodecs();
  });

  it('ensureCompressionCodecs keeps the settings in force and installs defaults only when there are none', () => {
    registerCompressionCodecs({ zstdLevel: 7 });
    const installed = CompressionCodecs[CompressionTypes.ZSTD];
    expect(ensureCompressionCodecs().zstdLevel).toBe(7);
    expect(CompressionCodecs[CompressionTypes.ZSTD]).toBe(installed);
    expect(registeredCompressionCodecs()?.zstdLevel).toBe(7);
    registerCompressionCodecs();
  });

  it('warns through the logger when different settings replace those in force, naming both', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_o: object, m?: string) => void warnings.push(m ?? '') };
    registerCompressionCodecs({}, logger);
    registerCompressionCodecs({ zstdLevel: 12 }, logger);
    registerCompressionCodecs({ zstdLevel: 12 }, logger);
    expect(warnings).toEqual([expect.stringMatching(/zstdLevel: 3.*replaced by.*zstdLevel: 12/)]);
    registerCompressionCodecs();
  });

  it('bounds gzip decompression too', async () => {
    registerCompressionCodecs({ maxDecompressedBytes: 4 * 1024 * 1024 });
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024));
    await expect(codec(CompressionTypes.GZIP).decompress(bomb)).rejects.toMatchObject({ code: ErrorCodes.CODEC_FAILED });
    registerCompressionCodecs();
  });

  it('rejects invalid options naming them', () => {
    expect(() => registerCompressionCodecs({ zstdLevel: 99 })).toThrow(/codecs\.zstdLevel/);
    expect(() => registerCompressionCodecs({ maxDecompressedBytes: 10 })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });

  it('maps compression names to kafkajs types', () => {
    expect(['none', 'gzip', 'lz4', 'zstd'].map((n) => kafkaCompressionType(n as 'none'))).toEqual([
      CompressionTypes.None,
      CompressionTypes.GZIP,
      CompressionTypes.LZ4,
      CompressionTypes.ZSTD,
    ]);
  });
});
