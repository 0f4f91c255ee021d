import kafkajs from 'kafkajs';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { z } from 'zod';
import { positiveDurationMs, positiveInt } from '../config/schema/common.js';
import { TypedEmitter } from '../core/events.js';
import { ErrorCodes, FirestreamError, InvalidOptionError, isFirestreamError } from '../errors.js';
import { buildKafkaConfig, resolveKafkaJsOptions } from '../producer/kafkajs-options.js';
import { parseOptions } from '../producer/parse-options.js';
import { assertValidTopicName } from '../routing/topic-names.js';
import type { KafkaConnectionOptions } from '../throttling/kafka-lag-source.js';
import { IMAGE_KIND_HEADER } from './image-id.js';
import { headerText, imageAborted } from './image-messages.js';
import { ImageMessageDecoder } from './image-message-decoder.js';
import type { ImageMessageDecoderOptions } from './image-message-decoder.js';
import type { AssembledImage } from './image-decode-types.js';
import type { ImageAssemblerError, ImageAssemblerEvents, ImageAssemblerMetrics, ImageReadOptions } from './image-assembler-types.js';
import { ImageOffsetTracker } from './image-offsets.js';
import { ImageRedeliveries } from './image-redeliveries.js';

const MiB = 1_048_576;

/** Options of {@link ImageAssembler}: the Kafka connection (as for the producer) and what to read. */
export interface ImageAssemblerOptions extends KafkaConnectionOptions {
  /** The imagery topic. */
  topic: string;
  /** Consumer group; its committed offsets say where a restart resumes. */
  groupId: string;
  /** Read the topic from its start when the group has no committed offset (default false: new messages only). */
  fromBeginning?: boolean;
  /** The decoder, or options of one the assembler makes (and closes with itself). */
  decoder?: ImageMessageDecoder | ImageMessageDecoderOptions;
  /** Images decoded and not yet taken by the loop; reading waits while the buffer is full (default 2). */
  maxBufferedImages?: number;
  /** Most bytes fetched per partition and request (default 8 MiB; a larger message still comes whole). */
  maxBytesPerPartition?: number;
  /** Most bytes fetched per request (default 32 MiB). */
  maxBytes?: number;
  /** Consumer session timeout in ms (default 30,000). */
  sessionTimeoutMs?: number;
  /** Heartbeat interval in ms, also while reading waits for room (default 3,000). */
  heartbeatIntervalMs?: number;
  /**
   * Wait before reading messages again after an image was given up for time or memory, or a message
   * failed in a retryable way, in ms (default 1,000); it doubles with each redelivery in a row, up
   * to `maxRedeliveryBackoffMs`.
   */
  redeliveryBackoffMs?: number;
  /** Longest wait before a redelivery, in ms (default 30,000). */
  maxRedeliveryBackoffMs?: number;
}

/** Prefix of the offset tracker's key for a metadata message (its correlation id follows). */
const METADATA_KEY = 'metadata\u0000';

interface Buffered {
  /** The offset tracker's ticket of the image. */
  readonly ticket: number;
  readonly image: AssembledImage;
}

type State = 'idle' | 'running' | 'closed';

const OptionsSchema = z.object({
  topic: z.string(),
  groupId: z.string().min(1),
  fromBeginning: z.boolean().default(false),
  maxBufferedImages: positiveInt().max(1_000).default(2),
  maxBytesPerPartition: positiveInt().default(8 * MiB),
  maxBytes: positiveInt().default(32 * MiB),
  sessionTimeoutMs: positiveDurationMs().default(30_000),
  heartbeatIntervalMs: positiveDurationMs().default(3_000),
  redeliveryBackoffMs: positiveDurationMs().default(1_000),
  maxRedeliveryBackoffMs: positiveDurationMs().default(30_000),
});

const OWN_KEYS = ['topic', 'groupId', 'fromBeginning', 'decoder', 'maxBufferedImages', 'maxBytesPerPartition', 'maxBytes', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'redeliveryBackoffMs', 'maxRedeliveryBackoffMs'] as const;

