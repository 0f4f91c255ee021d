import { z } from 'zod';

/** Metrics and the optional `/health` + `/metrics` HTTP server. */
export const MetricsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Collect metrics (`enable_metrics` in older files).'),
  prefix: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric-name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)')
    .default('stream_')
    .describe('Prefix of the Prometheus metric names.'),
  labels: z
    .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name'), z.string())
    .default({})
    .describe('Constant labels added to every metric (keys kept as written).'),
  server: z
    .strictObject({
      enabled: z.boolean().default(false).describe('Serve /health and /metrics over HTTP.'),
      host: z.string().min(1).default('0.0.0.0').describe('Address to listen on.'),
      port: z.int().min(0).max(65_535).default(9464).describe('Port to listen on (0 picks a free port).'),
      metricsPath: z.string().startsWith('/').default('/metrics').describe('Path of the Prometheus exposition.'),
      healthPath: z.string().startsWith('/').default('/health').describe('Path of the health check.'),
    })
    .prefault({})
    .describe('The tiny HTTP server for probes and scraping; off by default.'),
});
