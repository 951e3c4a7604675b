#!/usr/bin/env node
// Signaling benchmark: `npm run bench:signaling -- [--users N] [--rate R] [--duration S] [--idle N] [--out PATH]`.
// Starts the real server in a child process, N headless `ws` clients in a few worker processes, and measures
//   1. server RSS with 0 connections and with --idle authenticated, heartbeating connections (→ MB per 1,000);
//   2. invite → callInvitationReceived latency at a sustained, open-loop invitation rate with --users connected.
// Prints a table and writes bench/results/signaling-<timestamp>.json and bench/results/signaling-latest.json.
// See bench/README.md for what is measured and how.
// Flags: bench/signaling/options.ts; the printed table: bench/signaling/report.ts; the storm mode: bench/storm.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { hashPassword } from '../server/auth/passwords.ts';
import { SqliteStore } from '../server/store/sqliteStore.ts';
import { asUserId } from '../src/shared/protocol/index.ts';
import { BARE_RELAY, bareBaseline } from './bare/baseline.ts';
import { assignUsers, FD_MARGIN, startClients, stopAll } from './clients.ts';
import { latencyPhase, summariseLatency } from './latency.ts';
import { benchMain, exitWith } from './main.ts';
import { runStorm } from './storm.ts';
import type { ServerLoopStats, ServerMemory } from './messages.ts';
import { addCounts, Child, dist, gitState, loadAvg, mb, MB, readFdLimit, readProcCpuSec, readProcMem, sleep, slope, userName } from './processes.ts';
import { parseOptions, USAGE, type Options } from './signaling/options.ts';
import { table, writeSignalingResult } from './signaling/report.ts';
import { measureSpeed } from './speed.ts';

const GiB = 1024 * MB;
const TARGETS = { latencyP50Ms: 2, latencyP99Ms: 10, latencyUsers: 10_000, latencyRate: 500, idleConnections: 50_000, idleRssBytes: 2 * GiB, idleConnectionKB: 40 } as const;
/** Loopback connections per source address before we spread over 127.0.0.x (the ephemeral range is ~28k ports). */
const CONNS_PER_SOURCE_ADDRESS = 20_000;

// ---------------------------------------------------------------- the run

interface MemoryCheckpoint {
  connections: number;
  /** VmRSS after a forced full GC in the server. */
  rssMB: number;
  /** VmRSS just before that GC. */
  rssBeforeGcMB: number;
  heapUsedMB: number;
  peakRssMB: number;
}

