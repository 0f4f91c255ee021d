import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/queue/ring-buffer.js';

describe('RingBuffer', () => {
  it('behaves like an array used as a FIFO (push / shift / peek / at), stamps included', () => {
    const op = fc.oneof(fc.record({ push: fc.integer() }), fc.constant('shift' as const), fc.constant('clear' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const ring = new RingBuffer<number>();
        const model: number[] = [];
        for (const o of ops) {
          if (o === 'shift') expect(ring.shift()).toBe(model.shift());
          else if (o === 'clear') {
            ring.clear();
            model.length = 0;
          } else {
            ring.push(o.push, o.push * 2);
            model.push(o.push);
          }
          expect(ring.size).toBe(model.length);
          expect(ring.peek()).toBe(model[0]);
          expect(ring.peekStamp()).toBe(model.length === 0 ? Number.POSITIVE_INFINITY : (model[0] as number) * 2);
          expect(ring.at(model.length - 1)).toBe(model[model.length - 1]);
        }
        expect(Array.from({ length: ring.size }, (_, i) => ring.at(i))).toEqual(model);
      }),
    );
  });

  it('grows by doubling from a power of two, keeping order across the wrap', () => {
    const ring = new RingBuffer<number>(10);
    expect(ring.capacity).toBe(16);
    for (let i = 0; i < 10; i++) ring.push(i);
    for (let i = 0; i < 8; i++) ring.shift();
    for (let i = 10; i < 30; i++) ring.push(i); // wraps, then grows
    expect(ring.capacity).toBe(32);
    expect(Array.from({ length: ring.size }, (_, i) => ring.at(i))).toEqual(Array.from({ length: 22 }, (_, i) => i + 8));
    expect(ring.at(-1)).toBeUndefined();
    expect(ring.at(22)).toBeUndefined();
  });

  it('returns undefined and an infinite stamp when empty', () => {
    const ring = new RingBuffer<string>();
    expect(ring.shift()).toBeUndefined();
    expect(ring.peek()).toBeUndefined();
    expect(ring.peekStamp()).toBe(Number.POSITIVE_INFINITY);
  });
});
