import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { BinaryImageSerializerOptions } from '../../src/imagery/binary-image-serializer.js';
import { BinaryImageSerializer, MAX_IMAGE_BYTES_LIMIT } from '../../src/imagery/binary-image-serializer.js';
import type { ImageFormat } from '../../src/imagery/image-format.js';
import { IMAGE_HEADER_BYTES, readImageHeader } from '../../src/imagery/image-header.js';
import { codecUnavailable } from '../../src/producer/codecs/codec.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

const MAGIC: Record<Exclude<ImageFormat, 'unknown'>, string> = {
  tiff: '49492a00',
  bigtiff: '4d4d002b',
  jp2: '0000000c6a5020200d0a870a',
  j2k: 'ff4fff51',
  png: '89504e470d0a1a0a',
  hdf5: '894844460d0a1a0a',
  jpeg: 'ffd8ffe0',
  netcdf: '43444601',
};

/** An image of `format` whose body is compressible (a smooth 16-bit ramp) or random. */
function image(format: Exclude<ImageFormat, 'unknown'>, body: 'ramp' | 'random', bytes = 64 * 1024): Buffer {
  const data = body === 'random' ? randomBytes(bytes) : Buffer.alloc(bytes);
  if (body === 'ramp') for (let i = 0; i + 1 < bytes; i += 2) data.writeUInt16LE((i >> 6) & 0xffff, i);
  Buffer.from(MAGIC[format], 'hex').copy(data, 0);
  return data;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const meta = { sourceId: 'landsat_thermal', attributes: { scene_id: 'LC09_043033', bounds: [-121.7, 39.7, -121.5, 39.8] } };
const serializer = (options: BinaryImageSerializerOptions = {}): BinaryImageSerializer => new BinaryImageSerializer({ clock: new FakeClock(), ...options });

describe('BinaryImageSerializer round trips', () => {
  it.each(Object.keys(MAGIC) as Exclude<ImageFormat, 'unknown'>[])('round-trips %s, random and compressible', async (format) => {
    const s = serializer({ skipCompressionFormats: [] });
    for (const body of ['random', 'ramp'] as const) {
      const data = image(format, body);
      const { packet, correlationId, metadataMessage } = await s.serializeImage(data, meta);
      expect(metadataMessage.format).toBe(format);
      expect(metadataMessage.compression).toBe(body === 'ramp' ? 'zstd' : 'none');
      const back = await s.deserializeImage(packet, { correlationId });
      expect(back.data.equals(data)).toBe(true);
      expect(back).toMatchObject({ format, originalSize: data.length, storedSize: packet.length - IMAGE_HEADER_BYTES, sha256: sha256(data) });
    }
  });

  it('round-trips bytes of an unknown format', async () => {
    const data = Buffer.from('GRIB'.repeat(5000));
    const s = serializer();
    const { packet, metadataMessage } = await s.serializeImage(data, meta);
    expect(metadataMessage.format).toBe('unknown');
    expect((await s.deserializeImage(packet)).data.equals(data)).toBe(true);
  });

  it('round-trips without compression, the image copied once after the header', async () => {
    const data = image('tiff', 'ramp');
    const s = serializer({ compression: 'none' });
    const { packet, metadataMessage } = await s.serializeImage(data, meta);
    expect(metadataMessage.compression).toBe('none');
    expect(packet.length).toBe(IMAGE_HEADER_BYTES + data.length);
    expect(packet.subarray(IMAGE_HEADER_BYTES).equals(data)).toBe(true);
    const back = await s.deserializeImage(packet);
    expect(back.data.equals(data)).toBe(true);
    expect(back.data.buffer).toBe(packet.buffer);
  });

  it('round-trips zlib packets, and reads them on a serializer configured for zstd', async () => {
    const data = image('hdf5', 'ramp');
    const { packet, metadataMessage } = await serializer({ compression: 'zlib' }).serializeImage(data, meta);
    expect(metadataMessage.compression).toBe('zlib');
    expect((await serializer().deserializeImage(packet)).data.equals(data)).toBe(true);
  });

  it('serializes a Uint8Array view and leaves the caller data unchanged', async () => {
    const backing = Buffer.concat([Buffer.from('prefix'), image('tiff', 'ramp')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 6, backing.length - 6);
    const copy = Buffer.from(view);
    const s = serializer();
    const { packet } = await s.serializeImage(view, meta);
    expect(Buffer.from(view).equals(copy)).toBe(true);
    expect((await s.deserializeImage(new Uint8Array(packet))).data.equals(copy)).toBe(true);
  });
});

describe('BinaryImageSerializer compression choice', () => {
  it('keeps compression only when it saves more than minCompressionSavings', async () => {
    const data = image('tiff', 'ramp');
    const { metadataMessage } = await serializer().serializeImage(data, meta);
    const saved = 1 - metadataMessage.stored_size_bytes / metadataMessage.image_size_bytes;
    expect(metadataMessage.compression).toBe('zstd');
    const justAbove = await serializer({ minCompressionSavings: saved - 0.001 }).serializeImage(data, meta);
    expect(justAbove.metadataMessage.compression).toBe('zstd');
    const justBelow = await serializer({ minCompressionSavings: saved + 0.001 }).serializeImage(data, meta);
    expect(justBelow.metadataMessage).toMatchObject({ compression: 'none', stored_size_bytes: data.length });
  });

  it('stores half-random data as is under the default 10 % threshold', async () => {
    // about 6 % compressible: a 16-bit sample whose high byte is fixed and low byte random
    const data = image('tiff', 'random');
    for (let i = 4; i < data.length; i += 16) data[i] = 0;
    const s = serializer();
    const { metadataMessage } = await s.serializeImage(data, meta);
    expect(metadataMessage.compression).toBe('none');
    expect(s.getMetrics()).toMatchObject({ compressionNotKept: 1, compressed: { zstd: 0, zlib: 0 } });
  });

  it('does not try to compress already-compressed formats unless asked', async () => {
    const png = image('png', 'ramp');
    expect((await serializer().serializeImage(png, meta)).metadataMessage.compression).toBe('none');
    expect((await serializer({ skipCompressionFormats: [] }).serializeImage(png, meta)).metadataMessage.compression).toBe('zstd');
  });

  it('falls back to zlib when zstd is unavailable, and counts it', async () => {
    const unavailable = { name: 'zstd-napi' as const, compress: () => Promise.reject(codecUnavailable('zstd', 'missing')), decompress: () => Promise.reject(codecUnavailable('zstd', 'missing')) };
    const s = serializer({ zstdBackend: unavailable });
    const data = image('netcdf', 'ramp');
    const { packet, metadataMessage } = await s.serializeImage(data, meta);
    expect(metadataMessage.compression).toBe('zlib');
    expect((await s.deserializeImage(packet)).data.equals(data)).toBe(true);
    expect(s.getMetrics()).toMatchObject({ zstdFallbacks: 1, compressed: { zlib: 1 } });
  });
});

describe('BinaryImageSerializer metadata message and correlation id', () => {
  it('builds a frozen snake_case message linked to the packet by the correlation id', async () => {
    const clock = new FakeClock(Date.UTC(2026, 7, 14, 21, 30));
    const data = image('tiff', 'ramp');
    const { metadataMessage, correlationId, packet } = await serializer({ clock }).serializeImage(data, meta);
    const hash = sha256(data);
    expect(correlationId).toBe(`${clock.now()}_${data.length}_${hash.slice(0, 16)}`);
    expect(metadataMessage).toEqual({
      correlation_id: correlationId,
      source_id: 'landsat_thermal',
      format: 'tiff',
      compression: 'zstd',
      image_size_bytes: data.length,
      stored_size_bytes: packet.length - IMAGE_HEADER_BYTES,
      sha256: hash,
      timestamp: '2026-08-14T21:30:00.000Z',
      metadata: meta.attributes,
    });
    expect(Object.isFrozen(metadataMessage)).toBe(true);
    expect(JSON.parse(JSON.stringify(metadataMessage))).toEqual(metadataMessage);
    expect(readImageHeader(packet, data.length).sha256).toBe(hash);
  });

  it('refuses a packet whose correlation id names another image', async () => {
    const s = serializer();
    const a = await s.serializeImage(image('tiff', 'ramp'), meta);
    const b = await s.serializeImage(image('tiff', 'random'), meta);
    await expect(s.deserializeImage(a.packet, { correlationId: b.correlationId })).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'correlation' } });
    await expect(s.deserializeImage(a.packet, { correlationId: 'not-an-id' })).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'correlation' } });
  });

  it('refuses invalid metadata with INVALID_RECORD before any work', async () => {
    const s = serializer();
    await expect(s.serializeImage(image('tiff', 'ramp'), { sourceId: 's', attributes: { when: new Date() } } as never)).rejects.toMatchObject({ code: ErrorCodes.INVALID_RECORD });
    expect(s.getMetrics().serialized).toBe(0);
  });
});

