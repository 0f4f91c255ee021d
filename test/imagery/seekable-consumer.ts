import type { EachMessagePayload, KafkaMessage } from 'kafkajs';

const TOPIC = 'imagery';

/** A message on a partition, or something to do between messages. */
export type Step = { readonly p: number; readonly m: KafkaMessage } | { readonly run: () => void };

/**
 * A kafkajs consumer stand-in over several partitions: `run` feeds the steps to `eachMessage` one at
 * a time; `seek` takes the partition's later steps out and queues its messages from the offset
 * again at the end (other partitions go on meanwhile, as with a real consumer).
 */
export class SeekableConsumer {
  readonly events = { GROUP_JOIN: 'group_join', CRASH: 'crash' };
  readonly commits: { partition: number; offset: string }[] = [];
  readonly seeks: { partition: number; offset: string }[] = [];
  /** Offsets `eachMessage` has been called with. */
  readonly delivered: string[] = [];
  disconnects = 0;
  running = false;
  #queue: Step[];
  #next = 0;
  constructor(steps: Step[]) {
    this.#queue = [...steps];
  }
  on(): () => void {
    return () => undefined;
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run({ eachMessage }: { eachMessage: (p: EachMessagePayload) => Promise<void> }): Promise<void> {
    this.running = true;
    const log = this.#queue.filter((s): s is { p: number; m: KafkaMessage } => 'm' in s);
    this.log = log;
    void (async () => {
      while (this.running && this.#next < this.#queue.length) {
        const step = this.#queue[this.#next++]!;
        if ('run' in step) step.run();
        else {
          this.delivered.push(step.m.offset);
          await eachMessage({ topic: TOPIC, partition: step.p, message: step.m, heartbeat: async () => undefined, pause: () => () => undefined });
        }
      }
    })();
  }
  log: { p: number; m: KafkaMessage }[] = [];
  seek({ partition, offset }: { topic: string; partition: number; offset: string }): void {
    this.seeks.push({ partition, offset });
    const rest = this.#queue.slice(this.#next).filter((s) => !('m' in s) || s.p !== partition);
    const again = this.log.filter((s) => s.p === partition && BigInt(s.m.offset) >= BigInt(offset));
    this.#queue = [...rest, ...again];
    this.#next = 0;
  }
  async commitOffsets(points: { partition: number; offset: string }[]): Promise<void> {
    if (this.running) this.commits.push(...points.map((p) => ({ partition: p.partition, offset: p.offset })));
  }
  async disconnect(): Promise<void> {
    this.disconnects += 1;
    this.running = false;
  }
  /** Highest offset committed on `partition` so far. */
  maxCommit(partition: number): number {
    return Math.max(-1, ...this.commits.filter((c) => c.partition === partition).map((c) => Number(c.offset)));
  }
}
