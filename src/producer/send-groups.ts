import type { RecordMetadata } from 'kafkajs';
import { FirestreamError } from '../errors.js';
import { wrapKafkaError } from './kafkajs-errors.js';
import type { SendResult, TopicSendResult } from './record-producer.js';
import { buildSendResult } from './send-plan.js';
import type { CodecGroup, SendPlan } from './send-plan.js';

/** Sends one codec group (one kafkajs `sendBatch`). */
export type GroupSender = (group: CodecGroup) => Promise<RecordMetadata[]>;

/** A topic of a failed send call that the broker did not confirm. */
export interface FailedTopic {
  /** Topic name. */
  readonly topic: string;
  /** Messages of the call for this topic. */
  readonly count: number;
  /** Code of the failure of this topic's request (`RECORD_TOO_LARGE`, `PRODUCER_SEND_FAILED`, …). */
  readonly code: string;
  /** Whether resending this topic's messages may succeed. */
  readonly retryable: boolean;
  /** What went wrong. */
  readonly message: string;
}

/**
 * Sends the groups one at a time, in order, and reports each outcome; every group is attempted
 * even when an earlier one failed (they go to different topics). Stops early only when `signal`
 * aborts (the call has then already rejected).
 */
export async function sendGroupsInSequence(groups: readonly CodecGroup[], sendOne: GroupSender, signal: AbortSignal): Promise<PromiseSettledResult<RecordMetadata[]>[]> {
  const outcomes: PromiseSettledResult<RecordMetadata[]>[] = [];
  for (const group of groups) {
    if (signal.aborted) throw signal.reason;
    try {
      outcomes.push({ status: 'fulfilled', value: await sendOne(group) });
    } catch (reason) {
      outcomes.push({ status: 'rejected', reason });
    }
  }
  return outcomes;
}

/** Sends the groups in parallel and waits for every one of them to settle. */
export function sendGroupsInParallel(groups: readonly CodecGroup[], sendOne: GroupSender): Promise<PromiseSettledResult<RecordMetadata[]>[]> {
  return Promise.allSettled(groups.map((group) => sendOne(group)));
}

/**
 * Turns the outcome of every codec group into the call's {@link SendResult}, or, when any group
 * failed, throws one {@link FirestreamError} that says which topics were written and which were
 * not:
 *
 * - `context.delivered`: a {@link TopicSendResult} (count and partition acks) per topic written;
 * - `context.failed`: a {@link FailedTopic} per topic not written, with its own code and `retryable`;
 * - `code`: the failure's code when one request failed; with several, the code of the first
 *   non-retryable failure (else of the first failure);
 * - `retryable`: true only when every failed topic may succeed on a resend. Resend only the failed
 *   topics: the delivered ones are in Kafka already.
 */
export function settleGroups(plan: SendPlan, outcomes: readonly PromiseSettledResult<RecordMetadata[]>[]): SendResult {
  const delivered = new Map<string, TopicSendResult>();
  const failures: { topics: string[]; error: FirestreamError; reason: unknown }[] = [];
  outcomes.forEach((outcome, i) => {
    const topics = (plan.groups[i] as CodecGroup).topicMessages.map((t) => t.topic);
    try {
      if (outcome.status === 'rejected') throw outcome.reason;
      const counts = new Map(topics.map((topic) => [topic, plan.counts.get(topic) ?? 0]));
      for (const result of buildSendResult(counts, outcome.value).topics) delivered.set(result.topic, result);
    } catch (reason) {
      failures.push({ topics, reason, error: wrapKafkaError(reason, { operation: 'send', topics }) });
    }
  });
  if (failures.length === 0) {
    const topics = [...plan.counts.keys()].map((topic) => delivered.get(topic) as TopicSendResult);
    return Object.freeze({ topics: Object.freeze(topics), messageCount: topics.reduce((n, t) => n + t.count, 0) });
  }
  throw partialSendError(plan, delivered, failures);
}

function partialSendError(plan: SendPlan, delivered: ReadonlyMap<string, TopicSendResult>, failures: readonly { topics: string[]; error: FirestreamError; reason: unknown }[]): FirestreamError {
  const failed: FailedTopic[] = failures.flatMap(({ topics, error }) =>
    topics.map((topic) => Object.freeze({ topic, count: plan.counts.get(topic) ?? 0, code: error.code, retryable: error.retryable, message: error.message })),
  );
  const first = failures.find((f) => !f.error.retryable) ?? (failures[0] as (typeof failures)[number]);
  const retryable = failures.every((f) => f.error.retryable);
  const written = [...delivered.values()];
  const context = {
    operation: 'send',
    topics: [...plan.counts.keys()],
    delivered: Object.freeze(written),
    failed: Object.freeze(failed),
  };
  if (failures.length === 1 && written.length === 0) {
    // Nothing was written: the error is the failed request's own, with the per-topic context.
    return new FirestreamError(first.error.code, first.error.message, { cause: first.reason, retryable, context: { ...first.error.context, ...context } });
  }
  const failedText = failed.map((f) => `${f.topic} (${f.code.replace(/^FIRESTREAM_/, '')}${f.retryable ? ', retryable' : ', not retryable'})`).join(', ');
  const writtenText = written.length === 0 ? 'no topic was written' : `written: ${written.map((t) => `${t.topic} (${t.count})`).join(', ')}`;
  const cause = failures.length === 1 ? first.reason : new AggregateError(failures.map((f) => f.error), 'several codec groups failed');
  return new FirestreamError(
    first.error.code,
    `Producer send failed for ${failedText}; ${writtenText}. Resend only the failed topics (see context.failed and context.delivered). First failure: ${first.error.message}`,
    { cause, retryable, context },
  );
}
