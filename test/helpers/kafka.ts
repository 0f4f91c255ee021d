import { randomBytes } from 'node:crypto';

/**
 * Brokers the integration tests talk to: `KAFKA_BROKERS` (comma-separated) when the developer set
 * it, otherwise the local broker that test/setup/global-kafka.ts started and exported there.
 */
export function kafkaBrokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error('KAFKA_BROKERS is not set: run integration tests through `npm test` (the global setup starts a broker)');
  return value.split(',').map((b) => b.trim()).filter(Boolean);
}

/** A topic name no other test run uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
