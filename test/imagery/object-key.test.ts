import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { encodeKeyForUrl, isKeyInsidePrefix, MAX_OBJECT_KEY_BYTES, objectKeyProblem, validateKeyPrefix, validateObjectKey, validateObjectMetadata } from '../../src/imagery/object-key.js';

describe('object keys', () => {
  it.each([
    ['', /non-empty/],
    ['/abs/key', /must not start with "\/"/],
    ['a//b', /empty path segments/],
    ['a/../b', /"\." or "\.\." path segments/],
    ['..', /path segments/],
    ['a/./b', /path segments/],
    ['a\\..\\b', /backslash/],
    ['a\u0000b', /control characters/],
    ['a\nb', /control characters/],
    ['a\u007fb', /control characters/],
    ['é'.repeat(513), /at most 1024 UTF-8 bytes/],
  ])('refuses %j', (key, problem) => {
    expect(objectKeyProblem(key)).toMatch(problem);
    expect(() => validateObjectKey(key)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
  });

  it.each(['images/landsat_8/2026/01/01/1_2_abc.h5', 'a..b/c...d', 'dir with space/état.tif', 'trailing/', 'x'.repeat(MAX_OBJECT_KEY_BYTES)])('accepts %j', (key) => {
    expect(objectKeyProblem(key)).toBe(undefined);
    expect(validateObjectKey(key)).toBe(key);
  });

  it('property: a key that passes never resolves outside the directory it is joined to', () => {
    const segment = fc.oneof(fc.constantFrom('.', '..', '', 'a', '...', '\\..'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const key = segments.join('/');
        if (objectKeyProblem(key) !== undefined) return;
        const resolved = posix.resolve('/store/bucket/images', key);
        expect(resolved.startsWith('/store/bucket/images/')).toBe(true);
        expect(isKeyInsidePrefix(`images/${key}`, 'images/')).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('prefixes: empty or a valid key ending with "/"; keys inside must be longer than the prefix', () => {
    expect(validateKeyPrefix('')).toBe('');
    expect(validateKeyPrefix('images/')).toBe('images/');
    expect(() => validateKeyPrefix('images')).toThrow(/must end with "\/"/);
    expect(() => validateKeyPrefix('../images/')).toThrow(/path segments/);
    expect(isKeyInsidePrefix('images/a.h5', 'images/')).toBe(true);
    expect(isKeyInsidePrefix('images/', 'images/')).toBe(false);
    expect(isKeyInsidePrefix('imagesX/a', 'images/')).toBe(false);
    expect(isKeyInsidePrefix('images/../a', 'images/')).toBe(false);
  });

  it('metadata: lower-case keys, printable ASCII values, 2 KiB in all', () => {
    expect(() => validateObjectMetadata({ sha256: 'ab', 'image-size': '12' })).not.toThrow();
    expect(() => validateObjectMetadata({ 'Bad Key': 'x' })).toThrow(/metadata\.Bad Key/);
    expect(() => validateObjectMetadata({ k: 'tab\there' })).toThrow(/printable ASCII/);
    expect(() => validateObjectMetadata({ k: 'x'.repeat(2048) })).toThrow(/at most 2048 bytes/);
  });

  it('encodes each segment for URLs and keeps the slashes', () => {
    expect(encodeKeyForUrl('a b/é?#/c')).toBe('a%20b/%C3%A9%3F%23/c');
  });
});
