/**
 * Adapter from the older Python-era file layout (seed documents 002/003) to the canonical layout.
 * Runs on camelCase keys, after key normalisation, on a copy the loader owns.
 *
 * | older layout | canonical |
 * |---|---|
 * | `queue_max_size`, `queue_overflow_strategy` | `queue.maxSize`, `queue.overflowStrategy` |
 * | `enable_dlq`, `enable_metrics` | `dlq.enabled`, `metrics.enabled` |
 * | `kafka.compression_type` | `kafka.defaultCompression` |
 * | `kafka.batch_size` | `queue.dequeueBatchSize` |
 * | `kafka.max_retries`, `kafka.retry_backoff_base` | `producer.retry.maxRetries`, `producer.retry.multiplier` |
 * | `kafka.bootstrap_servers: "a:9092,b:9092"` | `kafka.bootstrapServers: ["a:9092", "b:9092"]` |
 * | `kafka.acks: all`, `kafka.ssl: true` | `kafka.acks: -1`, `kafka.ssl.enabled: true` |
 * | `topics` entries' `compression_type` | `compression` |
 * | `sources: { <id>: {…} }`, `source_type`, `custom_params` | `sources: [{ sourceId, … }]`, `type`, `options` |
 * | `ingestion.mode: continuous_streaming` | `ingestion.mode: continuous` |
 * | `ingestion.buffer_size`, `ingestion.schedule_interval_seconds` | `ingestion.batchSize`, `ingestion.pollingIntervalSeconds` |
 *
 * Writing both an older key and its canonical key is a configuration issue.
 *
 * `topics` written as a map (`{ <name>: {…} }`) stays a map, each entry given its `name`:
 * `mergeLayers` merges a map by name into the topics below it (the preset), while a list replaces
 * them. Maps of sources become lists (sources always merge by id).
 *
 * @module
 */
import type { ConfigIssue } from '../errors.js';
import type { ConfigPath } from './paths.js';
import { formatPath, isPlainObject } from './paths.js';
import { redactIssueValue } from './redact.js';

type Obj = Record<string, unknown>;

const ROOT_MOVES: readonly (readonly [from: readonly string[], to: readonly string[]])[] = [
  [['queueMaxSize'], ['queue', 'maxSize']],
  [['queueOverflowStrategy'], ['queue', 'overflowStrategy']],
  [['enableDlq'], ['dlq', 'enabled']],
  [['enableMetrics'], ['metrics', 'enabled']],
  [['kafka', 'compressionType'], ['kafka', 'defaultCompression']],
  [['kafka', 'batchSize'], ['queue', 'dequeueBatchSize']],
  [['kafka', 'maxRetries'], ['producer', 'retry', 'maxRetries']],
  [['kafka', 'retryBackoffBase'], ['producer', 'retry', 'multiplier']],
];

/** Moves `obj[from]` to `obj[to]` (creating parents); reports a clash when both are set. */
function move(root: Obj, from: readonly string[], to: readonly string[], issues: ConfigIssue[], base: ConfigPath = []): void {
  const fromParent = objectAt(root, from.slice(0, -1));
  const fromKey = from[from.length - 1] as string;
  if (fromParent === undefined || !Object.prototype.hasOwnProperty.call(fromParent, fromKey)) return;
  const value = fromParent[fromKey];
  let target: Obj = root;
  for (const key of to.slice(0, -1)) {
    const next = target[key];
    if (next === undefined) target = target[key] = {};
    else if (isPlainObject(next)) target = next;
    else return; // the canonical section has the wrong type: schema validation reports it
  }
  const toKey = to[to.length - 1] as string;
  if (target[toKey] !== undefined) {
    issues.push({ path: formatPath([...base, ...from]), message: `is the older spelling of ${formatPath([...base, ...to])}; give only one of them` });
  } else {
    target[toKey] = value;
  }
  delete fromParent[fromKey];
}

function objectAt(root: Obj, path: readonly string[]): Obj | undefined {
  let current: unknown = root;
  for (const key of path) current = isPlainObject(current) ? current[key] : undefined;
  return isPlainObject(current) ? current : undefined;
}

