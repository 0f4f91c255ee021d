import { describe, expect, it } from 'vitest';
import { ErrorCodes, isFirestreamError } from '../../src/errors.js';
import { assertValidTopicName, isValidTopicName, topicNameProblem } from '../../src/routing/topic-names.js';

describe('topic names', () => {
  it.each(['wildfire-nasa-firms', 'a', 'A.b_c-9', '...', 'x'.repeat(249)])('accepts %s', (name) => {
    expect(isValidTopicName(name)).toBe(true);
    expect(assertValidTopicName(name)).toBe(name);
  });

  it.each(['', '.', '..', 'x'.repeat(250), 'has space', 'slash/topic', 'ümlaut', 'colon:x'])('rejects %j', (name) => {
    expect(isValidTopicName(name)).toBe(false);
    expect(topicNameProblem(name)).toBeTypeOf('string');
    try {
      assertValidTopicName(name, 'topics[0]');
      expect.unreachable();
    } catch (err) {
      expect(isFirestreamError(err, ErrorCodes.INVALID_TOPIC)).toBe(true);
      expect((err as Error).message).toContain('topics[0]');
    }
  });

  it('rejects non-strings', () => {
    expect(topicNameProblem(42)).toBe('must be a string');
    expect(isValidTopicName(undefined)).toBe(false);
  });
});