/** Fills `result` as it goes, so a failure still leaves what was measured. */
async function run(o: Options, argv: string[], cleanup: Cleanup, result: Record<string, unknown>): Promise<void> {
  const started = new Date();
  Object.assign(result, {
    benchmark: 'signaling',
    complete: false,
    date: started.toISOString(),
    command: `npm run bench:signaling${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine: {
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemoryGiB: Math.round((os.totalmem() / GiB) * 10) / 10,
      node: process.version,
      /** Other work on the machine skews the figures: 1-minute load average at start (and at the end, below). */
      loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      loadAverages1m5m15mAtStart: loadAvg(),
      /** The same work timed at every run: how fast the machine was, which the load average does not show. */
      speedAtStart: measureSpeed(),
    },
    params: { ...o },
    git: gitState(),
  });
  if (process.platform !== 'linux') throw new Error('this benchmark reads /proc/<pid>/status for RSS: Linux only');

  const total = Math.max(o.users, o.idle);
  // The churn pool is part of --users but outside the pairs, so a churned user never misses an invitation.
  const pairCount = Math.floor((o.users - o.churnPool) / 2);
  const workers = Math.min(o.workers, Math.max(1, pairCount));
  const assignment = assignUsers(total, pairCount, workers);
  const perWorkerMax = Math.max(...assignment.users.map((a) => a.length));

  // ---- seed
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bench-'));
  cleanup.dirs.push(dir);
  const dbPath = join(dir, 'bench.sqlite');
  const tSeed = performance.now();
  const store = new SqliteStore(dbPath);
  // One scrypt hash for everyone: hashing 10,000 distinct ones would take minutes and measure nothing here.
  const hash = await hashPassword('bench-password-1');
  const createdAt = Date.now();
  for (let i = 0; i < total; i++) {
    await store.createUser({ userId: asUserId(userName(i)), displayName: `Bench ${i}`, passwordHash: hash, disabled: false, createdAt });
  }
  await store.close();
  const seedMs = performance.now() - tSeed;

  // ---- server
  const secretHex = randomBytes(32).toString('hex');
  const serverConfig = { authTimeoutMs: 120_000, rateLimitPerSec: 1000, rateLimitBurst: 2000, ...o.serverConfig };
  const configPath = join(dir, 'server-config.json');
  writeFileSync(configPath, JSON.stringify(serverConfig));
  const server = new Child('server', join(o.serverRoot, 'bench/server-entry.ts'), ['--expose-gc', ...o.serverNodeFlags], ['serve', '--port', '0', '--db', dbPath], total + FD_MARGIN, {
    ...process.env,
    RINGDESK_SERVER_CONFIG: configPath,
    RINGDESK_TOKEN_SECRET: secretHex,
  });
  cleanup.children.push(server);
  const url = await server.readyUrl();
  const httpBase = url.replace(/^ws:/, 'http:').replace(/\/ws$/, '');
  const health = async (): Promise<{ connections: number; activeCalls: number }> => {
    const r = await fetch(`${httpBase}/healthz`);
    return (await r.json()) as { connections: number; activeCalls: number };
  };

  const serverFd = readFdLimit(server.pid);
  if (serverFd && serverFd.soft < total + FD_MARGIN) {
    throw new Error(
      `the server's open-file limit is ${serverFd.soft} (hard ${serverFd.hard}) but ${total} connections need about ${total + FD_MARGIN}; ` +
        `raise the hard limit (needs CAP_SYS_RESOURCE, e.g. root outside a container: ulimit -Hn) or lower --users/--idle ` +
        `to at most ${serverFd.hard - FD_MARGIN}`,
    );
  }

  // ---- clients
  const localAddresses =
    total > CONNS_PER_SOURCE_ADDRESS && new URL(url).hostname === '127.0.0.1'
      ? Array.from({ length: Math.ceil(total / CONNS_PER_SOURCE_ADDRESS) }, (_, i) => `127.0.0.${i + 2}`)
      : null;
  const set = await startClients(assignment, { url, secretHex, localAddresses, concurrency: o.concurrency }, cleanup.children);
  const clients = set.clients;
  const clientFd = clients.map((c) => readFdLimit(c.pid));
  for (const [w, fd] of clientFd.entries()) {
    if (fd && fd.soft < perWorkerMax + FD_MARGIN) {
      throw new Error(`client-${w}'s open-file limit is ${fd.soft} but it opens ${perWorkerMax} sockets; raise ulimit -n or add --workers`);
    }
  }
  result['machine'] = {
    ...(result['machine'] as object),
    openFileLimit: { bench: readFdLimit('self'), server: serverFd, clientWorkers: clientFd[0] ?? null },
  };
  result['setup'] = {
    usersSeeded: total,
    seedSeconds: Math.round(seedMs / 100) / 10,
    auth: 'resume with tokens minted by server/auth/tokens.ts (TokenSigner) with the secret given to the server; one shared scrypt hash',
    serverConfig: { ...serverConfig, heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 30_000, note: 'heartbeat values are the server defaults' },
    clientWorkers: workers,
    sourceAddresses: localAddresses ?? ['127.0.0.1 (kernel-chosen)'],
    serverUrl: url,
  };

  const workerStats = set.stats;
  /** Quiet = the server counts what the clients do, and no presence frame arrived anywhere for a second. */
  const settle = async (expected: number): Promise<void> => {
    const end = Date.now() + 300_000;
    for (;;) {
      const [h, ws] = await Promise.all([health(), workerStats()]);
      const lastPresence = Math.max(0, ...ws.map((s) => s.lastPresenceAt));
      if (h.connections === expected && Date.now() - lastPresence > 1000) break;
      if (Date.now() > end) throw new Error(`not quiet after 300 s: server counts ${h.connections} connections, clients ${expected}`);
      await sleep(250);
    }
    await sleep(500);
  };
  const memory = async (connections: number): Promise<MemoryCheckpoint> => {
    const before = readProcMem(server.pid);
    const g = await server.call<{ gcRan: boolean; mem: ServerMemory }>({ cmd: 'gc' }, 60_000);
    if (!g.gcRan) throw new Error('the server was not started with --expose-gc');
    await sleep(300);
    const after = readProcMem(server.pid);
    return { connections, rssMB: mb(after.rssBytes), rssBeforeGcMB: mb(before.rssBytes), heapUsedMB: mb(g.mem.heapUsed), peakRssMB: mb(after.peakRssBytes) };
  };
  const { connectTo, openNow } = set;

  // ---- memory phase
  console.error(`[bench] ${total} users seeded in ${(seedMs / 1000).toFixed(1)} s; server ${url} (pid ${server.pid}); ${workers} client workers`);
  await sleep(1000);
  const baseline = await memory(0);
  console.error(`[bench] baseline RSS ${baseline.rssMB} MB`);
  const checkpoints: MemoryCheckpoint[] = [];
  const connectMs: number[] = [];
  const connectErrors: Record<string, number> = {};
  let failed = 0;
  let connectSeconds = 0;
  for (let s = 1; s <= o.steps; s++) {
    const target = Math.round((o.idle * s) / o.steps);
    const t0 = performance.now();
    const rs = await connectTo(target);
    connectSeconds += (performance.now() - t0) / 1000;
    for (const r of rs) {
      connectMs.push(...r.connectMs);
      failed += r.failed;
      addCounts(connectErrors, r.errors);
    }
    const open = await openNow();
    await settle(open);
    const cp = await memory(open);
    checkpoints.push(cp);
    console.error(`[bench] ${open} idle connections: RSS ${cp.rssMB} MB (before GC ${cp.rssBeforeGcMB} MB, peak ${cp.peakRssMB} MB)`);
  }
  const last = checkpoints.at(-1) as MemoryCheckpoint; // steps ≥ 1
  const afterConnect = await workerStats();
  const perConnBytes = last.connections > 0 ? ((last.rssMB - baseline.rssMB) * MB) / last.connections : Number.NaN;
  const per1000MB = (perConnBytes * 1000) / MB;
  const slopeMBper1000 = slope([baseline, ...checkpoints].map((c) => ({ x: c.connections, y: c.rssMB }))) * 1000;
  const est50kMB = baseline.rssMB + (per1000MB * TARGETS.idleConnections) / 1000;
  result['memory'] = {
    idleConnections: last.connections,
    baselineRssMB: baseline.rssMB,
    rssMB: last.rssMB,
    rssBeforeGcMB: last.rssBeforeGcMB,
    peakRssMB: last.peakRssMB,
    perConnectionKB: Math.round((perConnBytes / 1024) * 10) / 10,
    per1000ConnectionsMB: Math.round(per1000MB * 10) / 10,
    slopePer1000ConnectionsMB: Math.round(slopeMBper1000 * 10) / 10,
    extrapolated50kRssMB: Math.round(est50kMB),
    extrapolated50kIsAnEstimate: `baseline + 50 × per1000ConnectionsMB, from ${last.connections} measured connections`,
    checkpoints: [baseline, ...checkpoints],
    connect: {
      seconds: Math.round(connectSeconds * 10) / 10,
      perSecond: Math.round(last.connections / connectSeconds),
      failed,
      errors: connectErrors,
      openResumeMs: dist(connectMs),
      presenceFramesReceived: afterConnect.reduce((a, s) => a + s.presenceFrames, 0),
      presenceMBReceived: mb(afterConnect.reduce((a, s) => a + s.presenceBytes, 0)),
    },
  };

  // ---- latency phase
  if (total > o.idle) {
    const rs = await connectTo(total);
    for (const r of rs) {
      failed += r.failed;
      addCounts(connectErrors, r.errors);
    }
  }
  const connected = await openNow();
  await settle(connected);
  const phase = latencyPhase(clients, set.pairsPerWorker, { rate: o.rate, churn: o.churn });
  if (o.warmupS > 0) {
    console.error(`[bench] warm-up: ${o.warmupS} s at ${o.rate}/s with ${connected} connected`);
    await phase(o.warmupS);
  }
  console.error(`[bench] measuring: ${o.durationS} s at ${o.rate}/s with ${connected} connected`);
  await server.call({ cmd: 'loopReset' });
  const cpu0 = readProcCpuSec(server.pid);
  const tLat = performance.now();
  const hbBefore = (await workerStats()).reduce((a, s) => a + s.heartbeatsSent, 0);
  const parts = await phase(o.durationS);
  const wallSec = (performance.now() - tLat) / 1000;
  const serverCpuSec = readProcCpuSec(server.pid) - cpu0;
  const loop = await server.call<ServerLoopStats>({ cmd: 'loopStats' });
  const endStats = await workerStats();
  const hbAfter = endStats.reduce((a, s) => a + s.heartbeatsSent, 0);
  const latency = {
    ...summariseLatency(parts, {
      connected,
      pairs: pairCount,
      rate: o.rate,
      seconds: o.durationS,
      churn: o.churn,
      churnPool: o.churnPool,
      endStats,
      heartbeatsPerSecond: Math.round((hbAfter - hbBefore) / wallSec),
    }),
    server: {
      cpuPercentOfOneCore: Math.round((serverCpuSec / wallSec) * 1000) / 10,
      eventLoopUtilization: Math.round(loop.utilization * 1000) / 1000,
      eventLoopDelayMs: { p50: Math.round(loop.p50Ms * 100) / 100, p99: Math.round(loop.p99Ms * 100) / 100, max: Math.round(loop.maxMs * 100) / 100 },
      gcPauses: loop.gc,
      rssAfterMB: mb(readProcMem(server.pid).rssBytes),
      note: 'wall time includes the drain period after the last send',
    },
  };
  result['latency'] = latency;

  // ---- the bare baseline, same clients and load, the server and its clients stopped first
  if (o.baseline) {
    await stopAll(clients, [server]);
    const bare = await bareBaseline(
      { assignment, secretHex, localAddresses, concurrency: o.concurrency, rate: o.rate, churn: o.churn, churnPool: o.churnPool, warmupS: o.warmupS, durationS: o.durationS },
      cleanup.children,
      (line) => console.error(`[bench] ${line}`),
    );
    result['bareBaseline'] = {
      what: 'the same clients, users, rate, churn and window against bench/bare/relay.ts (no store, no checks, no state machine, no presence): the floor of this machine, measured right after the server',
      ...bare,
    };
  }
  const push = latency.inviteToReceivedPushMs;
  const atTargetScale = connected >= TARGETS.latencyUsers && o.rate >= TARGETS.latencyRate;
  result['targets'] = {
    note: 'reported, not enforced',
    latency: {
      target: `p50 ≤ ${TARGETS.latencyP50Ms} ms, p99 ≤ ${TARGETS.latencyP99Ms} ms with ${TARGETS.latencyUsers} connected users at ${TARGETS.latencyRate} invitations/s, with sign-in work and churn`,
      measuredP50Ms: push.p50,
      measuredP99Ms: push.p99,
      runAtTargetScale: atTargetScale,
      withinTarget: atTargetScale ? push.p50 <= TARGETS.latencyP50Ms && push.p99 <= TARGETS.latencyP99Ms : null,
    },
    idleConnection: {
      target: `≤ ${TARGETS.idleConnectionKB} KB of server RSS per idle connection`,
      measuredKB: Math.round((perConnBytes / 1024) * 10) / 10,
      withinTarget: perConnBytes / 1024 <= TARGETS.idleConnectionKB,
    },
    memory: {
      target: `${TARGETS.idleConnections} idle connections under 2 GiB RSS on one process`,
      extrapolated50kRssMB: Math.round(est50kMB),
      measuredConnections: last.connections,
      withinTargetByExtrapolation: est50kMB < TARGETS.idleRssBytes / MB,
    },
  };
  (result['machine'] as Record<string, unknown>)['loadAverageAtEnd'] = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  (result['machine'] as Record<string, unknown>)['loadAverages1m5m15mAtEnd'] = loadAvg();
  result['complete'] = true;
}

