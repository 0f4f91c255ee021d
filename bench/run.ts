/**
 * `npm run bench [-- scenario ...]`: runs the benchmark scenarios (all by default) and writes each
 * result as JSON under bench/results/. Scenarios: codecs, routing, queue, imagery, image-chunks, producer (starts a local Kafka
 * broker unless KAFKA_BROKERS is set).
 */
import { runCodecsBench } from './codecs.js';
import { runImageChunksBench } from './image-chunks.js';
import { runImageryBench } from './imagery.js';
import { runProducerBench } from './producer.js';
import { runQueueBench } from './queue.js';
import { runRoutingBench } from './routing.js';

const SCENARIOS: Record<string, () => Promise<void>> = {
  codecs: runCodecsBench,
  routing: runRoutingBench,
  queue: runQueueBench,
  imagery: runImageryBench,
  'image-chunks': runImageChunksBench,
  producer: runProducerBench,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  for (const name of asked.length > 0 ? asked : Object.keys(SCENARIOS)) {
    console.log(`\n== ${name}`);
    await (SCENARIOS[name] as () => Promise<void>)();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
