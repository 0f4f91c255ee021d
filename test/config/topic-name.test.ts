import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topicNameSchema, validateTopicName } from '../../src/config/schema/topic-name.js';
import { ConfigError } from '../../src/errors.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { configErrorOf } from '../helpers/config-error.js';

/** Kafka's rule, written independently: legal characters, 1..249 long, not "." or "..". */
const REFERENCE = /^(?!\.\.?$)[a-zA-Z0-9._-]{1,249}$/;

const legalChar = fc.constantFrom(...'abcxyzABCXYZ0189._-'.split(''));
const anyChar = fc.oneof(legalChar, fc.constantFrom(' ', '/', '\\', ':', '*', 'é', '\n', '\u0000', '#'));

describe('validateTopicName', () => {
  it('agrees with the reference regex on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 260 }), fc.array(anyChar, { maxLength: 260 }).map((c) => c.join('')), fc.array(legalChar, { minLength: 240, maxLength: 260 }).map((c) => c.join(''))), (name) => {
        const legal = REFERENCE.test(name);
        expect(validateTopicName(name) === undefined).toBe(legal);
        expect(topicNameSchema.safeParse(name).success).toBe(legal);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each(['.', '..', 'a'.repeat(250), 'bad topic', 'a/b', ''])('rejects %j', (name) => {
    expect(validateTopicName(name)).toEqual(expect.any(String));
  });

  it.each(['a', 'wildfire-nasa-firms', '...', 'A_b.c-9', 'a'.repeat(249)])('accepts %j', (name) => {
    expect(validateTopicName(name)).toBeUndefined();
  });

  it.each(['.', '..', 'a'.repeat(250), 'bad topic', 'a/b'])('config rejects topic %j with its name in the message', (name) => {
    const error = configErrorOf(() => resolveConfig({ topics: [{ name, partitions: 1 }], routing: { default_topic: name } }, { env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    const shown = name.length > 60 ? name.slice(0, 57) : name;
    const routing = issues.find((i) => i.path === 'routing.defaultTopic');
    expect(routing?.message).toContain(`"${shown}`);
    expect(routing?.received).toBe(name);
    expect(issues.some((i) => i.path.startsWith('topics[') && i.path.endsWith('.name') && i.received === name)).toBe(true);
  });
});
