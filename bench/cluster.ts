#!/usr/bin/env node
// Cluster benchmark: `npm run bench:cluster -- [--users N] [--rate R] [--nodes K] [--seconds S]`.
// Real redis-server and Postgres (test/support/), K signaling nodes in cluster mode, users seeded into
// Postgres, N users (N/K per node) doing the app's sign-in work, invitations whose caller and invitee sit
// on different nodes, open loop. Measures invite → received, per-node CPU, Redis and Postgres operations
// per invitation and the machine's load; first against 1 node (N/K users), then against K.
// See bench/README.md ("Cluster benchmark") and docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { hashPassword } from '../server/auth/passwords.ts';
import { PgStore } from '../server/store/pgStore.ts';
import { asUserId } from '../src/shared/protocol/index.ts';
import { startTestPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { startTestRedis, type TestRedis } from '../test/support/redis.ts';
import { Counters } from './cluster/counters.ts';
import { benchMain, exitWith, LOAD_FLAGS, numFlag, parseServerConfig } from './main.ts';
import { writeNodeConfig } from './cluster/nodes.ts';
import { clusterTable } from './cluster/report.ts';
import { FD_MARGIN, runCluster, type RunOptions } from './cluster/run.ts';
import { Child, gitState, loadAvg, readFdLimit, userName } from './processes.ts';
import { writeResult } from './results.ts';
import { measureSpeed } from './speed.ts';

export const TARGETS = { p50Ms: 3, p99Ms: 15, users: 30_000, rate: 500, nodes: 3 } as const;
const SEED_BATCH = 5000;

const USAGE = `usage: npm run bench:cluster -- [options]
  --users N         users connected to the cluster, N/K per node (default 30000)
  --rate R          invitations per second, open loop; caller and invitee on different nodes (default 500)
  --nodes K         nodes of the cluster (default 3)
  --seconds S       seconds of measured load (default 10)
  --warmup S        seconds of unmeasured load first (default 2)
  --idle-window S   seconds with heartbeats only, before the load: the background of the per-invitation counts (default 5)
  --workers W       client processes (default K, more if one would exceed the open-file limit)
  --concurrency C   connections opened at once per client process (default 64)
  --churn R         sign-outs per second during the window, each signing in again 1 s later (default 5)
  --skip-single     do not run the 1-node comparison first
  --server-config J JSON merged over the bench's node config
  --out PATH        where to write the JSON (default bench/results/cluster-<timestamp>.json)`;

interface Options extends Omit<RunOptions, 'churnPool'> {
  skipSingle: boolean;
  serverConfig: Record<string, unknown>;
  out: string | null;
  reductions: string[];
}

function parseOptions(argv: string[]): Options | null {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      ...LOAD_FLAGS,
      nodes: { type: 'string' },
      seconds: { type: 'string' },
      'idle-window': { type: 'string' },
      'skip-single': { type: 'boolean' },
    },
  });
  if (v.help) return null;
  const num = numFlag;
  const nodes = Math.floor(num(v.nodes, TARGETS.nodes, 'nodes', 1));
  let users = Math.floor(num(v.users, TARGETS.users, 'users', 4 * nodes));
  const reductions: string[] = [];
  // The open-file limit is per process: each node holds its N/K sockets, so that is what must fit.
  const hard = readFdLimit('self')?.hard ?? Number.POSITIVE_INFINITY;
  if (users / nodes + FD_MARGIN > hard) {
    const fit = nodes * (hard - FD_MARGIN);
    reductions.push(`--users ${users} → ${fit}: ${Math.ceil(users / nodes)} sockets per node exceed the open-file limit (hard ${hard}, ${FD_MARGIN} kept for the rest); this sandbox cannot raise it`);
    users = fit;
  }
  let workers = Math.floor(num(v.workers, nodes, 'workers', 1));
  const needed = Math.ceil(users / (hard - FD_MARGIN));
  if (workers < needed) {
    reductions.push(`--workers ${workers} → ${needed}: one client process may hold at most ${hard - FD_MARGIN} sockets (open-file limit ${hard})`);
    workers = needed;
  }
  return {
    nodes,
    users,
    workers,
    rate: num(v.rate, TARGETS.rate, 'rate', 0.1),
    seconds: num(v.seconds, 10, 'seconds', 1),
    warmupS: num(v.warmup, 2, 'warmup', 0),
    idleS: num(v['idle-window'], 5, 'idle-window', 0),
    churn: num(v.churn, 5, 'churn', 0),
    concurrency: Math.floor(num(v.concurrency, 64, 'concurrency', 1)),
    skipSingle: v['skip-single'] === true,
    serverConfig: parseServerConfig(v['server-config']),
    out: v.out ?? null,
    reductions,
  };
}

interface Cleanup {
  children: Child[];
  /** The bench's own links to Redis and Postgres (counters): closed before the servers stop. */
  links: (() => Promise<void>)[];
  redis: TestRedis | null;
  postgres: TestPostgres | null;
  dirs: string[];
}

