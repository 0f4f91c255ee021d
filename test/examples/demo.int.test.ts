import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../helpers/kafka.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

describe('npm run demo', () => {
  it('sends every fixture record through firestream into Kafka and reads each back exactly once', async () => {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const { stdout } = await run(tsx, ['examples/demo.ts'], { cwd: root, env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(',') }, timeout: 120_000 });
    expect(stdout).toMatch(/firms_viirs_snpp: 240 records → wildfire-nasa-firms ×240 \(zstd\)/);
    expect(stdout).toMatch(/noaa_weather_california: 60 records → wildfire-weather-data ×60 \(zstd\)/);
    expect(stdout).toContain('Read back 300 of 300 records');
    expect(stdout).toContain('0 missing, 0 duplicated, 0 on the wrong topic or key');
  });
});
