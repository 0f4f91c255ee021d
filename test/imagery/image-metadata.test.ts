import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import type { FirestreamError } from '../../src/errors.js';
import { parseImageMetadata } from '../../src/imagery/image-metadata.js';
import { firestreamErrorOf } from './firestream-error-of.js';

const MAX = 64 * 1024;

function errorOf(input: unknown, max = MAX): FirestreamError {
  return firestreamErrorOf(() => parseImageMetadata(input, max));
}

describe('parseImageMetadata', () => {
  it('refuses an attribute key __proto__ at any depth instead of silently dropping it, naming the key', () => {
    const top = errorOf({ sourceId: 's', attributes: JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as unknown });
    expect(top.code).toBe(ErrorCodes.INVALID_RECORD);
    expect(top.context.path).toBe('attributes.__proto__');
    expect(top.message).toContain('"__proto__" cannot be an attribute key');
    const nested = errorOf({ sourceId: 's', attributes: JSON.parse('{"a": [{"b": {"__proto__": [1]}}]}') as unknown });
    expect(nested.context.path).toBe('attributes.a.0.b.__proto__');
    // Other prototype-ish names are ordinary keys and survive the copy.
    expect(parseImageMetadata({ sourceId: 's', attributes: { constructor: 1, prototype: { toString: 'x' } } }, MAX).attributes).toEqual({ constructor: 1, prototype: { toString: 'x' } });
  });

  it('bounds the sourceId length at 255 characters', () => {
    expect(parseImageMetadata({ sourceId: 's'.repeat(255) }, MAX).sourceId).toHaveLength(255);
    const err = errorOf({ sourceId: 's'.repeat(256) });
    expect(err.code).toBe(ErrorCodes.INVALID_RECORD);
    expect(err.context.path).toBe('sourceId');
    expect(err.message).toContain('at most 255 characters');
  });

  it('returns the source id and a deep copy of the attributes', () => {
    const attributes = { scene_id: 'LC09_L1TP_043033', bounds: [-121.7, 39.7, -121.5, 39.8], cloud: 0.12, night: false, note: null, nested: { a: { b: 'c' } } };
    const parsed = parseImageMetadata({ sourceId: 'landsat_thermal', attributes }, MAX);
    expect(parsed).toEqual({ sourceId: 'landsat_thermal', attributes });
    expect(parsed.attributes).not.toBe(attributes);
    expect(parsed.attributes.nested).not.toBe(attributes.nested);
    expect(parseImageMetadata({ sourceId: 's' }, MAX).attributes).toEqual({});
  });

  it('accepts null-prototype objects', () => {
    const attributes = Object.assign(Object.create(null) as object, { a: 1 });
    expect(parseImageMetadata({ sourceId: 's', attributes }, MAX).attributes).toEqual({ a: 1 });
  });

  it.each([
    ['undefined', { a: undefined }, 'attributes.a'],
    ['NaN', { a: [1, Number.NaN] }, 'attributes.a.1'],
    ['Infinity', { a: { b: Number.POSITIVE_INFINITY } }, 'attributes.a.b'],
    ['a bigint', { a: 1n }, 'attributes.a'],
    ['a function', { a: () => 1 }, 'attributes.a'],
    ['a Date', { when: new Date(0) }, 'attributes.when'],
    ['a Buffer', { raw: Buffer.from('x') }, 'attributes.raw'],
    ['a Map', { m: new Map() }, 'attributes.m'],
    ['a class instance', { k: new (class K { x = 1; })() }, 'attributes.k'],
  ])('refuses %s with INVALID_RECORD naming the path', (_name, attributes, path) => {
    const err = errorOf({ sourceId: 's', attributes });
    expect(err.code).toBe(ErrorCodes.INVALID_RECORD);
    expect(err.context.path).toBe(path);
    expect(err.message).toContain(`"${path}"`);
  });

  it('names the bad value of a number', () => {
    expect(errorOf({ sourceId: 's', attributes: { a: Number.NaN } }).message).toContain('(got NaN)');
  });

  it('refuses a missing or bad source id, unknown keys and non-object metadata', () => {
    expect(errorOf({}).context.path).toBe('sourceId');
    expect(errorOf({ sourceId: '' }).context.path).toBe('sourceId');
    expect(errorOf({ sourceId: 'two words' }).message).toContain('"two words"');
    expect(errorOf({ sourceId: 's', source_id: 's' }).message).toContain('source_id');
    expect(errorOf({ sourceId: 's', attributes: [1] }).context.path).toBe('attributes');
    for (const input of [null, undefined, 'landsat', 7]) expect(errorOf(input).code).toBe(ErrorCodes.INVALID_RECORD);
  });

  it('refuses cycles, nesting too deep to walk and throwing getters without crashing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorOf({ sourceId: 's', attributes: cyclic }).code).toBe(ErrorCodes.INVALID_RECORD);
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100_000; i += 1) {
      const next: Record<string, unknown> = {};
      cursor.a = next;
      cursor = next;
    }
    expect(errorOf({ sourceId: 's', attributes: deep }).code).toBe(ErrorCodes.INVALID_RECORD);
    const getter = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(errorOf({ sourceId: 's', attributes: getter }).code).toBe(ErrorCodes.INVALID_RECORD);
  });

  it('refuses attributes longer than maxMetadataBytes once JSON-encoded', () => {
    expect(parseImageMetadata({ sourceId: 's', attributes: { a: 'x'.repeat(10) } }, 18).attributes.a).toHaveLength(10);
    expect(errorOf({ sourceId: 's', attributes: { a: 'x'.repeat(11) } }, 18).message).toContain('"maxMetadataBytes" (18)');
  });
});
