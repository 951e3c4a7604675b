import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues } from '../src/shared/protocol/index.ts';
import { MetricsConfigSchema } from './metrics/MetricsConfig.ts';
import { SfuConfigSchema } from './sfu/SfuConfig.ts';
import { TlsConfigSchema } from './transport/TlsConfig.ts';
import { TurnConfigSchema, turnFromEnv } from './sfu/TurnConfig.ts';
import { AUTH_CONFIG } from './auth/authConfig.ts';
import { ClusterConfigError, ClusterSectionSchema, PostgresConfigSchema, RedisConfigSchema, clusterFromEnv, clusterSettings } from './cluster/ClusterConfig.ts';

/** Every server setting, with its default. Sources: defaults < JSON file (RINGDESK_SERVER_CONFIG) < env < flags. */
export const ServerConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    dbPath: z.string().default('./data/ringdesk.sqlite'),
    /**
     * The TCP accept queue (listen backlog). Node's default, 511, overflows when thousands reconnect
     * at once (a storm's SYNs are then dropped and retried by the kernel after 1, 3, 7 s). The kernel
     * caps it at net.core.somaxconn (4096 on current Linux).
     */
    listenBacklog: z.number().int().min(1).max(65_535).default(4096),
    /** A connection that has not logged in or resumed by then is closed. */
    authTimeoutMs: z.number().int().min(100).default(10_000),
    /** Connections silent for this long are dropped; an inviter dropped this long before anyone accepted cancels the call. */
    heartbeatTimeoutMs: z.number().int().min(500).default(30_000),
    /** How often clients should send a heartbeat (told to them at login). */
    heartbeatIntervalMs: z.number().int().min(100).default(10_000),
    maxFrameBytes: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
    /**
     * Token bucket per connection: sustained rate and burst. Joining a full room is the largest
     * honest burst: with 9 others each sending mic, camera and screen, a consume and a resume per
     * producer plus transports and layers come to about 80 requests at once.
     */
    rateLimitPerSec: z.number().min(1).default(50),
    rateLimitBurst: z.number().int().min(1).default(200),
    tokenTtlSec: z.number().int().min(60).default(30 * 24 * 3600),
    ...AUTH_CONFIG,
    /**
     * How long a cached user row is trusted. Writes by this server are seen at once; writes by
     * another process (the admin CLI) within this time, or at once when invalidated. 0 = no cache.
     */
    userCacheTtlMs: z.number().int().min(0).max(60_000).default(2000),
    /**
     * SQLite only: checkpoint the WAL from a worker thread this often (server/store/WalCheckpointer.ts),
     * so a COMMIT never copies and fsyncs on the event loop. 0 = SQLite's own checkpoint inside the
     * COMMIT that crosses 1,000 pages (as before).
     */
    walCheckpointMs: z.number().int().min(0).max(60_000).default(250),
    /** Reconnect storms: when to turn NEW connections away with close 4503 and a retry hint (server/transport/AdmissionControl.ts). */
    admission: z
      .object({
        /** Event-loop delay, p99 over the last 500 ms, above which new connections are refused. */
        maxEventLoopLagMs: z.number().min(1).default(150),
        /** Connections open but not yet signed in, at or above which new connections are refused. */
        maxPendingSignIns: z.number().int().min(1).default(10_000),
        /** Sign-ins waiting in the request lane this long (the oldest one) refuse new connections; keep it well under authTimeoutMs. */
        maxQueueWaitMs: z.number().int().min(1).default(3000),
        /** The retry hint at the limit; it grows with the overload, at most 4×. */
        retryAfterMs: z.number().int().min(100).max(60_000).default(1000),
        /** Admitted per second even while overloaded (at least; more while more sign in each second), so a storm always drains. 0 = refuse everyone while overloaded. */
        minAdmitPerSec: z.number().int().min(0).default(100),
      })
      .strict()
      .prefault({}),
    /**
     * SIGTERM drains the node (server/drain/Drain.ts): how long it keeps the media of the calls it hosts
     * before it stops anyway. Unset: 5 minutes where other nodes take the calls over (cluster), 0 on a
     * single node, whose replacement cannot start before it exits (docs/deployment-server.md, "Draining").
     */
    drainTimeoutMs: z.number().int().min(0).max(3_600_000).optional(),
    /** Create demo accounts when the database has no users. */
    demo: z.boolean().default(false),
    /** The media server (mediasoup); see server/sfu/SfuConfig.ts and the README. */
    sfu: SfuConfigSchema.prefault({}),
    /** Serve wss:// and https:// directly (server/transport/tls.ts); absent: plain ws:// behind a TLS proxy. */
    tls: TlsConfigSchema.optional(),
    /** /metrics and /readyz on their own listener, loopback by default (server/metrics/). */
    metrics: MetricsConfigSchema.prefault({}),
    /** TURN servers handed to clients (server/sfu/TurnConfig.ts, README "TURN"); absent: none. */
    turn: TurnConfigSchema.optional(),
    /** Cluster mode (server/cluster/, docs/deployment-server.md "Cluster"): set both redis and postgres, or neither. */
    redis: RedisConfigSchema.optional(),
    postgres: PostgresConfigSchema.optional(),
    /** This node's id, the shared secret and the cluster's timings; read only in cluster mode. */
    cluster: ClusterSectionSchema.optional(),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

/**
 * A number from the environment. `Number('')` is 0, so an empty RINGDESK_PORT would have meant "any free
 * port" and RINGDESK_DRAIN_TIMEOUT_MS= "no drain": an empty or non-numeric value is refused instead, naming the variable.
 */
