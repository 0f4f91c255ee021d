import { describeValue, ErrorCodes, FirestreamError } from '../errors.js';

/** Longest topic name Kafka accepts. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL_TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/;

/**
 * Returns why `name` is not a legal Kafka topic name, or `undefined` when it is legal.
 *
 * Kafka's rules: 1 to 249 characters from `a-z`, `A-Z`, `0-9`, `.`, `_` and `-`, and neither `.`
 * nor `..`.
 */
export function topicNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `must be at most ${MAX_TOPIC_NAME_LENGTH} characters long (it has ${name.length})`;
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (!LEGAL_TOPIC_CHARS.test(name)) return "may contain only a-z, A-Z, 0-9, '.', '_' and '-'";
  return undefined;
}

/** Returns true when `name` is a legal Kafka topic name (see {@link topicNameProblem}). */
export function isValidTopicName(name: unknown): name is string {
  return topicNameProblem(name) === undefined;
}

/**
 * Throws a {@link FirestreamError} with code `FIRESTREAM_INVALID_TOPIC` when `name` is not a legal
 * Kafka topic name; returns the name otherwise.
 *
 * @param name - The topic name to check.
 * @param option - Where the name came from (for example `customMappings["iot_x"]`), named in the message.
 */
export function assertValidTopicName(name: unknown, option?: string): string {
  const problem = topicNameProblem(name);
  if (problem === undefined) return name as string;
  const where = option === undefined ? '' : ` in option "${option}"`;
  throw new FirestreamError(
    ErrorCodes.INVALID_TOPIC,
    `Invalid Kafka topic name ${describeValue(name)}${where}: it ${problem}. Use 1 to ${MAX_TOPIC_NAME_LENGTH} characters from a-z, A-Z, 0-9, '.', '_' and '-'.`,
    { context: { topic: name, option } },
  );
}