async function cleanUp(c: Cleanup): Promise<void> {
  for (const close of c.links.splice(0)) await close();
  const kids = c.children.splice(0);
  await Promise.all(kids.filter((k) => k.name.includes('-client-')).map((k) => k.stop(5000)));
  await Promise.all(kids.map((k) => k.stop(10_000)));
  const [redis, postgres] = [c.redis, c.postgres];
  c.redis = null;
  c.postgres = null;
  await Promise.all([redis?.stop(), postgres?.stop()]);
  for (const d of c.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

async function run(o: Options, argv: string[], cleanup: Cleanup, result: Record<string, unknown>): Promise<void> {
  Object.assign(result, {
    benchmark: 'cluster',
    complete: false,
    date: new Date().toISOString(),
    command: `npm run bench:cluster${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: {
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
      openFileLimit: readFdLimit('self'),
      loadAverages1m5m15mAtStart: loadAvg(),
      speedAtStart: measureSpeed(),
    },
    params: { ...o },
    reductions: o.reductions,
    git: gitState(),
    runs: [],
  });
  if (process.platform !== 'linux') throw new Error('this benchmark reads /proc for CPU: Linux only');
  for (const r of o.reductions) console.error(`[cluster] REDUCED ${r}`);

  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bench-cluster-'));
  cleanup.dirs.push(dir);
  // pg_stat_statements counts the statements the nodes run; it must be preloaded at server start.
  [cleanup.redis, cleanup.postgres] = await Promise.all([startTestRedis(), startTestPostgres({ durable: true, settings: { shared_preload_libraries: 'pg_stat_statements' } })]);
  const { redis, postgres } = cleanup;

  // ---- seed (one scrypt hash for all: the users resume with tokens, as bench:signaling's do)
  const tSeed = performance.now();
  const store = await PgStore.open(postgres.url);
  const hash = await hashPassword('bench-password-1');
  for (let i = 0; i < o.users; i += SEED_BATCH) {
    const batch = Array.from({ length: Math.min(SEED_BATCH, o.users - i) }, (_, k) => ({ userId: asUserId(userName(i + k)), displayName: `Bench ${i + k}`, passwordHash: hash, disabled: false, createdAt: Date.now() }));
    await store.createUsers(batch);
  }
  await store.close();
  console.error(`[cluster] ${o.users} users seeded into Postgres in ${((performance.now() - tSeed) / 1000).toFixed(1)} s`);

  const redisClient = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  cleanup.links.push(async () => redisClient.disconnect());
  await redisClient.connect();
  const pgClient = new pg.Client({ connectionString: postgres.url });
  // Without a listener, Postgres ending this connection (its shutdown) would end the bench before it cleaned up.
  pgClient.on('error', (e) => console.error(`[cluster] the bench's Postgres connection: ${e.message}`));
  cleanup.links.push(() => pgClient.end());
  await pgClient.connect();
  const counters = new Counters(redisClient, pgClient);
  const { statements } = await counters.init();
  const { path: configPath, config } = writeNodeConfig(dir, o.serverConfig);
  result['setup'] = {
    redis: 'redis-server (test/support/redis.ts): no persistence',
    postgres: `postgres (test/support/postgres.ts): synchronous_commit on, fsync off; pg_stat_statements ${statements ? 'on' : 'OFF'}`,
    nodeConfig: config,
    auth: 'resume with tokens minted by server/auth/tokens.ts with the secret the nodes share',
  };
  const ctx = {
    dir,
    configPath,
    env: { redisUrl: redis.url, postgresUrl: postgres.url, clusterSecret: randomBytes(32).toString('hex'), tokenSecretHex: randomBytes(32).toString('hex') },
    counters,
    track: (c: Child) => cleanup.children.push(c),
  };
  // The K-node run first: it is the one the targets are about, and a failure later keeps it in the partial JSON.
  const sizes = o.skipSingle || o.nodes === 1 ? [o.nodes] : [o.nodes, 1];
  for (const n of sizes) {
    // The 1-node run carries one node's share of the users (N/K), the load each node carries in the K-node run.
    const users = n === o.nodes ? o.users : Math.floor(o.users / o.nodes) * n;
    const workers = n === o.nodes ? o.workers : Math.max(1, Math.ceil((o.workers * n) / o.nodes));
    const churnPool = Math.min(500, Math.floor(users / 10));
    console.error(`[cluster] ---- ${n} node(s), ${users} users, ${o.rate}/s (load ${loadAvg().join(' ')})`);
    const r = await runCluster({ ...o, nodes: n, users, workers, churnPool }, ctx);
    (result['runs'] as unknown[]).push(r);
  }
  (result['machine'] as Record<string, unknown>)['loadAverages1m5m15mAtEnd'] = loadAvg();
  result['complete'] = true;
}

const cleanup: Cleanup = { children: [], links: [], redis: null, postgres: null, dirs: [] };
exitWith(
  benchMain<Options>({
    tag: '[cluster]',
    usage: USAGE,
    parse: parseOptions,
    run: (o, argv, r) => run(o, argv, cleanup, r),
    cleanUp: () => cleanUp(cleanup),
    children: () => cleanup.children,
    write: (r, o) => writeResult('cluster', { ...r, date: String(r['date']) }, { out: o.out, complete: Boolean(r['complete']) }),
    print: (r, path) => {
      console.log(`\nRingdesk cluster benchmark (${String(r['command'])})\n`);
      console.log(clusterTable(r, TARGETS));
      console.log(`\nJSON: ${relative(process.cwd(), path) || path} (and bench/results/cluster-latest.json)`);
    },
  }),
);
