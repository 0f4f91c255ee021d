import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { ErrorCodes, FirestreamError, InvalidOptionError } from '../errors.js';
import type { CompressionName } from './codecs/codec.js';
import type { OutgoingMessage, PartitionAck, SendResult, TopicBatch, TopicSendResult } from './record-producer.js';

/** Messages that share one compression codec and so go in one `sendBatch` call. */
export interface CodecGroup {
  /** Codec of every topic in the group. */
  compression: CompressionName;
  /** Topic messages in kafkajs's shape. */
  topicMessages: TopicMessages[];
}

/** A send split by codec, plus the message count per topic in request order. */
export interface SendPlan {
  /** One group per codec used. */
  groups: CodecGroup[];
  /** Message count per topic, in the order topics first appear. */
  counts: Map<string, number>;
}

function toKafkaMessage(message: OutgoingMessage, where: string): Message {
  if (message === null || typeof message !== 'object') throw new InvalidOptionError(where, message, 'must be a message object');
  const { key, value, headers, partition, timestamp } = message;
  const out: Message = { value };
  if (key !== undefined) out.key = key;
  if (headers !== undefined) out.headers = { ...headers };
  if (partition !== undefined) out.partition = partition;
  if (timestamp !== undefined) out.timestamp = String(timestamp);
  return out;
}

/**
 * Validates batches and groups them by each topic's codec (kafkajs compresses a whole
 * `sendBatch` call with one codec). Batches for the same topic are merged in order; empty
 * batches are skipped.
 */
export function planSend(batches: readonly TopicBatch[], compressionFor: (topic: string) => CompressionName): SendPlan {
  if (!Array.isArray(batches)) throw new InvalidOptionError('batches', batches, 'must be an array of { topic, messages }');
  const byTopic = new Map<string, Message[]>();
  batches.forEach((batch, i) => {
    if (batch === null || typeof batch !== 'object' || typeof batch.topic !== 'string' || batch.topic.length === 0) {
      throw new InvalidOptionError(`batches[${i}].topic`, batch?.topic, 'must be a non-empty topic name');
    }
    if (!Array.isArray(batch.messages)) throw new InvalidOptionError(`batches[${i}].messages`, batch.messages, 'must be an array');
    if (batch.messages.length === 0) return;
    let list = byTopic.get(batch.topic);
    if (!list) byTopic.set(batch.topic, (list = []));
    for (let j = 0; j < batch.messages.length; j += 1) list.push(toKafkaMessage(batch.messages[j] as OutgoingMessage, `batches[${i}].messages[${j}]`));
  });
  const groups = new Map<CompressionName, CodecGroup>();
  const counts = new Map<string, number>();
  for (const [topic, messages] of byTopic) {
    counts.set(topic, messages.length);
    const compression = compressionFor(topic);
    let group = groups.get(compression);
    if (!group) groups.set(compression, (group = { compression, topicMessages: [] }));
    group.topicMessages.push({ topic, messages });
  }
  return { groups: [...groups.values()], counts };
}

/** Builds the {@link SendResult} from kafkajs's per-partition metadata. */
export function buildSendResult(counts: ReadonlyMap<string, number>, metadata: readonly RecordMetadata[]): SendResult {
  const acks = new Map<string, PartitionAck[]>();
  for (const m of metadata) {
    if (m.errorCode !== 0) {
      throw new FirestreamError(ErrorCodes.PRODUCER_SEND_FAILED, `Broker reported error code ${m.errorCode} for ${m.topicName}[${m.partition}].`, {
        retryable: true,
        context: { topic: m.topicName, partition: m.partition, errorCode: m.errorCode },
      });
    }
    let list = acks.get(m.topicName);
    if (!list) acks.set(m.topicName, (list = []));
    const offset = m.baseOffset ?? m.offset;
    list.push(Object.freeze(offset === undefined ? { partition: m.partition } : { partition: m.partition, baseOffset: offset }));
  }
  const topics: TopicSendResult[] = [];
  let messageCount = 0;
  for (const [topic, count] of counts) {
    messageCount += count;
    const partitions = (acks.get(topic) ?? []).sort((a, b) => a.partition - b.partition);
    topics.push(Object.freeze({ topic, count, partitions: Object.freeze(partitions) }));
  }
  return Object.freeze({ topics: Object.freeze(topics), messageCount });
}
