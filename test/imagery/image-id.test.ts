import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { createImageId, isValidImageId, MAX_IMAGE_ID_LENGTH, MAX_IMAGE_ID_SOURCE_LENGTH, sanitizeImageSource } from '../../src/imagery/image-id.js';

const HASH = 'ab'.repeat(32);

/** Source ids of any code points (surrogate halves excluded), ASCII-heavy. */
const anySource = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff)), { minLength: 1, maxLength: 300 })
  .map((codes) => String.fromCodePoint(...codes));

describe('image ids', () => {
  it('are {source}_{timestamp}_{first 16 hex of the SHA-256}', () => {
    expect(createImageId('firms_viirs_snpp', 1_767_225_600_000, HASH)).toBe('firms_viirs_snpp_1767225600000_abababababababab');
  });

  it('replace each character outside A-Z a-z 0-9 . _ - of the source by one "-", and cut long sources', () => {
    expect(sanitizeImageSource('station 7/ä')).toBe('station-7--');
    expect(sanitizeImageSource('fire🔥cam')).toBe('fire-cam');
    expect(sanitizeImageSource('x'.repeat(500))).toHaveLength(MAX_IMAGE_ID_SOURCE_LENGTH);
  });

  it('are always valid and at most 255 characters, whatever the source id', () => {
    fc.assert(
      fc.property(anySource, fc.maxSafeNat(), (source, timestamp) => {
        const id = createImageId(source, timestamp, HASH);
        expect(isValidImageId(id)).toBe(true);
        expect(id.length).toBeLessThanOrEqual(MAX_IMAGE_ID_LENGTH);
      }),
    );
  });

  it('refuse an empty source, a bad timestamp or a bad hash, naming the option', () => {
    expect(() => createImageId('', 1, HASH)).toThrow(InvalidOptionError);
    for (const timestamp of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => createImageId('a', timestamp, HASH)).toThrow(/"timestamp"/);
    expect(() => createImageId('a', 1, 'AB'.repeat(32))).toThrow(/"sha256"/);
  });

  it('validate the charset and length', () => {
    expect(isValidImageId('a.b-c_1')).toBe(true);
    expect(isValidImageId('')).toBe(false);
    expect(isValidImageId('a b')).toBe(false);
    expect(isValidImageId('x'.repeat(256))).toBe(false);
  });
});
