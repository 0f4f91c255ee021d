import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  HDF5_MAX_SIGNATURE_OFFSET,
  IMAGE_DATA_FIELDS,
  IMAGE_FORMATS,
  imageBytesOf,
  imageFormatCode,
  imageFormatOfCode,
  isImageData,
} from '../../src/imagery/image-format.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/** Leading bytes of real files (first 16 bytes copied from files written by real encoders). */
const REAL_STARTS = {
  // CPython's test/imghdrdata/python.tiff (little-endian TIFF)
  tiff: hex('49492a00 08040000 00000000 00000000'),
  // CPython's test/imghdrdata/python.jpg (JFIF)
  jpeg: hex('ffd8ffe0 00104a46 49460001 01010001'),
  // CPython's test/imghdrdata/python.png (signature then the IHDR chunk)
  png: hex('89504e47 0d0a1a0a 0000000d 49484452'),
  // SciPy's io/tests/data/example_1.nc (NetCDF classic)
  netcdf: hex('43444601 00000001 0000000a 00000004'),
} as const;

/** A JP2 file: the 12-byte signature box, then the start of the ftyp box. */
const JP2 = hex('0000000c 6a502020 0d0a870a 00000014 66747970 6a703220');
/** A raw JPEG 2000 codestream: SOC (FF4F), SIZ (FF51) and its length. */
const J2K = hex('ff4fff51 002f0000 00000400');
const HDF5_SIGNATURE = hex('894844460d0a1a0a');

function withSignatureAt(offset: number, size = offset + 64): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  HDF5_SIGNATURE.copy(bytes, offset);
  return bytes;
}

describe('detectFormat', () => {
  it.each(Object.entries(REAL_STARTS))('recognises %s from the first bytes of a real file', (format, bytes) => {
    expect(detectFormat(bytes)).toBe(format);
  });

  it.each([
    ['tiff', '49492a00', 'little-endian TIFF'],
    ['tiff', '4d4d002a', 'big-endian TIFF'],
    ['bigtiff', '49492b00 08000000', 'little-endian BigTIFF'],
    ['bigtiff', '4d4d002b 00080000', 'big-endian BigTIFF'],
    ['netcdf', '43444602', 'NetCDF 64-bit offset'],
    ['netcdf', '43444605', 'NetCDF 64-bit data (CDF-5)'],
    ['jpeg', 'ffd8ffe1', 'EXIF JPEG'],
  ] as const)('recognises %s from %s (%s)', (format, bytes, _what) => {
    expect(detectFormat(hex(bytes))).toBe(format);
  });

  it('recognises JPEG 2000 as a JP2 file and as a raw codestream', () => {
    expect(detectFormat(JP2)).toBe('jp2');
    expect(detectFormat(J2K)).toBe('j2k');
  });

  it('recognises HDF5 (and so NetCDF-4) at byte 0 and after a user block of 512, 1024, … bytes', () => {
    expect(detectFormat(HDF5_SIGNATURE)).toBe('hdf5');
    for (const offset of [512, 1024, 2048, 4096, HDF5_MAX_SIGNATURE_OFFSET]) expect(detectFormat(withSignatureAt(offset))).toBe('hdf5');
  });

  it('recognises a real HDF5 file with a 512-byte user block (a MATLAB 7.3 file header)', () => {
    const mat = withSignatureAt(512);
    Buffer.from('MATLAB 7.0 MAT-file, Platform: GLNX86').copy(mat, 0);
    expect(detectFormat(mat)).toBe('hdf5');
  });

  it('does not see HDF5 at offsets HDF5 does not allow, or past the search limit', () => {
    expect(detectFormat(withSignatureAt(700))).toBe('unknown');
    expect(detectFormat(withSignatureAt(256))).toBe('unknown');
    expect(detectFormat(withSignatureAt(HDF5_MAX_SIGNATURE_OFFSET * 2))).toBe('unknown');
  });

  it('needs the whole signature: a prefix, a near miss or empty data is unknown', () => {
    for (const bytes of ['', '4949', '49492a', '4d4d00', 'ffd8', 'ff4fff', '89504e470d0a1a', '0000000c6a502020', '0000000c6a5020200d0a870b', '43444603', '43444600', '49492c00', '894844460d0a1a0b']) {
      expect(detectFormat(hex(bytes)), bytes).toBe('unknown');
    }
  });

  it('reads a Uint8Array view at its own offset', () => {
    const backing = new Uint8Array(Buffer.concat([Buffer.from('xxxx'), REAL_STARTS.png]));
    expect(detectFormat(backing.subarray(4))).toBe('png');
    expect(detectFormat(backing)).toBe('unknown');
  });
});

describe('format codes', () => {
  it('keeps the version-1 wire codes fixed', () => {
    expect(IMAGE_FORMATS).toEqual(['unknown', 'tiff', 'bigtiff', 'jp2', 'j2k', 'png', 'hdf5', 'jpeg', 'netcdf']);
    expect(imageFormatCode('netcdf')).toBe(8);
    expect(imageFormatOfCode(1)).toBe('tiff');
    expect(imageFormatOfCode(9)).toBeUndefined();
  });
});

describe('isImageData / imageBytesOf', () => {
  it('accepts a Buffer or Uint8Array in a known format and refuses unknown bytes', () => {
    expect(isImageData(REAL_STARTS.tiff)).toBe(true);
    expect(isImageData(new Uint8Array(JP2))).toBe(true);
    expect(isImageData(Buffer.from('{"latitude": 39.7}'))).toBe(false);
    expect(isImageData(Buffer.alloc(0))).toBe(false);
  });

  it('accepts a record whose image_data or imageData field holds image bytes', () => {
    expect(IMAGE_DATA_FIELDS).toEqual(['image_data', 'imageData']);
    const record = { source_id: 'landsat_thermal', image_data: REAL_STARTS.tiff };
    expect(isImageData(record)).toBe(true);
    expect(imageBytesOf(record)).toBe(record.image_data);
    expect(imageBytesOf({ imageData: REAL_STARTS.png })).toBe(REAL_STARTS.png);
  });

  it('reads image_data first, and falls through to imageData when image_data is not image bytes', () => {
    expect(imageBytesOf({ image_data: REAL_STARTS.png, imageData: REAL_STARTS.jpeg })).toBe(REAL_STARTS.png);
    expect(imageBytesOf({ image_data: Buffer.from('text'), imageData: REAL_STARTS.jpeg })).toBe(REAL_STARTS.jpeg);
  });

  it('refuses JSON records, other fields, inherited fields, base64 strings, arrays and non-objects', () => {
    const inherited = Object.create({ image_data: REAL_STARTS.tiff }) as object;
    for (const value of [
      { latitude: 39.7596, longitude: -121.6219 },
      { data: REAL_STARTS.tiff },
      { image_data: REAL_STARTS.tiff.toString('base64') },
      { image_data: Array.from(REAL_STARTS.tiff) },
      inherited,
      [REAL_STARTS.tiff],
      null,
      undefined,
      'II*\0',
      42,
    ]) {
      expect(isImageData(value)).toBe(false);
    }
  });
});
