import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues } from '../src/shared/protocol/index.ts';
import { SfuConfigSchema } from './sfu/SfuConfig.ts';

/** Every server setting, with its default. Sources: defaults < JSON file (RINGDESK_SERVER_CONFIG) < env < flags. */
export const ServerConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    dbPath: z.string().default('./data/ringdesk.sqlite'),
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
    /** Hex, ≥ 32 bytes. Generated once and kept in the database when not given. */
    tokenSecret: z.string().regex(/^[0-9a-f]{64,}$/i, 'tokenSecret must be at least 64 hex characters').optional(),
    /**
     * How long a cached user row is trusted. Writes by this server are seen at once; writes by
     * another process (the admin CLI) within this time, or at once when invalidated. 0 = no cache.
     */
    userCacheTtlMs: z.number().int().min(0).max(60_000).default(2000),
    /** Reconnect storms: when to turn NEW connections away with close 4503 and a retry hint (server/transport/AdmissionControl.ts). */
    admission: z
      .object({
        /** Event-loop delay, p99 over the last 500 ms, above which new connections are refused. */
        maxEventLoopLagMs: z.number().min(1).default(150),
        /** Connections open but not yet signed in, at or above which new connections are refused. */
        maxPendingSignIns: z.number().int().min(1).default(1000),
        /** The retry hint at the limit; it grows with the overload, at most 4×. */
        retryAfterMs: z.number().int().min(100).max(60_000).default(1000),
        /** Admitted per second even while overloaded, so a storm always drains. 0 = refuse everyone while overloaded. */
        minAdmitPerSec: z.number().int().min(0).default(100),
      })
      .strict()
      .prefault({}),
    /** Create demo accounts when the database has no users. */
    demo: z.boolean().default(false),
    /** The media server (mediasoup); see server/sfu/SfuConfig.ts and the README. */
    sfu: SfuConfigSchema.prefault({}),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(input: unknown, source: string): ServerConfig {
  const r = ServerConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(`invalid server config (${source}): ${describeIssues(r.error)}`);
  return r.data;
}

const ENV: Record<string, keyof ServerConfig> = {
  RINGDESK_HOST: 'host',
  RINGDESK_PORT: 'port',
  RINGDESK_DB: 'dbPath',
  RINGDESK_TOKEN_SECRET: 'tokenSecret',
};
/** The sfu keys settable from the environment (containers set these more often than a JSON file). */
const SFU_ENV: Record<string, 'announcedAddress' | 'listenIp' | 'numWorkers' | 'webRtcServerPort'> = {
  RINGDESK_SFU_ANNOUNCED_ADDRESS: 'announcedAddress',
  RINGDESK_SFU_LISTEN_IP: 'listenIp',
  RINGDESK_SFU_WORKERS: 'numWorkers',
  RINGDESK_SFU_PORT: 'webRtcServerPort',
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
    if (v !== undefined) fromEnv[key] = key === 'port' ? Number(v) : v;
  }
  const sfu: Record<string, unknown> = {};
  for (const [k, key] of Object.entries(SFU_ENV)) {
    const v = env[k];
    if (v !== undefined) sfu[key] = key === 'numWorkers' || key === 'webRtcServerPort' ? Number(v) : v;
  }
  const fileSfu = typeof file['sfu'] === 'object' && file['sfu'] !== null ? file['sfu'] : {};
  if (Object.keys(sfu).length > 0) fromEnv['sfu'] = { ...fileSfu, ...sfu };
  return parseConfig({ ...file, ...fromEnv, ...overrides }, path ? `${path}, env and flags` : 'env and flags');
}
