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

/**
 * What stops this machine from starting a local broker (one message per missing tool): Java 17+
 * always, Maven only while the jars of the current pom are not in `libsDir`. Empty when nothing is.
 */
export declare function missingBrokerTools(options?: { libsDir?: string }): string[];

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
  /**
   * Pid file (a JSON {@link PidRecord}). Default `<cacheDir>/broker-<port>.pid`, the one of
   * `kafka:start`: give tests and tools their own. Claimed before anything else: a broker whose
   * owner is gone is stopped; one a live process owns fails the start with `PID_FILE_OWNED`.
   */
  pidFile?: string;
  /**
   * When `port` or `controllerPort` is in use, take ports the OS picks instead (see the handle);
   * also when another process takes a port between the check and the broker's bind (then the
   * start is retried on fresh free ports, up to 3 times). Default false: fail with `PORT_TAKEN`.
   */
  freePortFallback?: boolean;
  /**
   * How `freePortFallback` chooses `[port, controllerPort]` from preferred ports (0 = any).
   * Default {@link freePorts}. Tests use it to make a port be taken just before the broker binds it.
   */
  pickPorts?: (preferred: number[]) => Promise<number[]>;
  /** Delete `dataDir` once the pid file is ours, for an empty broker (and again when the start fails). Default false. */
  freshDataDir?: boolean;
  /**
   * Stop the broker when this process ends: SIGTERM on exit and on SIGINT/SIGTERM/SIGHUP (the
   * signal then keeps its default effect unless someone else handles it), and a detached watchdog
   * that stops it when this process dies without a word (SIGKILL). Default false.
   */
  stopOnExit?: boolean;
  /**
   * The broker belongs to no process (`kafka:start`): its pid file has `ownerPid: null`, it is never
   * taken for a leftover, and a second start fails with `ALREADY_RUNNING`. Excludes `stopOnExit`.
   * Default false: the calling process owns it, and once that process is gone the broker counts as
   * a leftover that the next start with the same pid file stops.
   */
  persistent?: boolean;
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
  /** PLAINTEXT listener port (another one than asked for after a `freePortFallback`). */
  port: number;
  /** CONTROLLER listener port. */
  controllerPort: number;
  /** KRaft cluster id of the data dir; readiness checked that the broker on `port` has it. */
  clusterId: string | undefined;
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
  /** SIGTERM, wait up to `timeoutMs` (default 30 s), then SIGKILL; deletes the pid file and the exit hook. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL (a crash), then wait until the process is gone; deletes the pid file and the exit hook. */
  kill(): Promise<void>;
}

/** Codes of the errors a pid file can raise (`err.code`). */
export type BrokerErrorCode = 'PID_FILE_OWNED' | 'ALREADY_RUNNING' | 'UNVERIFIABLE' | 'PID_FILE_BUSY' | 'PID_FILE_LOST' | 'PORT_TAKEN';

/** An Error with one of the {@link BrokerErrorCode}s. */
export interface BrokerError extends Error {
  /**
   * Why: another live process owns (or is starting) the pid file; a `kafka:start` broker runs; the
   * pid cannot be checked; the file keeps changing; another process changed the file while the
   * broker started; another broker (another cluster id) answers on the port, or the port was
   * taken before the broker could bind it.
   */
  code: BrokerErrorCode;
}

/** Starts a single-node KRaft broker and resolves once it can create and delete a topic. */
export declare function startBroker(options?: StartBrokerOptions): Promise<BrokerHandle>;

/** Options of {@link stopBroker} and {@link brokerStatus}. */
export interface StopBrokerOptions {
  /** Port whose `kafka:start` pid file to use. Default 9092. */
  port?: number;
  /** Cache directory. Default `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Pid file (overrides port/cacheDir). */
  pidFile?: string;
  /** server.properties of the broker, to recognise it in a legacy (plain-number) pid file. Default `<cacheDir>/logs-<port>/server.properties`. */
  propsFile?: string;
  /** Grace period before SIGKILL. Default 30,000 ms. */
  timeoutMs?: number;
}

/**
 * Stops the broker named by a pid file and deletes the file; resolves the pid it stopped, if any.
 * Rejects with a {@link BrokerError} when another live process owns it (`PID_FILE_OWNED`) or its
 * command line cannot be checked (`UNVERIFIABLE`): then nothing is killed.
 */
