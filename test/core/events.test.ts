import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../src/core/events.js';

type Events = { tick: [n: number]; done: [] };

class Ticker extends TypedEmitter<Events> {
  errors: unknown[] = [];
  tick(n: number): void {
    this.emit('tick', n);
  }
  protected override onListenerError(_event: string, err: unknown): void {
    this.errors.push(err);
  }
}

describe('TypedEmitter', () => {
  it('on() returns an unsubscribe function', () => {
    const t = new Ticker();
    const seen: number[] = [];
    const off = t.on('tick', (n) => seen.push(n));
    t.tick(1);
    off();
    t.tick(2);
    expect(seen).toEqual([1]);
    expect(t.listenerCount('tick')).toBe(0);
  });

  it('once() fires a single time', () => {
    const t = new Ticker();
    const seen: number[] = [];
    t.once('tick', (n) => seen.push(n));
    t.tick(1);
    t.tick(2);
    expect(seen).toEqual([1]);
  });

  it('a throwing listener does not break the emitter owner', () => {
    const t = new Ticker();
    t.on('tick', () => {
      throw new Error('bad listener');
    });
    expect(() => t.tick(1)).not.toThrow();
    expect(t.errors).toHaveLength(1);
  });
});
