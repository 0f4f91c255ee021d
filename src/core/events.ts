import { EventEmitter } from 'eventemitter3';

/**
 * A typed event emitter (eventemitter3) whose `on()` returns an unsubscribe function.
 *
 * Each part declares its event map, for example `{ drop: [DropEvent]; stateChange: [from, to] }`.
 *
 * @typeParam Events - Map of event name to the tuple of listener arguments.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #emitter = new EventEmitter();

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return () => {
      this.#emitter.off(event, listener as (...args: unknown[]) => void);
    };
  }

  /** Subscribes for one emission; returns a function that unsubscribes. */
  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return () => {
      this.#emitter.off(event, listener as (...args: unknown[]) => void);
    };
  }

  /** Number of listeners of an event. */
  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.#emitter.listenerCount(event);
  }

  /**
   * Emits an event. A listener that throws does not break the emitter's owner: the error is
   * caught and passed to {@link TypedEmitter.onListenerError}.
   */
  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    if (this.#emitter.listenerCount(event) === 0) return;
    try {
      this.#emitter.emit(event, ...args);
    } catch (err) {
      this.onListenerError(event, err);
    }
  }

  /** Called when a listener throws; override to log. The default ignores the error. */
  protected onListenerError(_event: string, _err: unknown): void {
    // listeners are user code; a bad listener must not take down the pipeline
  }
}
