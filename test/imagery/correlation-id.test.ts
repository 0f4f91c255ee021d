import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { createCorrelationId, parseCorrelationId } from '../../src/imagery/correlation-id.js';

const sha = createHash('sha256').update('landsat scene').digest('hex');

describe('correlation id', () => {
  it('is {timestamp}_{size}_{first 16 hex of the SHA-256}', () => {
    expect(createCorrelationId(1_767_225_600_000, 1_048_576, sha)).toBe(`1767225600000_1048576_${sha.slice(0, 16)}`);
    expect(createCorrelationId(1_767_225_600_000.9, 1, sha)).toBe(`1767225600000_1_${sha.slice(0, 16)}`);
  });

  it('parses what it creates', () => {
    expect(parseCorrelationId(createCorrelationId(5, 7, sha))).toEqual({ timestamp: 5, size: 7, partialHash: sha.slice(0, 16) });
  });

  it('refuses malformed ids', () => {
    for (const id of ['', '1_2', '1_2_3', `01_2_${sha.slice(0, 16)}`, `1_02_${sha.slice(0, 16)}`, `1_2_${sha.slice(0, 15)}`, `1_2_${sha.slice(0, 17)}`, `1_2_${sha.slice(0, 16).toUpperCase()}`, `-1_2_${sha.slice(0, 16)}`, ` 1_2_${sha.slice(0, 16)}`, `99999999999999999_2_${sha.slice(0, 16)}`]) {
      expect(parseCorrelationId(id), id).toBeUndefined();
    }
    expect(parseCorrelationId(42 as unknown as string)).toBeUndefined();
  });

  it('refuses bad inputs with INVALID_OPTION', () => {
    for (const [t, s, h] of [[Number.NaN, 1, sha], [-1, 1, sha], [1, -1, sha], [1, 1.5, sha], [1, 1, 'abc'], [1, 1, sha.toUpperCase()]] as const) {
      expect(() => createCorrelationId(t, s, h)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION }));
    }
  });
});
