/**
 * The seam between firestream and a Kafka client.
 *
 * A {@link RecordProducer} writes batches of messages to topics and reports what the broker
 * acknowledged. Its boundary is deliberately narrow:
 *
 * - it does **not** retry beyond what its own client does; retries with backoff, the circuit
 *   breaker, the DLQ and the disk buffer live above it (`ProducerWrapper`);
 * - it does **not** know about priorities, queues or where records came from;
 * - every call is bounded by a deadline ({@link DEFAULT_PRODUCER_TIMEOUT_MS} unless the call sets
 *   `timeoutMs`). A call past its deadline rejects with code `PRODUCER_TIMEOUT` (retryable,
 *   meaning "outcome unknown": the broker may or may not have appended the batch), and a call
 *   whose `signal` aborts rejects with code `ABORTED`;
 * - a send before `connect()` rejects with code `PRODUCER_NOT_CONNECTED`.
 *
 * Implementations can be checked with `runProducerContract` from `firestream/testing`.
 *
 * @module
 */

/** Default deadline of every producer call, in milliseconds. */
export const DEFAULT_PRODUCER_TIMEOUT_MS = 30_000;

/** Options accepted by every producer call. */
export interface ProducerCallOptions {
  /** Aborts the call; it then rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** Deadline for this call in milliseconds (default {@link DEFAULT_PRODUCER_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** One message to write. */
export interface OutgoingMessage {
  /** Partitioning key; `null` or absent lets the client choose the partition. */
  key?: string | Buffer | null;
  /** The message body; `null` writes a tombstone. */
  value: Buffer | string | null;
  /** Message headers; firestream always sets `firestream-record-id`. */
  headers?: Record<string, string | Buffer>;
  /** Explicit partition; overrides the key's partitioning. */
  partition?: number;
  /** Message timestamp in epoch milliseconds, as a string (Kafka's wire type) or a number. */
  timestamp?: string | number;
}

/** The messages for one topic. */
export interface TopicBatch {
  /** Destination topic. */
  topic: string;
  /** Messages in the order they should be appended (per partition). */
  messages: OutgoingMessage[];
}

/** What the broker acknowledged for one partition of one topic. */
export interface PartitionAck {
  /** Partition id. */
  readonly partition: number;
  /** Offset of the first message appended to this partition, when the client reports it. */
  readonly baseOffset?: string;
  /** Number of messages of this call appended to this partition, when the client reports it. */
  readonly count?: number;
}

/** What the broker acknowledged for one topic. */
export interface TopicSendResult {
  /** Topic name. */
  readonly topic: string;
  /** Number of messages of this call written to the topic. */
  readonly count: number;
  /** Per-partition acknowledgements (may be empty when the client does not report them). */
  readonly partitions: readonly PartitionAck[];
}

/** Result of {@link RecordProducer.send}. */
export interface SendResult {
  /** One entry per topic that had at least one message, in the order of the request. */
  readonly topics: readonly TopicSendResult[];
  /** Total messages written by the call. */
  readonly messageCount: number;
}

/** Result of {@link RecordProducer.healthCheck}. */
export interface ProducerHealth {
  /** True when the producer is connected and the broker answered. */
  readonly healthy: boolean;
  /** True between a successful `connect()` and `disconnect()`. */
  readonly connected: boolean;
  /** Round-trip time of the health probe, when one was made. */
  readonly latencyMs?: number;
  /** Why the producer is not healthy. */
  readonly error?: string;
}

/**
 * Writes batches to Kafka. See the module documentation for the boundary every implementation
 * must respect; `runProducerContract` (in `firestream/testing`) checks it.
 */
export interface RecordProducer {
  /** Connects to the cluster. Calling it again while connected is a no-op. */
  connect(options?: ProducerCallOptions): Promise<void>;
  /**
   * Writes the batches and resolves once the broker acknowledged them (per the producer's `acks`).
   * An empty list resolves at once with an empty result.
   *
   * A call may need several requests (`KafkaJsProducer` makes one per compression codec). When
   * one of them fails, the call still waits for the others, then rejects with one error whose
   * `context.delivered` lists the topics written (count and partition acks) and `context.failed`
   * the topics not written, each with its own `code` and `retryable`. The error's `code` is that
   * of the (first non-retryable) failure and `retryable` is true only when every failed topic may
   * succeed on a resend. Resend only the failed topics: the delivered ones are in Kafka already.
   * A `PRODUCER_TIMEOUT` or `ABORTED` rejection says nothing about which topics were written.
   */
  send(batches: readonly TopicBatch[], options?: ProducerCallOptions): Promise<SendResult>;
  /** Reports whether the producer is connected and the broker answers; never rejects. */
  healthCheck(): Promise<ProducerHealth>;
  /** Disconnects. Idempotent, safe when never connected, and never hangs past its deadline. */
  disconnect(options?: ProducerCallOptions): Promise<void>;
}

/** An empty {@link SendResult}, frozen. */
export const EMPTY_SEND_RESULT: SendResult = Object.freeze({ topics: Object.freeze([]), messageCount: 0 });
