// A real cluster for tests: Debian's redis-server and postgresql on temp dirs and free ports, and N
// nodes as child processes (`node server/index.ts serve`, as users run it), so a test can kill -9 one.
// Timings come from the config (short leases and liveness), never from sleeps in the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '../../server/auth/passwords.ts';
import { PgStore } from '../../server/store/pgStore.ts';
import { SignalingClient, type WebSocketLike } from '../../src/main/signaling/SignalingClient.ts';
import { CallingClient } from '../../src/main/call/CallingClient.ts';
import { asDeviceId, asUserId, type CallId, type CallUserState, type Push, type UserId } from '../../src/shared/protocol/index.ts';
import { EVENT_WAIT_MS, PASSWORD, once, type TestClient } from '../integration/harness.ts';
import { freePort } from '../support/ports.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';

const READY = /Ringdesk server ready at (ws:\/\/\S+)/;
/** A bound for a hung start, not a speed check: under a load of 40+ one node start took longer than 30 s. */
const START_TIMEOUT_MS = 120_000;
/** Cheap password hashes: hundreds of sign-ins on a 2-core machine (the cost is not what these tests test). */
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface NodeProcess {
  readonly id: string;
  url: string;
  /** Its signaling port, and its metrics listener's port (/readyz) or 0 when metrics are off. */
  readonly port: number;
  readonly metricsPort: number;
  readonly pid: number;
  /** Whether the process is running. */
  readonly up: boolean;
  /** The exit code once it exited by itself (null while running, or when a signal ended it). */
  readonly exitCode: number | null;
  /** The last 20k characters of its log (stderr and stdout). */
  log(): string;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
}

export interface TestCluster {
  redis: TestRedis;
  postgres: TestPostgres;
  nodes: NodeProcess[];
  /** The URLs of the nodes that run now (a load balancer's view). */
  liveUrls(): string[];
  /** The nodes' warnings and errors (the last `n` lines of each), for a failing test's message. */
  problems(n?: number): string;
  /** A direct connection to the cluster's database (counting, checking). */
  store: PgStore;
  close(): Promise<void>;
}

export interface ClusterOptions {
  users: string[];
  nodes?: number;
  /** Merged into every node's config file (heartbeatTimeoutMs, cluster timings, …). */
  config?: Record<string, unknown>;
  /** Each node's metrics listener (/readyz for a load balancer's health check) on its own free port. */
  metrics?: boolean;
}

