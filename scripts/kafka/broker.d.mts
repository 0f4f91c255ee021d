// Types for scripts/kafka/broker.mjs (a plain Node script), so TypeScript tests and the test
// setup can import it.

/** Repository root (absolute). */
export declare const repoRoot: string;
/** Default cache directory: `<repo>/.cache/kafka`. */
export declare const defaultCacheDir: string;

/** Options of {@link ensureJars}. */
export interface EnsureJarsOptions {
  /** Where the jars go. Default `<repo>/.cache/kafka/libs`. */
  libsDir?: string;
  /** Progress messages. Default: silent. */
  log?: (message: string) => void;
}

/** What {@link ensureJars} did. */
export interface EnsureJarsResult {
  /** Absolute directory holding the jars. */
  libsDir: string;
  /** True when Maven ran (the jars were missing or the pom changed). */
  fetched: boolean;
  /** How long the fetch took (0 when nothing was fetched). */
  ms: number;
}

/** Fetches the broker's jars with Maven when they are missing. Needs `java` (17+) and `mvn`. */
export declare function ensureJars(options?: EnsureJarsOptions): Promise<EnsureJarsResult>;

/** Options of {@link startBroker}. */
export interface StartBrokerOptions {
  /** PLAINTEXT listener port on 127.0.0.1. Default 9092. */
  port?: number;
  /** CONTROLLER listener port on 127.0.0.1. Default 9093. */
  controllerPort?: number;
  /** Port written to `advertised.listeners` (e.g. a test proxy in front). Default `port`. */
  advertisedPort?: number;
  /** KRaft log directory. Default `<cacheDir>/data-<port>`; formatted when not yet formatted. */
  dataDir?: string;
  /** Where server.properties, log4j.properties, server.log and stdout.log go. Default `<cacheDir>/logs-<port>`. */
  logDir?: string;
  /** Directory of the jars. Default `<cacheDir>/libs`. */
  libsDir?: string;
  /** Cache directory. Default `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Pid file. Default `<cacheDir>/broker-<port>.pid`. */
  pidFile?: string;
  /** Extra or overriding server.properties entries. */
  extraProps?: Record<string, string | number | boolean>;
  /** How long to wait for the broker to be ready before killing it. Default 90,000 ms. */
  readyTimeoutMs?: number;
  /** Progress messages. Default: silent. */
  log?: (message: string) => void;
}

/** A running broker started by {@link startBroker}. */
export interface BrokerHandle {
  /** Bootstrap address for clients, `127.0.0.1:<advertisedPort>`. */
  brokers: string;
  /** PLAINTEXT listener port. */
  port: number;
  /** CONTROLLER listener port. */
  controllerPort: number;
  /** Process id of the broker JVM. */
  pid: number;
  /** KRaft log directory. */
  dataDir: string;
  /** Directory of the broker's config and logs. */
  logDir: string;
  /** The broker's log4j log file. */
  logFile: string;
  /** The pid file. */
  pidFile: string;
  /** Milliseconds from spawn to ready. */
  readyMs: number;
  /** SIGTERM, wait up to `timeoutMs` (default 30 s), then SIGKILL. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL (a crash), then wait until the process is gone. */
  kill(): Promise<void>;
}

/** Starts a single-node KRaft broker and resolves once it can create and delete a topic. */
export declare function startBroker(options?: StartBrokerOptions): Promise<BrokerHandle>;

/** Options of {@link stopBroker}. */
export interface StopBrokerOptions {
  /** Port whose pid file to use. Default 9092. */
  port?: number;
  /** Cache directory. Default `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Pid file (overrides port/cacheDir). */
  pidFile?: string;
  /** Grace period before SIGKILL. Default 30,000 ms. */
  timeoutMs?: number;
}

/** Stops the broker named by a pid file; resolves the pid it stopped, if any. */
export declare function stopBroker(options?: StopBrokerOptions): Promise<number | undefined>;

/** Whether the broker of a port's pid file runs. */
export declare function brokerStatus(options?: { port?: number; cacheDir?: string }): {
  running: boolean;
  pid: number | undefined;
  pidFile: string;
};

/** Pid file path for a port. */
export declare function pidFileFor(port: number, cacheDir?: string): string;
/** True when the process is alive (zombies count as dead). */
export declare function isAlive(pid: number): boolean;
/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. */
export declare function terminate(pid: number, timeoutMs?: number): Promise<void>;
/** A random KRaft cluster id (16 bytes, base64url). */
export declare function randomClusterId(): string;
/** The server.properties text for a single-node broker + controller. */
export declare function renderServerProperties(options: {
  port: number;
  controllerPort: number;
  advertisedPort?: number;
  dataDir: string;
  extraProps?: Record<string, string | number | boolean>;
}): string;
