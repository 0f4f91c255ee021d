import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/config/deep-freeze.js';
import { resolveConfig } from '../../src/config/load-config.js';

class Agent {
  keepAlive = true;
}

describe('deepFreeze', () => {
  it('freezes plain objects and lists only, and handles cycles', () => {
    const cyclic: Record<string, unknown> = { list: [{ a: 1 }] };
    cyclic.self = cyclic;
    deepFreeze(cyclic);
    expect(Object.isFrozen(cyclic)).toBe(true);
    expect(Object.isFrozen((cyclic.list as object[])[0])).toBe(true);
    const agent = new Agent();
    const buffer = Buffer.from('abc');
    deepFreeze({ agent, buffer, when: new Date(0) });
    expect(Object.isFrozen(agent)).toBe(false);
    expect(Object.isFrozen(buffer)).toBe(false);
  });
});

describe('non-plain values in options (regression: the caller objects were frozen, a Buffer crashed)', () => {
  it('keeps an agent, a Date and a Buffer as given, unfrozen, inside a frozen config', () => {
    const agent = new Agent();
    const when = new Date(0);
    const ca = Buffer.from('PEM');
    const config = resolveConfig({ sources: [{ source_id: 'a', type: 'x', options: { agent, when, ca, nested: { list: [1] } } }] }, { env: {} });
    const options = config.sources[0]?.options as Record<string, unknown>;
    expect(options.agent).toBe(agent);
    expect(options.when).toBe(when);
    expect(options.ca).toBe(ca);
    expect(Object.isFrozen(agent)).toBe(false);
    expect(Object.isFrozen(when)).toBe(false);
    expect(Object.isFrozen(ca)).toBe(false);
    agent.keepAlive = false; // still the caller's object to change
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.nested)).toBe(true);
  });
});
