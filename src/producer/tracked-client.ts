/** The part of a kafkajs producer or admin client that {@link TrackedClient} needs. */
export interface DisconnectableClient {
  /** Closes the client's connections. */
  disconnect(): Promise<void>;
}

const noop = (): void => undefined;

/**
 * A kafkajs client (producer or admin) plus the work still in flight on it.
 *
 * kafkajs cannot cancel a request: a `connect()`, `sendBatch()` or admin call keeps running (and
 * its retries may open new connections) after the firestream call that started it passed its
 * deadline. Once the client is {@link TrackedClient.retire | retired}, it is disconnected at
 * once and disconnected again when the last tracked piece of work settles, so no connection a
 * late retry opened outlives that work.
 *
 * @internal
 */
export class TrackedClient<C extends DisconnectableClient> {
  /** The kafkajs client. */
  readonly client: C;
  readonly #inFlight = new Set<Promise<unknown>>();
  #retired = false;
  readonly #closed: Promise<void>;
  #resolveClosed: () => void = noop;

  constructor(client: C) {
    this.client = client;
    this.#closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
  }

  /** True once {@link TrackedClient.retire} was called. */
  get retired(): boolean {
    return this.#retired;
  }

  /** Number of tracked calls still running. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Tracks `work` until it settles and returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const done = (): void => {
      this.#inFlight.delete(work);
      if (this.#retired && this.#inFlight.size === 0) this.#finalDisconnect();
    };
    work.then(done, done);
    return work;
  }

  /**
   * Marks the client as no longer used. Unless `afterWork` is set, it is disconnected now (kafkajs
   * lets pending requests finish first); when work is still in flight, it is disconnected again
   * once that work settles. With `afterWork`, only that later disconnect happens: right for a
   * client whose `connect()` is still running, since kafkajs's connect retries would reopen what
   * an early disconnect closed. Resolves when the immediate disconnect is done (never rejects);
   * {@link TrackedClient.closed} resolves after the final one.
   */
  retire(options: { afterWork?: boolean } = {}): Promise<void> {
    if (this.#retired) return Promise.resolve();
    this.#retired = true;
    if (this.#inFlight.size === 0) {
      this.#finalDisconnect();
      return this.#closed;
    }
    return options.afterWork ? Promise.resolve() : this.client.disconnect().then(noop, noop);
  }

  /** Resolves once the client is retired and its final disconnect is done. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  #finalDisconnect(): void {
    const done = (): void => this.#resolveClosed();
    this.client.disconnect().then(done, done);
  }
}