/** The error the iteration ends with when the consumer cannot run. */
function consumerFailed(message: string, cause: unknown): FirestreamError {
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new FirestreamError(ErrorCodes.CONSUMER_FAILED, `Image consumer ${message}: ${why}.`, { cause, retryable: true });
}

/** `promise`, or a rejection as soon as `signal` aborts (the caller then disconnects). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(imageAborted('read', signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort!));
}

/**
 * Reads the imagery topic with a kafkajs consumer and yields verified images:
 * `for await (const image of assembler.images({ signal })) …`.
 *
 * Each message goes through an {@link ImageMessageDecoder}; a message it refuses is reported by
 * the `error` event and reading goes on. Decoded images wait in a buffer of `maxBufferedImages`;
 * while it is full the message handler waits (sending heartbeats) before decoding the next
 * message, so kafkajs fetches no further batch and memory stays bounded.
 *
 * Offsets are committed by the assembler, never automatically: a partition is committed up to the
 * first message of its oldest image not yet finished, where an image is finished once the loop
 * asks for the next image after it, or once a message of it proved corrupt. An image the decoder
 * gave up for time or memory (`timeout`, `memory_cap`), and a message that failed in a retryable
 * way (an object store outage, a first chunk refused for memory), are not finished: after a
 * backoff the partition is read again from that image's first message (`consumer.seek`), so
 * images read again before can come again. A restart also reads again every image the loop had
 * not finished: delivery is at least once, and a consumer that must not act twice on an image can
 * skip its `correlationId`.
 */
export class ImageAssembler extends TypedEmitter<ImageAssemblerEvents> {
  readonly #o: z.output<typeof OptionsSchema>;
  readonly #kafka: Kafka;
  readonly #clientRetries: number;
  readonly #decoder: ImageMessageDecoder;
  readonly #ownsDecoder: boolean;
  readonly #tracker = new ImageOffsetTracker();
  readonly #abort = new AbortController();
  #consumer: Consumer | undefined;
  #state: State = 'idle';
  #buffer: (Buffered | undefined)[] = [];
  #head = 0;
  #failure: unknown;
  #wake: (() => void) | undefined;
  #room: (() => void) | undefined;
  #backoff: (() => void) | undefined;
  #commits: Promise<void> = Promise.resolve();
  readonly #redeliveries: ImageRedeliveries;
  #closing: Promise<void> | undefined;
  readonly #unsubscribe: () => void;
  readonly #counts = { imagesYielded: 0, bytesYielded: 0, errors: 0, commits: 0, commitFailures: 0, redeliveries: 0, retryableFailures: 0 };