export async function startTestCluster(o: ClusterOptions): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-cluster-'));
  // Durable commits: the fault tests kill Postgres and count on every acknowledged write surviving.
  const [redis, postgres] = await Promise.all([startTestRedis(), startTestPostgres({ durable: true })]);
  const store = await PgStore.open(postgres.url);
  const hash = await hashPassword(PASSWORD, TEST_SCRYPT);
  await store.createUsers(o.users.map((u) => ({ userId: asUserId(u), displayName: u.toUpperCase(), passwordHash: hash, disabled: false, createdAt: Date.now() })));
  const configPath = join(dir, 'server.json');
  const { cluster: clusterOverrides, ...rest } = o.config ?? {};
  writeFileSync(
    configPath,
    JSON.stringify({
      heartbeatIntervalMs: 500,
      heartbeatTimeoutMs: 10_000,
      // No workers (signaling tests); each node's media relay on a free loopback port, as three nodes share this host.
      sfu: { enabled: false, cluster: { relayHost: '127.0.0.1', relayPort: 0 } },
      metrics: o.metrics ? { enabled: true, host: '127.0.0.1' } : { enabled: false },
      // Sign-in throttling counts per address: every test client is 127.0.0.1.
      authThrottle: { freeFailures: 1000 },
      ...rest,
      cluster: { nodeTtlMs: 1500, leaseMs: 1500, forwardTimeoutMs: 5000, adoptEveryMs: 500, ...(clusterOverrides as object | undefined) },
    }),
  );
  const env = {
    ...process.env,
    RINGDESK_SERVER_CONFIG: configPath,
    RINGDESK_TOKEN_SECRET: randomBytes(32).toString('hex'),
    RINGDESK_REDIS_URL: redis.url,
    RINGDESK_POSTGRES_URL: postgres.url,
    RINGDESK_CLUSTER_SECRET: randomBytes(24).toString('hex'),
    RINGDESK_LOG: 'info',
  };
  const nodes: NodeProcess[] = [];
  for (let i = 1; i <= (o.nodes ?? 3); i++) nodes.push(await nodeProcess(`n${i}`, await freePort(), o.metrics ? await freePort() : 0, env, join(dir, `n${i}.sqlite`)));
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (e) {
    // A node that did not start must not leave Redis, Postgres and the other nodes running.
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await store.close();
    await Promise.all([redis.stop(), postgres.stop()]);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    redis,
    postgres,
    nodes,
    store,
    liveUrls: () => nodes.filter((n) => n.up).map((n) => n.url),
    problems: (count = 15) =>
      nodes
        .flatMap((n) => [`--- ${n.id}${n.up ? '' : ' (down)'}`, ...n.log().split('\n').filter((l) => /"level":"(warn|error)"|Error/.test(l)).slice(-count)])
        .join('\n'),
    async close() {
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
      await store.close();
      await Promise.all([redis.stop(), postgres.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function nodeProcess(id: string, port: number, metricsPort: number, env: NodeJS.ProcessEnv, dbPath: string): Promise<NodeProcess> {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const n: NodeProcess = {
    id,
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    metricsPort,
    get pid() {
      return child?.pid ?? -1;
    },
    get up() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    get exitCode() {
      return child?.exitCode ?? null;
    },
    log: () => log,
    async start() {
      // --db is never used in cluster mode (Postgres is the store); it proves no SQLite file is needed.
      const c = spawn(process.execPath, [resolve('server/index.ts'), 'serve', '--port', String(port), '--db', dbPath], {
        env: { ...env, RINGDESK_CLUSTER_NODE_ID: id, ...(metricsPort > 0 ? { RINGDESK_METRICS_PORT: String(metricsPort) } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      // 'close', not 'exit': stop() is followed by reads of the log, whose last lines may still be in the pipe at exit.
      exited = new Promise((r) => c.once('close', () => r()));
      // RINGDESK_CLUSTER_LOG_DIR keeps each node's whole log (a rare failure's history); tests read only the tail.
      const keep = process.env['RINGDESK_CLUSTER_LOG_DIR'];
      const onData = (d: Buffer): void => {
        log = (log + d.toString()).slice(-20_000);
        if (keep) appendFileSync(join(keep, `${id}.log`), d);
      };
      c.stderr?.on('data', onData);
      c.stdout?.on('data', onData);
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`node ${id} did not start in ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
        const check = (): void => {
          if (!READY.test(log)) return;
          clearTimeout(timer);
          c.stdout?.off('data', check);
          ok();
        };
        c.stdout?.on('data', check);
        c.once('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`node ${id} exited (${code}) before it was ready:\n${log}`));
        });
      });
    },
    async stop(signal) {
      if (!n.up || !child) return;
      child.kill(signal);
      await exited;
    },
  };
  return n;
}

/**
 * A signed-in client of the cluster. `pick` chooses the node for each (re)connect, as a load
 * balancer would: a client whose node died reconnects to another one.
 */
export interface ClusterClient extends TestClient {
  /** Every push received, whole, in order: for counting what a timer sent. */
  pushes: Push[];
}

/** `waitMs`: how long the first sign-in may take (longer while a node's users reconnect elsewhere at once). */
export async function connectTo(pick: () => string, user: string, device = `${user}-d1`, waitMs = EVENT_WAIT_MS): Promise<ClusterClient> {
  const sig = new SignalingClient({
    url: 'ws://cluster.invalid/ws', // never dialled: the factory below picks a live node each time
    webSocket: () => new WebSocket(pick()) as unknown as WebSocketLike, // the global matches WebSocketLike structurally
    deviceId: asDeviceId(device),
    deviceName: `${user}'s ${device}`,
    credentials: { userId: asUserId(user), password: PASSWORD },
    requestTimeoutMs: EVENT_WAIT_MS,
    backoff: { initialMs: 50, maxMs: 500, jitter: 0.2 },
  });
  const calls = new CallingClient(sig);
  const heard: string[] = [];
  const pushes: Push[] = [];
  sig.on('push', (p) => {
    heard.push(p.type);
    pushes.push(p);
  });
  const ready = once(sig, 'session', () => true, waitMs);
  sig.connect();
  await ready;
  return { sig, calls, userId: asUserId(user), heard, pushes };
}

/**
 * How many times the invitation timer's transition for `user` in `callID` reached this client. One
 * transition may send two pushes to the invitee (callInvitationTimeout to an invitee still Inviting
 * or NotYetReceived, and callUserStateChanged to every member), so each kind is counted on its own:
 * a timer that fired twice shows 2 in both.
 */
export function timeoutPushes(c: ClusterClient, callID: CallId, user: UserId): number {
  const changed = statePushes(c, callID, user, 'timeout');
  const own = c.pushes.filter((p) => p.type === 'callInvitationTimeout' && p.data.callID === callID && c.userId === user).length;
  return Math.max(changed, own);
}

/** The callUserStateChanged pushes this client got that moved `user` to `state` in the call. */
export function statePushes(c: ClusterClient, callID: string, user: UserId, state: CallUserState): number {
  return c.pushes.filter((p) => p.type === 'callUserStateChanged' && p.data.callID === callID && p.data.users.some((x) => x.userId === user && x.state === state)).length;
}

/** Node `n` (1-based) while it runs; once it is down, any live node (the load balancer's job). */
export function preferNode(cluster: () => TestCluster, n: number): () => string {
  return () => {
    const c = cluster();
    const want = c.nodes[n - 1];
    if (want?.up) return want.url;
    const live = c.liveUrls();
    return live[Math.floor(Math.random() * live.length)] ?? want?.url ?? '';
  };
}
