import { describe, expect, it } from 'vitest';
import { isS3ProxyCommandLine, judgeS3ProxyRecord, randomCredentials, renderS3ProxyProperties } from '../../scripts/s3/server.mjs';

const props = '/repo/.cache/s3proxy/run-9000/s3proxy.properties';
const s3proxyArgs = { args: ['java', '-cp', '/jar', 'org.gaul.s3proxy.Main', '--properties', props] };

describe('scripts/s3 configuration', () => {
  it('makes up new credentials for every start', () => {
    const a = randomCredentials();
    const b = randomCredentials();
    expect(a.accessKeyId).toMatch(/^FS[0-9A-F]{18}$/);
    expect(a.secretAccessKey).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
  });

  it('renders signed-only, filesystem-backed properties on 127.0.0.1', () => {
    const text = renderS3ProxyProperties({ port: 9123, accessKeyId: 'ID', secretAccessKey: 'SECRET', baseDir: '/data', extraProps: { 's3proxy.v4-max-non-chunked-request-size': 1 } });
    expect(text.split('\n')).toEqual(expect.arrayContaining([
      's3proxy.endpoint=http://127.0.0.1:9123',
      's3proxy.authorization=aws-v2-or-v4',
      's3proxy.identity=ID',
      's3proxy.credential=SECRET',
      'jclouds.provider=filesystem-nio2',
      'jclouds.filesystem.basedir=/data',
      's3proxy.v4-max-non-chunked-request-size=1',
    ]));
  });
});

describe('scripts/s3 ownership', () => {
  it('recognises the S3Proxy of a properties file, and nothing else', () => {
    expect(isS3ProxyCommandLine(s3proxyArgs, props)).toBe(true);
    expect(isS3ProxyCommandLine({ args: ['java', 'kafka.Kafka', props] }, props)).toBe(false);
    expect(isS3ProxyCommandLine({ args: [...s3proxyArgs.args.slice(0, -1), '/other.properties'] }, props)).toBe(false);
    expect(isS3ProxyCommandLine({ text: `java -cp /jar org.gaul.s3proxy.Main --properties ${props}` }, props)).toBe(true);
    expect(isS3ProxyCommandLine(undefined, props)).toBe(undefined);
  });

  type Line = { args: string[] } | undefined;
  const rows: [string, string, Parameters<typeof judgeS3ProxyRecord>[0], number[], Line][] = [
    ['no record', 'empty', undefined, [], s3proxyArgs],
    ['dead server', 'gone', { pid: 10, ownerPid: 20, propsFile: props }, [20], s3proxyArgs],
    ['pid reused by another program', 'foreign', { pid: 10, ownerPid: 20, propsFile: props }, [10, 20], { args: ['vim'] }],
    ['pid reused by a Kafka broker of the same file', 'foreign', { pid: 10, ownerPid: 20, propsFile: props }, [10, 20], { args: ['java', 'kafka.Kafka', props] }],
    ['owner alive', 'owned', { pid: 10, ownerPid: 20, propsFile: props }, [10, 20], s3proxyArgs],
    ['owner gone', 'stale', { pid: 10, ownerPid: 20, propsFile: props }, [10], s3proxyArgs],
    ['s3:start server', 'running', { pid: 10, ownerPid: null, propsFile: props }, [10], s3proxyArgs],
    ['starting, starter alive', 'starting', { pid: null, ownerPid: null, starterPid: 30, propsFile: props }, [30], s3proxyArgs],
    ['starting, starter gone', 'gone', { pid: null, ownerPid: null, starterPid: 30, propsFile: props }, [], s3proxyArgs],
    ['command line unreadable', 'unverifiable', { pid: 10, ownerPid: 20, propsFile: props }, [10], undefined],
  ];
  it.each(rows)('%s → %s', (_name, state, record, alive, line) => {
    expect(judgeS3ProxyRecord(record, { selfPid: 1, alive: (p) => alive.includes(p), commandLine: () => line })).toBe(state);
  });
});