function envNumber(name: string, raw: string): number {
  const t = raw.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new ConfigError(`${name} must be a number, not ${JSON.stringify(raw.slice(0, 40))} (unset it to use the config file or the default)`, 'env_not_a_number');
  return Number(t);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** A stable code for refusals scripts may match on (cluster_incomplete, …); the message says what to do. */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

export function parseConfig(input: unknown, source: string): ServerConfig {
  const r = ServerConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(`invalid server config (${source}): ${describeIssues(r.error)}`);
  try {
    // Half a cluster (only Redis, only Postgres, no secret) stops here, before anything starts.
    clusterSettings(r.data);
  } catch (e) {
    if (e instanceof ClusterConfigError) throw new ConfigError(`invalid server config (${source}): ${e.message}`, e.code);
    throw e;
  }
  return r.data;
}

const ENV: Record<string, keyof ServerConfig> = {
  RINGDESK_HOST: 'host',
  RINGDESK_PORT: 'port',
  RINGDESK_DB: 'dbPath',
  RINGDESK_TOKEN_SECRET: 'tokenSecret',
  RINGDESK_TOKEN_SECRET_FILE: 'tokenSecretFile',
  RINGDESK_DRAIN_TIMEOUT_MS: 'drainTimeoutMs',
};
const NUMERIC_ENV: ReadonlySet<keyof ServerConfig> = new Set(['port', 'drainTimeoutMs']);
/** The sfu keys settable from the environment (containers set these more often than a JSON file). */
const SFU_ENV: Record<string, 'announcedAddress' | 'listenIp' | 'numWorkers' | 'webRtcServerPort'> = {
  RINGDESK_SFU_ANNOUNCED_ADDRESS: 'announcedAddress',
  RINGDESK_SFU_LISTEN_IP: 'listenIp',
  RINGDESK_SFU_WORKERS: 'numWorkers',
  RINGDESK_SFU_PORT: 'webRtcServerPort',
};
/** sfu.cluster keys from the environment: each node of a cluster has its own relay address. */
const SFU_CLUSTER_ENV: Record<string, 'relayHost' | 'relayPort' | 'relayUrl'> = {
  RINGDESK_SFU_RELAY_HOST: 'relayHost',
  RINGDESK_SFU_RELAY_PORT: 'relayPort',
  RINGDESK_SFU_RELAY_URL: 'relayUrl',
};

const TLS_ENV: Record<string, 'certFile' | 'keyFile' | 'caFile'> = {
  RINGDESK_TLS_CERT: 'certFile',
  RINGDESK_TLS_KEY: 'keyFile',
  RINGDESK_TLS_CA: 'caFile',
};

/** Reads the optional JSON file and env overrides; flags come in as `overrides`. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Record<string, unknown>): ServerConfig {
  let file: Record<string, unknown> = {};
  const path = env['RINGDESK_SERVER_CONFIG'];
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`); // fs errors are Errors
    }
    try {
      file = JSON.parse(text) as Record<string, unknown>; // shape checked by parseConfig below
    } catch {
      throw new ConfigError(`${path} is not valid JSON`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(ENV)) {
    const v = env[k];
    if (v !== undefined) fromEnv[key] = NUMERIC_ENV.has(key) ? envNumber(k, v) : v;
  }
  const sfu: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(SFU_ENV)) {
    const v = env[k];
    if (v !== undefined) sfu[key] = key === 'numWorkers' || key === 'webRtcServerPort' ? envNumber(k, v) : v;
  }
  const tls: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(TLS_ENV)) if (env[k] !== undefined) tls[key] = env[k];
  const fileTls = typeof file['tls'] === 'object' && file['tls'] !== null ? file['tls'] : {};
  if (Object.keys(tls).length > 0) fromEnv['tls'] = { ...fileTls, ...tls };
  const metrics: Record<string, unknown> = {};
  if (env['RINGDESK_METRICS_HOST'] !== undefined) metrics['host'] = env['RINGDESK_METRICS_HOST'];
  if (env['RINGDESK_METRICS_PORT'] !== undefined) metrics['port'] = envNumber('RINGDESK_METRICS_PORT', env['RINGDESK_METRICS_PORT']);
  const fileMetrics = typeof file['metrics'] === 'object' && file['metrics'] !== null ? file['metrics'] : {};
  if (Object.keys(metrics).length > 0) fromEnv['metrics'] = { ...fileMetrics, ...metrics };
  const fileSfu: Record<string, unknown> = typeof file['sfu'] === 'object' && file['sfu'] !== null ? (file['sfu'] as Record<string, unknown>) : {}; // checked by parseConfig
  const sfuCluster: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(SFU_CLUSTER_ENV)) {
    const v = env[k];
    if (v !== undefined) sfuCluster[key] = key === 'relayPort' ? envNumber(k, v) : v;
  }
  const fileSfuCluster = typeof fileSfu['cluster'] === 'object' && fileSfu['cluster'] !== null ? fileSfu['cluster'] : {};
  if (Object.keys(sfuCluster).length > 0) sfu['cluster'] = { ...fileSfuCluster, ...sfuCluster };
  if (Object.keys(sfu).length > 0) fromEnv['sfu'] = { ...fileSfu, ...sfu };
  const turn = turnFromEnv(env, file['turn']);
  if (turn) fromEnv['turn'] = turn;
  Object.assign(fromEnv, clusterFromEnv(env, file));
  return parseConfig({ ...file, ...fromEnv, ...overrides }, path ? `${path}, env and flags` : 'env and flags');
}
