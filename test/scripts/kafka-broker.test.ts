import { describe, expect, it } from 'vitest';
import { randomClusterId, renderServerProperties } from '../../scripts/kafka/broker.mjs';

function parse(text: string): Map<string, string> {
  return new Map(text.trim().split('\n').map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1)] as [string, string];
  }));
}

describe('renderServerProperties', () => {
  it('configures a single KRaft node on 127.0.0.1 that takes 20 MiB messages', () => {
    const props = parse(renderServerProperties({ port: 29092, controllerPort: 29093, dataDir: '/tmp/d' }));
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:29093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29092');
    expect(props.get('log.dirs')).toBe('/tmp/d');
    expect(props.get('message.max.bytes')).toBe(String(20 * 1024 * 1024));
    expect(props.get('replica.fetch.max.bytes')).toBe(String(20 * 1024 * 1024));
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('auto.create.topics.enable')).toBe('true');
    expect(props.get('num.partitions')).toBe('1');
  });

  it('advertises another port when asked, and extra properties override defaults', () => {
    const props = parse(renderServerProperties({
      port: 29092, controllerPort: 29093, advertisedPort: 29999, dataDir: '/tmp/d',
      extraProps: { 'num.partitions': 4, 'log.retention.ms': 60_000 },
    }));
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29999');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    expect(props.get('num.partitions')).toBe('4');
    expect(props.get('log.retention.ms')).toBe('60000');
  });
});

describe('randomClusterId', () => {
  it('is 16 bytes in base64url that does not start with a dash, and differs each call', () => {
    const ids = Array.from({ length: 200 }, () => randomClusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
