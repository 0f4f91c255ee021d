// The broker's configuration files and cluster id. Part of scripts/kafka/broker.mjs.
import { randomBytes } from 'node:crypto';

const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

/** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
export function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The server.properties text for a single-node broker + controller on 127.0.0.1. */
export function renderServerProperties({ port, controllerPort, advertisedPort = port, dataDir, extraProps = {} }) {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${advertisedPort}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'auto.create.topics.enable': 'true',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'min.insync.replicas': '1',
    'group.initial.rebalance.delay.ms': '0',
    'message.max.bytes': String(MAX_MESSAGE_BYTES),
    'replica.fetch.max.bytes': String(MAX_MESSAGE_BYTES),
    ...Object.fromEntries(Object.entries(extraProps).map(([k, v]) => [k, String(v)])),
  };
  return `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** log4j.properties: WARN and above to `logFile`, plus one INFO line per start. */
export function renderLog4j(logFile) {
  return [
    'log4j.rootLogger=WARN, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // One INFO line that says the broker started, so the log shows each start.
    'log4j.logger.kafka.server.KafkaRaftServer=INFO',
    '',
  ].join('\n');
}
