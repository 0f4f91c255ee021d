import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import { createKafkaLogCreator, redact } from '../../src/producer/kafkajs-logging.js';

const { logLevel } = kafkajs;

function recordingLogger(): Logger & { lines: [string, object, string | undefined][] } {
  const lines: [string, object, string | undefined][] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push([level, obj, msg]);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('kafkajs log mapping', () => {
  it('routes each kafkajs level to the matching logger method with its namespace and fields', () => {
    const logger = recordingLogger();
    const log = createKafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: number, message: string) => ({ namespace: 'Producer', level, label: '', log: { timestamp: 'now', message, broker: 'b:9092' } });
    log(entry(logLevel.ERROR, 'e'));
    log(entry(logLevel.WARN, 'w'));
    log(entry(logLevel.INFO, 'i'));
    log(entry(logLevel.DEBUG, 'd'));
    expect(logger.lines).toEqual([
      ['error', { component: 'kafkajs', namespace: 'Producer', broker: 'b:9092' }, 'e'],
      ['warn', { component: 'kafkajs', namespace: 'Producer', broker: 'b:9092' }, 'w'],
      ['info', { component: 'kafkajs', namespace: 'Producer', broker: 'b:9092' }, 'i'],
      ['debug', { component: 'kafkajs', namespace: 'Producer', broker: 'b:9092' }, 'd'],
    ]);
  });

  it('logs failed ListOffsets probes of new topics at debug, other connection errors at error', () => {
    const logger = recordingLogger();
    const log = createKafkaLogCreator(logger)(logLevel.INFO);
    const entry = (message: string) => ({ namespace: 'Connection', level: logLevel.ERROR, label: '', log: { timestamp: 'now', message } });
    log(entry('Response ListOffsets(key: 2, version: 3)'));
    log(entry('Response Produce(key: 0, version: 7)'));
    expect(logger.lines.map(([level, , msg]) => [level, msg])).toEqual([
      ['debug', 'Response ListOffsets(key: 2, version: 3)'],
      ['error', 'Response Produce(key: 0, version: 7)'],
    ]);
  });

  it('never writes SASL credentials', () => {
    const logger = recordingLogger();
    const log = createKafkaLogCreator(logger)(logLevel.DEBUG);
    log({
      namespace: 'SASLPlainAuthenticator',
      level: logLevel.DEBUG,
      label: '',
      log: { timestamp: 'now', message: 'auth', sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' }, request: { password: 'hunter2', secretAccessKey: 'AKIA' } },
    });
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
    expect(JSON.stringify(logger.lines)).not.toContain('AKIA');
  });

  it('keeps kafkajs running when the logger throws', () => {
    const throwing: Logger = { debug: () => { throw new Error('x'); }, info: () => { throw new Error('x'); }, warn: () => { throw new Error('x'); }, error: () => { throw new Error('x'); } };
    const log = createKafkaLogCreator(throwing)(logLevel.INFO);
    expect(() => log({ namespace: 'n', level: logLevel.ERROR, label: '', log: { timestamp: 't', message: 'm' } })).not.toThrow();
  });

  it('redacts nested credential-like keys and flattens errors', () => {
    expect(redact({ a: { token: 't', ok: 1 }, list: [{ password: 'p' }], err: new Error('bad') })).toEqual({
      a: { token: '[REDACTED]', ok: 1 },
      list: [{ password: '[REDACTED]' }],
      err: { name: 'Error', message: 'bad' },
    });
  });

  it('redaction gaps: deep nesting, URL passwords, cookies and Buffers use the one secret rule of core/secrets', () => {
    const deep = { a: { b: { c: { d: { e: { sasl: { password: 'hunter2' } } } } } } };
    const fields = {
      deep,
      url: 'mqtt://svc:SECRETMQTT@broker:1883',
      headers: { Cookie: 'session=SECRETCOOKIE', Authorization: 'Bearer SECRETBEARER' },
      payload: Buffer.alloc(200_000),
    };
    const text = JSON.stringify(redact(fields));
    for (const secret of ['hunter2', 'SECRETMQTT', 'SECRETCOOKIE', 'SECRETBEARER']) expect(text).not.toContain(secret);
    expect(redact(fields)).toMatchObject({ url: 'mqtt://svc:[REDACTED]@broker:1883', payload: '<Buffer 200000 bytes>' });
    const tooDeep = redact({ l1: { l2: { l3: { l4: { l5: { l6: { l7: { l8: { l9: { secretless: 'raw' } } } } } } } } } });
    expect(JSON.stringify(tooDeep)).toContain('[truncated]');
    expect(JSON.stringify(tooDeep)).not.toContain('raw');
  });
});
