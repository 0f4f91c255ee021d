import {
  KafkaJsProducer,
  PartitionKeyer,
  Priority,
  RECORD_ID_HEADER,
  TopicResolver,
  createEnvelope,
  enrichBatch,
  enricherFromConfig,
  kafkaJsProducerOptionsFromConfig,
  loadConfig,
  partitionKeyerOptionsFromConfig,
  topicResolverOptionsFromConfig,
} from 'firestream';

// One validated file (YAML or JSON); FIRESTREAM_* environment variables override it.
const config = await loadConfig('examples/stream_config.example.yaml');
const producer = new KafkaJsProducer(kafkaJsProducerOptionsFromConfig(config));
const resolver = new TopicResolver(topicResolverOptionsFromConfig(config));
const keyer = new PartitionKeyer(partitionKeyerOptionsFromConfig(config));
const enrich = enricherFromConfig(config);

await producer.ensureTopics(config.topics); // partitions, codecs, retention from the file
await producer.connect();

const sourceId = 'firms_viirs_snpp';
const detections = [{ latitude: 39.7596, longitude: -121.6219, frp: 42.1, acq_date: '2026-08-10', acq_time: '1209' }];
const records = enrichBatch(detections, { producerId: 'svc-1', now: Date.now(), sourceId }, enrich);
const topic = resolver.resolveTopic(sourceId); // 'wildfire-nasa-firms'
await producer.send([
  {
    topic,
    messages: records.map((payload) => {
      const envelope = createEnvelope({ sourceId, payload, priority: Priority.HIGH });
      // key 'geo_97_16'; the record id header lets consumers spot duplicates after a retry
      return { key: keyer.keyFor(payload, sourceId), value: JSON.stringify(payload), headers: { [RECORD_ID_HEADER]: envelope.id } };
    }),
  },
]);
await producer.disconnect();