describe('BinaryImageSerializer limits and verification', () => {
  it('refuses empty or non-byte data with INVALID_RECORD', async () => {
    for (const data of [Buffer.alloc(0), 'II*\0', null, [1, 2]]) {
      await expect(serializer().serializeImage(data as Buffer, meta)).rejects.toMatchObject({ code: ErrorCodes.INVALID_RECORD });
    }
  });

  it('refuses images over maxImageBytes on both sides', async () => {
    const data = image('tiff', 'random', 2000);
    await expect(serializer({ maxImageBytes: 1999 }).serializeImage(data, meta)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_TOO_LARGE, context: { size: 2000, maxBytes: 1999 } });
    const { packet } = await serializer({ maxImageBytes: 2000 }).serializeImage(data, meta);
    const reader = serializer({ maxImageBytes: 1999 });
    await expect(reader.deserializeImage(packet)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_TOO_LARGE });
    expect(reader.getMetrics().tooLarge).toBe(1);
  });

  it('defaults maxImageBytes to the images.directMaxBytes default (20 MiB)', () => {
    expect(serializer().maxImageBytes).toBe(20 * 1024 * 1024);
  });

  it('detects a changed payload byte, in plain and compressed packets', async () => {
    for (const compression of ['none', 'auto'] as const) {
      const s = serializer({ compression });
      const { packet } = await s.serializeImage(image('tiff', 'ramp'), meta);
      packet.writeUInt8(packet.readUInt8(packet.length - 1) ^ 0x01, packet.length - 1);
      const err = await s.deserializeImage(packet).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT });
    }
  });

  it('reports a checksum mismatch with both digests', async () => {
    const s = serializer({ compression: 'none' });
    const { packet } = await s.serializeImage(image('tiff', 'ramp'), meta);
    packet.writeUInt8(packet.readUInt8(IMAGE_HEADER_BYTES + 100) ^ 0xff, IMAGE_HEADER_BYTES + 100);
    await expect(s.deserializeImage(packet)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'checksum' } });
    expect(s.getMetrics()).toMatchObject({ corrupt: 1, deserialized: 0 });
  });

  it('refuses a header whose format code disagrees with the image', async () => {
    const s = serializer({ compression: 'none' });
    const { packet } = await s.serializeImage(image('tiff', 'ramp'), meta);
    packet[5] = 0; // 'unknown'
    await expect(s.deserializeImage(packet)).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT, context: { reason: 'format-mismatch' } });
  });

  it('refuses a packet that is not bytes with INVALID_OPTION', async () => {
    await expect(serializer().deserializeImage('FSIM' as never)).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION });
  });

  it('validates options, naming the option', () => {
    for (const [options, name] of [
      [{ maxImageBytes: 0 }, 'maxImageBytes'],
      [{ maxImageBytes: MAX_IMAGE_BYTES_LIMIT + 1 }, 'maxImageBytes'],
      [{ minCompressionSavings: 1.5 }, 'minCompressionSavings'],
      [{ compression: 'zstd' }, 'compression'],
      [{ zstdLevel: 23 }, 'zstdLevel'],
      [{ zlibLevel: 10 }, 'zlibLevel'],
      [{ zstdBackend: 'wasm' }, 'zstdBackend'],
      [{ skipCompressionFormats: ['gif'] }, 'skipCompressionFormats.0'],
      [{ clock: {} }, 'clock'],
      [{ typo: 1 }, 'options'],
    ] as const) {
      expect(() => new BinaryImageSerializer(options as BinaryImageSerializerOptions), name).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, message: expect.stringContaining(`"${name}"`) }));
    }
  });

  it('counts what it did', async () => {
    const s = serializer();
    const a = await s.serializeImage(image('tiff', 'ramp'), meta);
    await s.serializeImage(image('tiff', 'random', 1000), meta);
    await s.deserializeImage(a.packet);
    await expect(s.deserializeImage(a.packet.subarray(0, 47))).rejects.toMatchObject({ code: ErrorCodes.IMAGE_CORRUPT });
    expect(s.getMetrics()).toEqual({
      serialized: 2,
      serializedBytes: 64 * 1024 + 1000,
      storedBytes: a.metadataMessage.stored_size_bytes + 1000,
      compressed: { zstd: 1, zlib: 0 },
      compressionNotKept: 1,
      zstdFallbacks: 0,
      deserialized: 1,
      corrupt: 1,
      tooLarge: 0,
    });
  });
});
