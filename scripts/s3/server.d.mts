// Types for scripts/s3/server.mjs (a plain Node script), so TypeScript tests and the test setup
// can import it.

/** Default cache directory: `<repo>/.cache/s3proxy`. */
export declare const defaultS3CacheDir: string;

/** Fetches S3Proxy's jar with Maven when it is missing (atomically; Maven is stopped after `timeoutMs`, default 10 min). Needs `java` (17+) and `mvn`. */
export declare function ensureS3ProxyJar(options?: { libDir?: string; log?: (message: string) => void; timeoutMs?: number }): Promise<{ jarFile: string; fetched: boolean; ms: number }>;

/** What stops this machine from running S3Proxy (one message per missing tool); empty when nothing. */
export declare function missingS3Tools(options?: { libDir?: string }): string[];

/** Options of {@link startS3Proxy}. */
export interface StartS3ProxyOptions {
  /** Port on 127.0.0.1 (default 9000; 0 = any free port). */
  port?: number;
  /** Take another free port when `port` is taken (also when it is taken while S3Proxy starts). Default false. */
  freePortFallback?: boolean;
  /** Directory of the properties file, `s3.env`, data and logs. Default `<cacheDir>/run-<port>`. */
  runDir?: string;
  /** Where the objects are stored. Default `<runDir>/data`. */
  dataDir?: string;
  /** Where `s3proxy.log` goes. Default `<runDir>/logs`. */
  logDir?: string;
  /** Directory of the jar. Default `<cacheDir>/lib`. */
  libDir?: string;
  /** Cache directory. Default `<repo>/.cache/s3proxy`. */
  cacheDir?: string;
  /** Pid file (JSON, as for the Kafka broker). Default `<cacheDir>/s3proxy-<port>.pid`. */
  pidFile?: string;
  /** Delete `dataDir` once the pid file is ours, for an empty store. Default false. */
  freshDataDir?: boolean;
  /** Stop the server when this process ends (exit hook and a watchdog). Default false. */
  stopOnExit?: boolean;
  /** The server belongs to no process (`s3:start`). Excludes `stopOnExit`. Default false. */
  persistent?: boolean;
  /** Buckets to create once it is ready. */
  buckets?: string[];
  /** Region reported in the handle and `s3.env` (S3Proxy accepts any). Default `us-east-1`. */
  region?: string;
  /** Extra or overriding s3proxy.properties entries. */
  extraProps?: Record<string, string | number | boolean>;
  /** How long to wait for readiness before killing it. Default 60,000 ms. */
  readyTimeoutMs?: number;
  /** Progress messages (never the secret). Default: silent. */
  log?: (message: string) => void;
}

/** A running S3Proxy started by {@link startS3Proxy}. */
export interface S3ProxyHandle {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  port: number;
  region: string;
  buckets: string[];
  /** This start's access key id. */
  accessKeyId: string;
  /** This start's secret: keep it out of logs. */
  secretAccessKey: string;
  pid: number;
  runDir: string;
  dataDir: string;
  logDir: string;
  logFile: string;
  /** s3proxy.properties (mode 0600: it holds the secret). */
  propsFile: string;
  /** Shell file exporting S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_BUCKET (mode 0600). */
  envFile: string;
  pidFile: string;
  /** Milliseconds from spawn to ready. */
  readyMs: number;
  /** SIGTERM, SIGKILL after `timeoutMs` (default 30 s); deletes the pid file and the exit hook. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL, then wait until it is gone; deletes the pid file and the exit hook. */
  kill(): Promise<void>;
}

/** Starts S3Proxy with fresh random credentials; resolves once a request signed with them succeeds. */
export declare function startS3Proxy(options?: StartS3ProxyOptions): Promise<S3ProxyHandle>;

/** Stops the S3Proxy of a pid file (default: the `s3:start` one on `port`); resolves the pid it stopped. */
export declare function stopS3Proxy(options?: { port?: number; cacheDir?: string; pidFile?: string; timeoutMs?: number }): Promise<number | undefined>;

/** Whether the S3Proxy of a pid file runs, and whose it is. */
export declare function s3ProxyStatus(options?: { port?: number; cacheDir?: string; pidFile?: string }): { running: boolean; pid: number | undefined; pidFile: string; state: S3PidState };

/** Pid file of the `s3:start` server on a port. */
export declare function s3PidFileFor(port: number, cacheDir?: string): string;

/** What a pid file means now (see scripts/s3/ownership.mjs). */
export type S3PidState = 'empty' | 'gone' | 'foreign' | 'starting' | 'owned' | 'running' | 'stale' | 'unverifiable';

/** Whether a command line is the S3Proxy reading `propsFile`; undefined when unknown. */
export declare function isS3ProxyCommandLine(commandLine: { args: string[] } | { text: string } | undefined, propsFile: string): boolean | undefined;

/** Classifies a pid-file record of an S3Proxy; the probes are injectable for tests. */
export declare function judgeS3ProxyRecord(
  record: { pid: number | null; ownerPid: number | null | undefined; starterPid?: number | undefined; propsFile: string | undefined } | undefined,
  options?: { selfPid?: number; alive?: (pid: number) => boolean; commandLine?: (pid: number) => { args: string[] } | { text: string } | undefined },
): S3PidState;

/** Fresh random credentials for one start: a 20-character access key id and a 40-character secret. */
export declare function randomCredentials(): { accessKeyId: string; secretAccessKey: string };

/** The s3proxy.properties text: signed requests only (V2 or V4), filesystem storage under `baseDir`. */
export declare function renderS3ProxyProperties(options: {
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  baseDir: string;
  extraProps?: Record<string, string | number | boolean>;
}): string;
