import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors.js';
import { resolveTopicSpecs, topicConfigEntries } from '../../src/producer/topic-spec.js';

describe('topic specs', () => {
  it('applies defaults and builds config entries', () => {
    const [spec] = resolveTopicSpecs([{ name: 'wildfire-nasa-firms', partitions: 6, compression: 'zstd', retentionMs: 86_400_000, maxMessageBytes: 1_048_576 }]);
    expect(spec).toEqual({ name: 'wildfire-nasa-firms', partitions: 6, replicationFactor: 1, compression: 'zstd', retentionMs: 86_400_000, maxMessageBytes: 1_048_576 });
    expect(topicConfigEntries(spec!)).toEqual([
      { name: 'retention.ms', value: '86400000' },
      { name: 'max.message.bytes', value: '1048576' },
    ]);
    const [plain] = resolveTopicSpecs([{ name: 'wildfire-default', partitions: 1 }]);
    expect(plain?.compression).toBe('none');
    expect(topicConfigEntries(plain!)).toEqual([]);
  });

  it('rejects bad specs naming the field', () => {
    expect(() => resolveTopicSpecs([{ name: 'ok', partitions: 0 }])).toThrow(/topics\[0\]\.partitions/);
    expect(() => resolveTopicSpecs([{ name: 'bad name', partitions: 1 }])).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_TOPIC }));
    expect(() => resolveTopicSpecs([{ name: 'a', partitions: 1 }, { name: 'a', partitions: 2 }])).toThrow(/topics\[1\]\.name/);
    expect(() => resolveTopicSpecs([{ name: 'a', partitions: 1, compression: 'snappy' as 'none' }])).toThrow(/topics\[0\]\.compression/);
  });
});
