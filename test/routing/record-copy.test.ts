import { describe, expect, it } from 'vitest';
import { copyRecord } from '../../src/routing/record-copy.js';
import { californiaRelevanceEnricher } from '../../src/routing/california-relevance-enricher.js';

describe('copyRecord', () => {
  it('makes a shallow copy with the same own fields', () => {
    const nested = { a: 1 };
    const input = { x: 1, nested };
    const copy = copyRecord(input);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
    expect(copy.nested).toBe(nested);
  });

  it('keeps an own "__proto__" key from JSON as data and leaves the prototype alone', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "lat": 34, "lon": -118}') as Record<string, unknown>;
    const out = californiaRelevanceEnricher(input, { producerId: 'p', now: 0, sourceId: 's' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "lat": 34, "lon": -118, "california_relevance": true}'));
  });
});