/** Gives a map entry its key as `keyName`; reports an entry whose own `keyName` differs. */
function keyedEntry(key: string, entry: unknown, keyName: string, path: ConfigPath, issues: ConfigIssue[]): unknown {
  if (entry === null || entry === undefined) return { [keyName]: key };
  if (!isPlainObject(entry)) return entry; // the schema reports "expected object" for it
  if (entry[keyName] !== undefined && entry[keyName] !== key) {
    const at = [...path, key, keyName];
    issues.push({ path: formatPath(at), message: `differs from its map key "${key}"; drop it or make them equal`, received: redactIssueValue(entry[keyName], at) });
  }
  return { ...entry, [keyName]: key };
}

/** Turns `{ <key>: {…} }` into `[{ [keyName]: <key>, … }]`; lists are returned as they are. */
function mapToList(value: unknown, keyName: string, path: ConfigPath, issues: ConfigIssue[]): unknown {
  if (!isPlainObject(value)) return value;
  return Object.entries(value).map(([key, entry]) => keyedEntry(key, entry, keyName, path, issues));
}

function adaptTopic(topic: unknown, path: ConfigPath, issues: ConfigIssue[]): unknown {
  if (isPlainObject(topic)) move(topic, ['compressionType'], ['compression'], issues, path);
  return topic;
}

/** Adapts the entries of `topics`, keeping its form: a list stays a list, a map stays a map keyed by name. */
function adaptTopics(topics: unknown, issues: ConfigIssue[]): unknown {
  if (Array.isArray(topics)) return topics.map((topic: unknown, i) => adaptTopic(topic, ['topics', i], issues));
  if (!isPlainObject(topics)) return topics;
  const out: Obj = {};
  for (const [name, entry] of Object.entries(topics)) out[name] = adaptTopic(keyedEntry(name, entry, 'name', ['topics'], issues), ['topics', name], issues);
  return out;
}

function adaptKafka(kafka: unknown): void {
  if (!isPlainObject(kafka)) return;
  if (typeof kafka.bootstrapServers === 'string') {
    kafka.bootstrapServers = kafka.bootstrapServers
      .split(',')
      .map((server) => server.trim())
      .filter((server) => server !== '');
  }
  if (typeof kafka.acks === 'string' && kafka.acks.toLowerCase() === 'all') kafka.acks = -1;
  if (typeof kafka.ssl === 'boolean') kafka.ssl = { enabled: kafka.ssl };
}

function adaptSource(source: unknown, path: ConfigPath, issues: ConfigIssue[]): void {
  if (!isPlainObject(source)) return;
  move(source, ['sourceType'], ['type'], issues, path);
  move(source, ['customParams'], ['options'], issues, path);
  move(source, ['ingestion', 'bufferSize'], ['ingestion', 'batchSize'], issues, path);
  move(source, ['ingestion', 'scheduleIntervalSeconds'], ['ingestion', 'pollingIntervalSeconds'], issues, path);
  const ingestion = source.ingestion;
  if (isPlainObject(ingestion) && ingestion.mode === 'continuous_streaming') ingestion.mode = 'continuous';
}

/**
 * Rewrites an older-layout configuration (already camelCased, owned by the caller) into the
 * canonical layout in place, and returns it. Problems are appended to `issues`.
 */
export function adaptLayout(root: unknown, issues: ConfigIssue[]): unknown {
  if (!isPlainObject(root)) return root;
  for (const [from, to] of ROOT_MOVES) move(root, from, to, issues);
  adaptKafka(root.kafka);
  if (root.topics !== undefined) root.topics = adaptTopics(root.topics, issues);
  if (root.sources !== undefined) {
    const wasMap = isPlainObject(root.sources);
    const ids = wasMap ? Object.keys(root.sources as Obj) : [];
    root.sources = mapToList(root.sources, 'sourceId', ['sources'], issues);
    if (Array.isArray(root.sources)) root.sources.forEach((source: unknown, i) => adaptSource(source, ['sources', wasMap ? (ids[i] as string) : i], issues));
  }
  return root;
}