  /** @throws {@link InvalidOptionError} naming the bad option; `INVALID_TOPIC` for a bad topic name. */
  constructor(options: ImageAssemblerOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', options, 'must be an object');
    this.#o = parseOptions(OptionsSchema, Object.fromEntries(OWN_KEYS.filter((k) => k !== 'decoder').map((k) => [k, options[k]])), '');
    assertValidTopicName(this.#o.topic, 'topic');
    const connection: Record<string, unknown> = { ...options };
    for (const key of OWN_KEYS) delete connection[key];
    const resolved = resolveKafkaJsOptions(connection);
    this.#clientRetries = resolved.clientRetries;
    this.#redeliveries = new ImageRedeliveries(this.#o.redeliveryBackoffMs, this.#o.maxRedeliveryBackoffMs);
    this.#kafka = resolved.kafka ?? new kafkajs.Kafka(buildKafkaConfig(resolved));
    this.#ownsDecoder = !(options.decoder instanceof ImageMessageDecoder);
    this.#decoder = options.decoder instanceof ImageMessageDecoder ? options.decoder : new ImageMessageDecoder(options.decoder);
    this.#unsubscribe = this.#decoder.on('dropped', (event) => {
      if (event.scope === 'metadata') this.#tracker.close(METADATA_KEY + event.imageKey);
      else if (event.reason === 'corrupt') this.#tracker.close(event.imageKey);
      else if (event.reason !== 'closed') this.#redeliverImage(event.imageKey);
      this.emit('dropped', event);
    });
  }

  /**
   * The verified images of the topic, in the order they complete. Call it once: ending the loop
   * (`break`, an error, `signal`) closes the assembler. Rejects with the consumer's failure
   * when kafkajs cannot connect or gives up, and with `ABORTED` when `signal` aborts.
   */
  async *images(options: ImageReadOptions = {}): AsyncGenerator<AssembledImage, void, undefined> {
    if (this.#state !== 'idle') throw new InvalidOptionError('images()', this.#state, 'can be iterated once; create another ImageAssembler');
    this.#state = 'running';
    const { signal } = options;
    try {
      await this.#start(signal);
      for (;;) {
        const item = await this.#take(signal);
        if (item === undefined) return;
        this.#counts.imagesYielded += 1;
        this.#counts.bytesYielded += item.image.bytes.length;
        yield item.image;
        this.#tracker.release(item.ticket);
        this.#commit();
      }
    } finally {
      await this.close();
    }
  }

  /**
   * Commits what is finished, stops the consumer and disconnects; images decoded but not taken
   * are dropped (and read again by the next run). Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#state = 'closed';
    this.#wakeAll();
    this.#closing = (async () => {
      const consumer = this.#consumer;
      this.#commit();
      await this.#commits;
      this.#abort.abort();
      if (consumer !== undefined) await consumer.disconnect().catch(() => undefined);
      this.#unsubscribe();
      if (this.#ownsDecoder) this.#decoder.close();
      this.#buffer = [];
      this.#head = 0;
    })();
    return this.#closing;
  }

  /** Counters and gauges; plain data. */
  getMetrics(): ImageAssemblerMetrics {
    return Object.freeze({ ...this.#counts, buffered: this.#buffer.length - this.#head, openImages: this.#tracker.openImages, decoder: this.#decoder.getMetrics() });
  }

  async #start(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw imageAborted('read', signal);
    const { groupId, topic, fromBeginning } = this.#o;
    const consumer = this.#kafka.consumer({
      groupId,
      maxBytesPerPartition: this.#o.maxBytesPerPartition,
      maxBytes: this.#o.maxBytes,
      sessionTimeout: this.#o.sessionTimeoutMs,
      heartbeatInterval: this.#o.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      retry: { retries: this.#clientRetries },
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.#tracker.retain(new Map(Object.entries(payload.memberAssignment))));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) this.#report({ error: payload.error });
      else this.#fail(consumerFailed('stopped', payload.error));
    });
    try {
      await untilAborted(consumer.connect(), signal);
      await untilAborted(consumer.subscribe({ topics: [topic], fromBeginning }), signal);
      await untilAborted(consumer.run({ autoCommit: false, eachMessage: (payload) => this.#onMessage(payload) }), signal);
    } catch (err) {
      if (signal?.aborted) throw imageAborted('read', signal);
      throw consumerFailed(`of group ${groupId} could not start on topic ${topic}`, err);
    }
  }

  async #onMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    await this.#waitForRoom(heartbeat);
    if (this.#state !== 'running') return; // not handled: the next run reads it again
    const { offset } = message;
    let handled = true;
    try {
      const result = await this.#decoder.decode(message, { signal: this.#abort.signal });
      if (result.status === 'image') {
        const ticket = this.#tracker.hold(result.imageKey, topic, partition, offset, [METADATA_KEY + result.image.correlationId]);
        this.#redeliveries.reset();
        this.#buffer.push({ ticket, image: result.image });
        this.#wake?.();
      } else if (result.status === 'pending') {
        this.#tracker.open(result.imageKey, topic, partition, offset);
      } else if (result.status === 'metadata') {
        this.#tracker.open(METADATA_KEY + result.correlationId, topic, partition, offset);
      }
    } catch (error) {
      if (this.#state !== 'running') return;
      if (isFirestreamError(error) && error.retryable) {
        // Not handled: the commit stays at this message and the partition reads it again.
        handled = false;
        this.#counts.retryableFailures += 1;
        this.#tracker.retry(topic, partition, offset);
        this.#redeliveries.add(topic, partition, offset);
      }
      this.#report({ error, topic, partition, offset, kind: headerText(message.headers, IMAGE_KIND_HEADER) ?? '' });
    }
    if (handled) this.#tracker.handled(topic, partition, offset);
    this.#commit();
    if (this.#redeliveries.size > 0) await this.#redeliver(heartbeat);
  }

  /** An image given up for time or memory: keep the commit at its first message and read it again. */
  #redeliverImage(imageKey: string): void {
    const first = this.#tracker.firstOffset(imageKey);
    if (first !== undefined) this.#redeliveries.add(first.topic, first.partition, first.offset);
  }

  /** Waits the redelivery backoff (sending heartbeats), then seeks every partition with a message to read again. */
  async #redeliver(heartbeat: () => Promise<void>): Promise<void> {
    const { heartbeatIntervalMs } = this.#o;
    let wait = this.#redeliveries.nextWaitMs();
    while (wait > 0 && this.#state === 'running') {
      const step = Math.min(wait, heartbeatIntervalMs);
      await this.#sleep(step, false);
      wait -= step;
      if (this.#state === 'running') await heartbeat();
    }
    const consumer = this.#consumer;
    if (this.#state !== 'running' || consumer === undefined) return;
    for (const point of this.#redeliveries.take()) {
      try {
        consumer.seek(point);
        this.#counts.redeliveries += 1;
      } catch (error) {
        this.#report({ error, topic: point.topic, partition: point.partition });
      }
    }
  }

  /** Waits `ms`, or less when the assembler closes (or, with `forRoom`, when the loop takes an image). */
  async #sleep(ms: number, forRoom: boolean): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      if (forRoom) this.#room = resolve;
      else this.#backoff = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
    clearTimeout(timer);
    if (forRoom) this.#room = undefined;
    else this.#backoff = undefined;
  }

  async #waitForRoom(heartbeat: () => Promise<void>): Promise<void> {
    while (this.#state === 'running' && this.#buffer.length - this.#head >= this.#o.maxBufferedImages) {
      await this.#sleep(this.#o.heartbeatIntervalMs, true);
      if (this.#state === 'running') await heartbeat();
    }
  }

  async #take(signal: AbortSignal | undefined): Promise<Buffered | undefined> {
    for (;;) {
      if (signal?.aborted) throw imageAborted('read', signal);
      const item = this.#buffer[this.#head];
      if (item !== undefined) {
        this.#buffer[this.#head] = undefined;
        this.#head += 1;
        if (this.#head === this.#buffer.length) {
          this.#buffer = [];
          this.#head = 0;
        }
        this.#room?.();
        return item;
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#state === 'closed') return undefined;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Commits the points that moved, one commit at a time; a failed commit is offered again by the next. */
  #commit(): void {
    const consumer = this.#consumer;
    if (consumer === undefined || this.#tracker.due().length === 0) return;
    this.#commits = this.#commits.then(async () => {
      const points = this.#tracker.due();
      if (points.length === 0) return;
      try {
        await consumer.commitOffsets([...points]);
        this.#tracker.confirm(points);
        this.#counts.commits += 1;
      } catch (error) {
        this.#counts.commitFailures += 1;
        this.#report({ error });
      }
    });
  }

  #report(event: ImageAssemblerError): void {
    if (event.offset !== undefined) this.#counts.errors += 1;
    this.emit('error', Object.freeze(event));
  }

  #fail(error: FirestreamError): void {
    this.#failure ??= error;
    this.#wakeAll();
  }

  #wakeAll(): void {
    this.#wake?.();
    this.#room?.();
    this.#backoff?.();
  }
}
