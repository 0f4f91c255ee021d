import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../src/config/json-syntax.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON text, then possibly broken by deleting, inserting or replacing one character. */
const maybeBroken = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'keep'), fc.constantFrom('"', '\\', ',', ':', '{', '}', '[', ']', 'x', '0', '\n', ' ', '\u0001', '-', '.'))
  .map(([text, at, edit, char]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (edit === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (edit === 'insert') return text.slice(0, i) + char + text.slice(i);
    if (edit === 'replace') return text.slice(0, i) + char + text.slice(i + 1);
    return text;
  });

describe('findJsonSyntaxError', () => {
  it('finds an error exactly when JSON.parse refuses the text, at an offset inside it', () => {
    fc.assert(
      fc.property(maybeBroken, (text) => {
        const found = findJsonSyntaxError(text);
        expect(found === undefined).toBe(parses(text));
        if (found !== undefined) {
          expect(found.offset).toBeGreaterThanOrEqual(0);
          expect(found.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['{"a": hunter2}', 6, 'an unexpected character where a value was expected (strings need double quotes)'],
    ['{"a": 1,}', 8, 'an unexpected character where a property name in double quotes was expected'],
    ['{"a" 1}', 5, "a missing ':' after a property name"],
    ['{"a": 1 "b": 2}', 8, "a missing ',' or '}' in an object"],
    ['[1 2]', 3, "a missing ',' or ']' in a list"],
    ['{"a": "x\\q"}', 8, 'an invalid escape sequence in a string'],
    ['{"a": "x\ny"}', 8, 'a control character (such as a line break) inside a string; escape it or close the string'],
    ['{"a": "xy', 6, 'a string that is never closed'],
    ['{"a": [1', 8, 'the text ends before the JSON value does'],
    ['{} x', 3, 'more text after the JSON value'],
    ['', 0, 'the text ends before the JSON value does'],
  ])('%j: offset %d, %s', (text, offset, problem) => {
    expect(findJsonSyntaxError(text)).toEqual({ offset, problem });
  });

  it('handles nesting far deeper than the call stack allows', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(999_999)}`;
    expect(findJsonSyntaxError(deep)).toEqual({ offset: deep.length, problem: 'the text ends before the JSON value does' });
  });
});
