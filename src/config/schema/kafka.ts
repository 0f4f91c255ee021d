import { z } from 'zod';
import { COMPRESSION_NAMES } from '../../producer/codecs/codec.js';
import type { CompressionName } from '../../producer/codecs/codec.js';
import { durationMs, positiveDurationMs, positiveInt } from './common.js';
import { ALWAYS, readable } from './refine.js';

/** zod schema of a compression codec name: `none`, `gzip`, `lz4` or `zstd`. */
export const compressionSchema = z.enum(COMPRESSION_NAMES as [CompressionName, ...CompressionName[]]);

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

/** `host:port` with a port from 1 to 65535; an IPv6 address is written in brackets (`[::1]:9092`). */
const hostPort = z.string().refine((value) => {
  const port = HOST_PORT.exec(value)?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}, 'must be host:port with a port from 1 to 65535, for example "localhost:9092" or "[::1]:9092"');

/** TLS settings of the Kafka connection. Certificates are verified unless `rejectUnauthorized` is set to false. */
export const KafkaSslSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Connect to the brokers over TLS.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe("Verify the brokers' certificates. Keep true in production: false lets anyone on the path intercept the connection."),
    ca: z.string().min(1).optional().describe('PEM bundle of CA certificates to trust (replaces Node\'s default list).'),
    cert: z.string().min(1).optional().describe('PEM client certificate for mutual TLS (give `key` too).'),
    key: z.string().min(1).optional().describe('PEM private key of the client certificate. Secret: redacted in logs.'),
    passphrase: z.string().min(1).optional().describe('Passphrase of `key`. Secret: redacted in logs.'),
    servername: z.string().min(1).optional().describe('TLS server name (SNI) when it differs from the broker host.'),
  })
  .superRefine((ssl, ctx) => {
    if (!readable(ctx, ['enabled'], ['ca'], ['cert'], ['key'])) return;
    if (!ssl.enabled && (ssl.ca !== undefined || ssl.cert !== undefined || ssl.key !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['enabled'], message: 'must be true when ca, cert or key is given (set kafka.ssl.enabled: true)' });
    }
    if ((ssl.cert === undefined) !== (ssl.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [ssl.cert === undefined ? 'cert' : 'key'], message: 'cert and key must be given together for mutual TLS' });
    }
  }, ALWAYS);

/** SASL authentication of the Kafka connection. */
export const KafkaSaslSchema = z.strictObject({
  mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism.'),
  username: z.string().min(1).describe('SASL user name.'),
  password: z.string().min(1).describe('SASL password. Secret: redacted in logs and error messages.'),
});

/** The Kafka connection and producer settings shared by every topic. */
export const KafkaSchema = z
  .strictObject({
    bootstrapServers: z
      .array(hostPort)
      .min(1)
      .default(() => ['localhost:9092'])
      .describe('Bootstrap brokers as host:port. A comma-separated string is accepted in files and in KAFKA_BOOTSTRAP_SERVERS.'),
    clientId: z.string().min(1).default('firestream').describe('Client id sent to the brokers.'),
    ssl: KafkaSslSchema.prefault({}).describe('TLS settings; off by default, certificates verified when on.'),
    sasl: KafkaSaslSchema.optional().describe('SASL authentication; none by default.'),
    acks: z
      .literal([-1, 0, 1])
      .default(-1)
      .describe('Acknowledgements to wait for: -1 (all in-sync replicas), 1 (leader only) or 0 (none). `all` is accepted for -1.'),
    idempotent: z.boolean().default(false).describe('Idempotent producer (requires acks -1).'),
    requestTimeoutMs: positiveDurationMs()
      .default(10_000)
      .describe("Timeout of one broker request, in ms. 10 s by default, so that a request and kafkajs's 2 retries fit the producer's 30 s call deadline."),
    connectionTimeoutMs: positiveDurationMs().default(3_000).describe('Timeout of opening a broker connection, in ms.'),
    lingerMs: durationMs()
      .default(0)
      .describe(
        'Extra wait before a send to fill the batch, in ms (0 by default: the queue already batches per priority). Read by the sender loop of the StreamManagerV2 facade (not built yet); KafkaJsProducer does not use it.',
      ),
    maxBatchBytes: positiveInt()
      .default(1_048_576)
      .describe(
        'Target size of one send, in bytes (1 MiB by default, the broker default limit). Read by the sender loop of the StreamManagerV2 facade (not built yet); KafkaJsProducer does not use it and does not split batches.',
      ),
    defaultCompression: compressionSchema
      .default('none')
      .describe('Compression of topics that have no entry in `topics` (`compression_type` in older files).'),
  })
  .superRefine((kafka, ctx) => {
    if (readable(ctx, ['idempotent'], ['acks']) && kafka.idempotent && kafka.acks !== -1) {
      ctx.addIssue({ code: 'custom', path: ['acks'], message: 'must be -1 (all) when kafka.idempotent is true', input: kafka.acks });
    }
  }, ALWAYS);