export declare function stopBroker(options?: StopBrokerOptions): Promise<number | undefined>;

/** Whether the broker of a pid file runs; `state` says whose it is. */
export declare function brokerStatus(options?: Omit<StopBrokerOptions, 'timeoutMs'>): {
  running: boolean;
  pid: number | undefined;
  pidFile: string;
  state: PidState;
};

/** Pid file path of the `kafka:start` broker on a port. */
export declare function pidFileFor(port: number, cacheDir?: string): string;

/** Distinct free ports on 127.0.0.1: each preferred port when free, else one the OS picks (0 = any). */
export declare function freePorts(preferred: readonly number[]): Promise<number[]>;

/** A pid file's content. */
export interface PidRecord {
  /** The broker JVM; null while it starts. */
  pid: number | null;
  /** The process that owns the broker; null for `kafka:start`; undefined in a legacy pid file. */
  ownerPid: number | null | undefined;
  /** The process that claimed the file and starts the broker; undefined in older pid files. */
  starterPid?: number | undefined;
  /** The broker's server.properties (its command line names it); undefined in a legacy pid file. */
  propsFile: string | undefined;
  /** When the pid file was claimed (ISO 8601). */
  startedAt: string | undefined;
}

/**
 * What a pid file means now: `empty` (none), `gone` (its process is gone), `foreign` (the pid
 * is another program now), `starting` (another live process is starting it, `kafka:start`
 * included), `owned` (another live process owns it), `running` (an
 * unowned `kafka:start` broker), `stale` (a broker whose owner is gone, unknown or this process),
 * `unverifiable` (a live process whose command line cannot be read).
 */
export type PidState = 'empty' | 'gone' | 'foreign' | 'starting' | 'owned' | 'running' | 'stale' | 'unverifiable';

/** Parses pid-file text: JSON ({@link PidRecord}) or a legacy plain pid; undefined for anything else. */
export declare function parsePidRecord(text: string): PidRecord | undefined;
/** Reads and parses a pid file; undefined when it is missing or unreadable. */
export declare function readPidRecord(pidFile: string): PidRecord | undefined;

/** Probes {@link judgePidRecord} uses; injectable for tests. */
export interface JudgeOptions {
  /** server.properties to expect when the record has none (legacy pid file). */
  propsFile?: string;
  /** Main class the JVM's command line must name (default `kafka.Kafka`; S3Proxy's for its pid files). */
  mainClass?: string;
  /** This process (it may replace its own brokers). Default `process.pid`. */
  selfPid?: number;
  /** Liveness probe. Default {@link isAlive}. */
  alive?: (pid: number) => boolean;
  /** Command line of a pid: exact args, ps text, or undefined when unknown. */
  commandLine?: (pid: number) => { args: string[] } | { text: string } | undefined;
}

/** Classifies a pid-file record (see {@link PidState}). */
export declare function judgePidRecord(record: PidRecord | undefined, options?: JudgeOptions): PidState;

/**
 * Claims a pid file atomically for `ownerPid` (null: nobody), stopping a stale broker first.
 * Rejects with a {@link BrokerError} when another live process owns it or a `kafka:start` broker runs.
 */
export declare function claimPidFile(
  pidFile: string,
  options: { ownerPid: number | null; propsFile: string; timeoutMs?: number },
): Promise<{ record: PidRecord; stale: number | undefined }>;

/**
 * Replaces the record of `pidFile` atomically, but only while it still matches every field of
 * `expected` (our claim, or the record we wrote last); otherwise throws `PID_FILE_LOST`.
 */
export declare function writePidRecord(pidFile: string, expected: Partial<PidRecord>, record: PidRecord): void;

/** The exit hook of `stopOnExit`: SIGTERM to the broker on exit or SIGINT/SIGTERM/SIGHUP. */
export declare function installStopOnExit(): { setPid(pid: number): void; unhook(): void };

/** Starts the detached watchdog that stops broker `pid` (or the JVM of `mainClass`) once `ownerPid` is gone; returns its pid. */
export declare function spawnWatchdog(options: {
  ownerPid?: number;
  pid: number;
  pidFile?: string;
  propsFile?: string;
  /** Main class the JVM's command line must name to be stopped (default `kafka.Kafka`). */
  mainClass?: string;
  pollMs?: number;
  timeoutMs?: number;
}): number | undefined;
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
