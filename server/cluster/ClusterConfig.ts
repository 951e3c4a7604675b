import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { errorMessage } from '../../src/shared/errors.ts';

/** The cluster secret signs every node-to-node message; a short one can be guessed offline from one message. */
export const CLUSTER_MIN_SECRET_CHARS = 32;

const redisUrl = z.string().regex(/^rediss?:\/\/\S+$/, 'must be redis://[user:password@]host[:port][/db] or rediss://…');
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be postgres://user[:password]@host[:port]/database');

export const RedisConfigSchema = z.object({ url: redisUrl }).strict();
export const PostgresConfigSchema = z
  .object({
    url: postgresUrl,
    /** Connections per node (node-postgres pool size). */
    maxConnections: z.number().int().min(1).max(200).default(10),
  })
  .strict();

/**
 * Timings of the cluster. The defaults suit production; tests shorten them through the config
 * (never by sleeping), e.g. a node lease of 1.5 s so a killed node's calls are adopted quickly.
 */
export const ClusterSectionSchema = z
  .object({
    /** This node's name in Redis (routes, leases, channels). Default: host:port, unique per listener. */
    nodeId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'letters, digits and . _ : - only, at most 64').optional(),
    /** Signs node-to-node messages (HMAC-SHA256). Give it here or in secretFile, not both. */
    secret: z.string().min(CLUSTER_MIN_SECRET_CHARS, `the cluster secret must be at least ${CLUSTER_MIN_SECRET_CHARS} characters`).optional(),
    secretFile: z.string().min(1).optional(),
    /** A node's liveness key lives this long unless refreshed; a node unseen this long is dead (its devices and leases go). */
    nodeTtlMs: z.number().int().min(300).max(120_000).default(10_000),
    /** A call's ownership lease; renewed every third of it. */
    leaseMs: z.number().int().min(300).max(120_000).default(10_000),
    /** How long a request forwarded to a call's owner may take before it answers `unavailable`. */
    forwardTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** How often each node looks for started calls whose owner is gone (a node died, or Redis restarted empty). */
    adoptEveryMs: z.number().int().min(100).max(600_000).default(5_000),
  })
  .strict();

export type ClusterSection = z.output<typeof ClusterSectionSchema>;

/** What a node of a cluster runs with, once checked. */
export interface ClusterSettings {
  nodeId: string;
  secret: string;
  redisUrl: string;
  postgresUrl: string;
  postgresMaxConnections: number;
  nodeTtlMs: number;
  leaseMs: number;
  forwardTimeoutMs: number;
  adoptEveryMs: number;
}

/** A refusal to start with a code scripts can match on (server/index.ts prints it, exit 2). */
export class ClusterConfigError extends Error {
  override name = 'ConfigError';
  readonly code: 'cluster_incomplete' | 'cluster_secret_missing' | 'cluster_secret_invalid';
  constructor(code: ClusterConfigError['code'], message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

interface ClusterInputs {
  redis?: { url: string } | undefined;
  postgres?: { url: string; maxConnections: number } | undefined;
  cluster?: ClusterSection | undefined;
  port: number;
}

/**
 * Null for the embedded default (neither Redis nor Postgres: one process on SQLite). Both set: the
 * settings of this node. One without the other, or no secret, stops the start with a stable code.
 */
export function clusterSettings(c: ClusterInputs, host = hostname()): ClusterSettings | null {
  if (!c.redis && !c.postgres) return null;
  if (!c.redis || !c.postgres) {
    const missing = c.redis ? 'postgres.url (RINGDESK_POSTGRES_URL)' : 'redis.url (RINGDESK_REDIS_URL)';
    throw new ClusterConfigError('cluster_incomplete', `cluster mode needs both redis.url and postgres.url; ${missing} is not set. Set both for a cluster, or neither for one server on SQLite`);
  }
  const section = c.cluster ?? ClusterSectionSchema.parse({});
  if (section.secret !== undefined && section.secretFile !== undefined) {
    throw new ClusterConfigError('cluster_secret_invalid', 'set cluster.secret or cluster.secretFile, not both');
  }
  let secret = section.secret;
  if (section.secretFile !== undefined) {
    try {
      secret = readFileSync(section.secretFile, 'utf8').trim();
    } catch (e) {
      throw new ClusterConfigError('cluster_secret_invalid', `cannot read ${section.secretFile}: ${errorMessage(e)}`);
    }
    if (secret.length < CLUSTER_MIN_SECRET_CHARS) throw new ClusterConfigError('cluster_secret_invalid', `${section.secretFile} must hold at least ${CLUSTER_MIN_SECRET_CHARS} characters`);
  }
  if (secret === undefined) {
    throw new ClusterConfigError('cluster_secret_missing', 'cluster mode needs cluster.secret or cluster.secretFile (RINGDESK_CLUSTER_SECRET / _FILE), the same on every node: it signs node-to-node messages');
  }
  // Port 0 (tests) is not unique across nodes on one host: add randomness then.
  const nodeId = section.nodeId ?? (c.port > 0 ? `${host}:${c.port}` : `${host}:${randomBytes(4).toString('hex')}`);
  return {
    nodeId,
    secret,
    redisUrl: c.redis.url,
    postgresUrl: c.postgres.url,
    postgresMaxConnections: c.postgres.maxConnections,
    nodeTtlMs: section.nodeTtlMs,
    leaseMs: section.leaseMs,
    forwardTimeoutMs: section.forwardTimeoutMs,
    adoptEveryMs: section.adoptEveryMs,
  };
}

/** Environment overrides for the cluster keys (containers set these more often than a file). */
export function clusterFromEnv(env: NodeJS.ProcessEnv, file: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const section = (k: string): Record<string, unknown> => (typeof file[k] === 'object' && file[k] !== null ? (file[k] as Record<string, unknown>) : {}); // an object, checked by the schema later
  if (env['RINGDESK_REDIS_URL'] !== undefined) out['redis'] = { ...section('redis'), url: env['RINGDESK_REDIS_URL'] };
  if (env['RINGDESK_POSTGRES_URL'] !== undefined) out['postgres'] = { ...section('postgres'), url: env['RINGDESK_POSTGRES_URL'] };
  const cluster: Record<string, unknown> = {};
  if (env['RINGDESK_CLUSTER_NODE_ID'] !== undefined) cluster['nodeId'] = env['RINGDESK_CLUSTER_NODE_ID'];
  if (env['RINGDESK_CLUSTER_SECRET'] !== undefined) cluster['secret'] = env['RINGDESK_CLUSTER_SECRET'];
  if (env['RINGDESK_CLUSTER_SECRET_FILE'] !== undefined) cluster['secretFile'] = env['RINGDESK_CLUSTER_SECRET_FILE'];
  if (Object.keys(cluster).length > 0) out['cluster'] = { ...section('cluster'), ...cluster };
  return out;
}
