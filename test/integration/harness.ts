// Scenario-test harness: a real server on an ephemeral port with a throwaway SQLite file, and real clients (the CLI core).
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, SYSTEM_CLOCK, type RingdeskServer, type ServerClock, type ServerParts } from '../../server/app.ts';
import { parseConfig, type ServerConfigInput } from '../../server/config.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { SignalingClient } from '../../src/main/signaling/SignalingClient.ts';
import { CallingClient } from '../../src/main/call/CallingClient.ts';
import { asDeviceId, asUserId, type UserId } from '../../src/shared/protocol/index.ts';
import type { EventMap, TypedEmitter } from '../../src/shared/events.ts';

export const PASSWORD = 'correct-horse-1';

/** Where scripts/setup-mediasoup.sh (and ../shared/tools/mediasoup-worker/build.sh) cache the worker. */
const CACHED_WORKER = join(
  process.env['RINGDESK_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(process.env['HOME'] ?? '/root', '.cache'), 'ringdesk'),
  'mediasoup-worker',
  '3.27.1',
  'mediasoup-worker',
);

/** The mediasoup worker binary for this run: MEDIASOUP_WORKER_BIN, else the build script's cache; null if neither runs. */
export function workerBin(): string | null {
  const bin = process.env['MEDIASOUP_WORKER_BIN'] || CACHED_WORKER;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return null;
  }
  process.env['MEDIASOUP_WORKER_BIN'] = bin;
  return bin;
}

/** Test servers get media too: one worker on ephemeral ports, so files running side by side never collide. */
const TEST_SFU = { numWorkers: 1, webRtcServerPort: 0, listenIp: '127.0.0.1' } as const;

export interface TestServer {
  server: RingdeskServer;
  url: string;
  dbPath: string;
  /**
   * Stops this server and starts a new one on the same port and database (calls and tokens survive).
   * `whileDown` runs in between: what clients show while the server is unreachable.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** `clock`: the server's time and timers; pass a TestClock to control them (test/integration/testClock.ts), or just `{ now }` to move time with real timers. */
/** `parts`: what the server is composed with beyond its config (a cluster's CallHandover). */
export async function startTestServer(
  users: string[],
  overrides: ServerConfigInput = {},
  clock: Pick<ServerClock, 'now'> & Partial<ServerClock> = SYSTEM_CLOCK,
  parts: ServerParts = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-it-'));
  const dbPath = join(dir, 'db.sqlite');
  const seed = new SqliteStore(dbPath);
  const hash = await hashPassword(PASSWORD);
  for (const u of users) await seed.createUser({ userId: asUserId(u), displayName: u.toUpperCase(), passwordHash: hash, disabled: false, createdAt: Date.now() });
  await seed.close();
  workerBin();
  const config = parseConfig(
    {
      port: 0,
      dbPath,
      tokenSecret: randomBytes(32).toString('hex'),
      heartbeatIntervalMs: 500,
      ...overrides,
      sfu: { ...TEST_SFU, ...overrides.sfu },
      // Ephemeral like the public port: test servers run side by side.
      metrics: { port: 0, ...overrides.metrics },
    },
    'test',
  );
  const t: TestServer = {
    server: await startServer(config, undefined, clock, parts),
    url: '',
    dbPath,
    async restart(whileDown) {
      const port = t.server.port;
      await t.server.close();
      try {
        await whileDown?.();
      } finally {
        t.server = await startServer({ ...config, port }, undefined, clock, parts);
      }
    },
    async close() {
      await t.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  t.url = t.server.url;
  return t;
}

export interface TestClient {
  sig: SignalingClient;
  calls: CallingClient;
  userId: UserId;
  /** Every push received, in order, by type: for asserting who heard what. */
  heard: string[];
}

export async function connect(url: string, user: string, device = `${user}-d1`, password = PASSWORD): Promise<TestClient> {
  const sig = new SignalingClient({
    url,
    deviceId: asDeviceId(device),
    deviceName: `${user}'s ${device}`,
    credentials: { userId: asUserId(user), password },
    requestTimeoutMs: EVENT_WAIT_MS,
    backoff: { initialMs: 50, maxMs: 500, jitter: 0.2 },
  });
  const calls = new CallingClient(sig);
  const heard: string[] = [];
  sig.on('push', (p) => heard.push(p.type));
  const ready = once(sig, 'session');
  sig.connect();
  await ready;
  return { sig, calls, userId: asUserId(user), heard };
}

/**
 * How long a wait for an event may take before the test fails. Only a bound for a broken build: on a
 * saturated CI machine a sign-in alone can take seconds, and no test asserts on how fast an event came.
 */
export const EVENT_WAIT_MS = 15_000;

/** Resolves with the next emission of `event` that satisfies `pred`, or rejects after `ms`. */
export function once<E extends EventMap, K extends keyof E>(
  em: TypedEmitter<E>,
  event: K,
  pred: (...args: E[K]) => boolean = () => true,
  ms = EVENT_WAIT_MS,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const off = em.on(event, (...args) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `f` returns true (for server-side state that has no event); `f` may read the store. */
export async function until(f: () => boolean | Promise<boolean>, ms = EVENT_WAIT_MS, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
