import { z } from 'zod';
import { topicNameProblem } from '../../routing/topic-names.js';

/**
 * Checks `name` against Kafka's topic-name rules: 1 to 249 characters from `a-z`, `A-Z`, `0-9`,
 * `.`, `_` and `-`, and neither `.` nor `..`.
 *
 * @returns Why the name is illegal (for example `must not be "." or ".."`), or `undefined` when it
 *   is a legal topic name. Uses the same rules as the topic resolver, from one implementation.
 */
export function validateTopicName(name: unknown): string | undefined {
  return topicNameProblem(name);
}

/** zod schema of a Kafka topic name; the issue message names the offending topic and the rule it breaks. */
export const topicNameSchema = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: `topic name ${JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name)} is not a legal Kafka topic name: it ${problem}` });
  }
});