// ---------------------------------------------------------------- main

interface Cleanup {
  children: Child[];
  dirs: string[];
}

async function cleanUp(c: Cleanup): Promise<void> {
  // Clients first (they close their sockets), then the server (it closes its store), then the files.
  const isServer = (ch: Child): boolean => ch.name === 'server' || ch.name === BARE_RELAY;
  await stopAll(
    c.children.filter((ch) => !isServer(ch)),
    c.children.filter(isServer),
  );
  for (const d of c.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  c.children.length = 0;
}

const cleanup: Cleanup = { children: [], dirs: [] };
exitWith(
  benchMain<Options>({
    tag: '[bench]',
    usage: USAGE,
    parse: parseOptions,
    otherMode: (o, argv) => (o.storm ? runStorm({ steps: o.storm, signInSteps: o.signInSteps, workers: o.workers, serverRoot: o.serverRoot, serverConfig: o.serverConfig, out: o.out, argv }) : null),
    run: (o, argv, r) => run(o, argv, cleanup, r),
    cleanUp: () => cleanUp(cleanup),
    children: () => cleanup.children,
    onExit: () => {
      for (const d of cleanup.dirs) rmSync(d, { recursive: true, force: true });
    },
    write: (r, o) => writeSignalingResult(r, o.out),
    print: (r, path) => {
      console.log(`\nRingdesk signaling benchmark (${String(r['command'])})\n`);
      console.log(table(r));
      console.log(`\nJSON: ${relative(process.cwd(), path) || path} (and bench/results/signaling-latest.json)`);
    },
  }),
);
