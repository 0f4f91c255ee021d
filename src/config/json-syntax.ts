/**
 * Finds where JSON text first breaks the JSON grammar, with a description that quotes nothing of
 * the text. `JSON.parse` does not do this: its messages quote an excerpt of the input (which may
 * be a secret) and, on long input, give no position at all.
 *
 * @module
 */

/** The first syntax error of a JSON text: its offset (UTF-16 code units) and what is wrong there. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly problem: string;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** Skips a string that starts at `start` (a `"`); the offset after it, or the error inside it. */
function skipString(text: string, start: number): number | JsonSyntaxError {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, problem: 'a control character (such as a line break) inside a string; escape it or close the string' };
    if (code !== 0x5c) continue;
    const escape = text.charAt(i + 1);
    if (SIMPLE_ESCAPES.has(escape)) i += 1;
    else if (escape === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 5;
    else return { offset: i, problem: 'an invalid escape sequence in a string' };
  }
  return { offset: start, problem: 'a string that is never closed' };
}

/** Skips a value that is not an object or array; the offset after it, or the error. */
function skipScalar(text: string, start: number): number | JsonSyntaxError {
  const first = text.charAt(start);
  if (first === '"') return skipString(text, start);
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, start)) return start + literal.length;
  NUMBER.lastIndex = start;
  if (NUMBER.test(text)) return NUMBER.lastIndex;
  return { offset: start, problem: 'an unexpected character where a value was expected (strings need double quotes)' };
}

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'after';

/**
 * Returns the first syntax error of `text` as JSON, or `undefined` when the grammar holds (then
 * `JSON.parse` fails only for lack of memory or stack). Iterative, so deep nesting cannot overflow
 * the stack; linear in the length of `text`.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const open: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= text.length) return expect === 'after' && open.length === 0 ? undefined : { offset: i, problem: 'the text ends before the JSON value does' };
    const c = text.charAt(i);
    const top = open[open.length - 1];
    if ((expect === 'valueOrClose' && c === ']') || (expect === 'keyOrClose' && c === '}')) {
      open.pop();
      i++;
      expect = 'after';
    } else if (expect === 'value' || expect === 'valueOrClose') {
      if (c === '{' || c === '[') {
        open.push(c);
        i++;
        expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
        continue;
      }
      const end = skipScalar(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      expect = 'after';
    } else if (expect === 'key' || expect === 'keyOrClose') {
      if (c !== '"') return { offset: i, problem: 'an unexpected character where a property name in double quotes was expected' };
      const end = skipString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      expect = 'colon';
    } else if (expect === 'colon') {
      if (c !== ':') return { offset: i, problem: "a missing ':' after a property name" };
      i++;
      expect = 'value';
    } else if (top === undefined) {
      return { offset: i, problem: 'more text after the JSON value' };
    } else if (c === ',') {
      i++;
      expect = top === '{' ? 'key' : 'value';
    } else if (c === (top === '{' ? '}' : ']')) {
      open.pop();
      i++;
    } else {
      return { offset: i, problem: top === '{' ? "a missing ',' or '}' in an object" : "a missing ',' or ']' in a list" };
    }
  }
}
