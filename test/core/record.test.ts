import { describe, expect, it } from 'vitest';
import { createEnvelope } from '../../src/core/record.js';
import { Priority } from '../../src/priority/priority.js';

describe('createEnvelope', () => {
  it('gives each record a unique stable id and stamps times from `now`', () => {
    const a = createEnvelope({ sourceId: 'firms_viirs', payload: { frp: 1 }, priority: Priority.HIGH, now: 1000 });
    const b = createEnvelope({ sourceId: 'firms_viirs', payload: { frp: 2 }, priority: Priority.HIGH, now: 1000 });
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).toMatchObject({ sourceId: 'firms_viirs', receivedAt: 1000, enqueuedAt: 1000, attempts: 0, priority: Priority.HIGH });
  });

  it('keeps a given id (records restored from the disk buffer)', () => {
    expect(createEnvelope({ sourceId: 's', payload: {}, priority: Priority.LOW, id: 'rec-1' }).id).toBe('rec-1');
  });
});
