import { describe, expect, it } from 'vitest';
import { TrackedClient } from '../../src/producer/tracked-client.js';
import { delay } from './fake-kafka.js';

/** A client whose connection state a test can read: `open` counts connections left open. */
function client() {
  const state = { open: 1, reopenOnSettle: false };
  return { state, disconnect: async () => void (state.open = 0) };
}

describe('TrackedClient', () => {
  it('closes a retired client now, and again when work still in flight settles (kafkajs retries reopen connections)', async () => {
    const c = client();
    const tracked = new TrackedClient(c);
    const work = tracked.track(delay(50).then(() => void (c.state.open = 1)));
    await tracked.retire();
    expect(c.state.open).toBe(0);
    await work;
    await tracked.closed;
    expect(c.state.open).toBe(0);
    expect(tracked.inFlight).toBe(0);
  });

  it('with afterWork, leaves a connecting client alone until its work settles', async () => {
    const c = client();
    const tracked = new TrackedClient(c);
    const connecting = tracked.track(delay(50));
    await tracked.retire({ afterWork: true });
    expect(c.state.open).toBe(1);
    await connecting;
    await tracked.closed;
    expect(c.state.open).toBe(0);
  });

  it('closes an idle client at once and never rejects on a failing disconnect', async () => {
    const tracked = new TrackedClient({ disconnect: () => Promise.reject(new Error('boom')) });
    const failing = tracked.track(Promise.reject(new Error('work failed')));
    await expect(failing).rejects.toThrow('work failed');
    await expect(tracked.retire()).resolves.toBeUndefined();
    await expect(tracked.closed).resolves.toBeUndefined();
    expect(tracked.retired).toBe(true);
  });
});
