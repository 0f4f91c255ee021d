import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no external services) and `integration` (`*.int.test.ts`, real Kafka,
// PostgreSQL, Mosquitto, S3). The integration global setup starts the local broker when
// KAFKA_BROKERS is unset, and a local S3Proxy when S3_ENDPOINT is unset.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/setup/global-kafka.ts', 'test/setup/global-s3.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
