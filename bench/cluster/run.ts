// One measured run of bench/cluster.ts against a cluster of N nodes (Redis and Postgres already up):
// start the nodes, connect the users to their nodes (sign-in work included), measure an idle window,
// warm up, measure the invitation window, stop the clients and the nodes.
import { cpus } from 'node:os';
import { latencyPhase, summariseLatency } from '../latency.ts';
import type { ConnectResult, WorkerStats } from '../messages.ts';
import { addCounts, Child, dist, loadAvg, readFdLimit, sleep, userName } from '../processes.ts';
import { delta, perInvitation, type Counters } from './counters.ts';
import { nodeWindow, startNodes, type ClusterEnv } from './nodes.ts';
import { planUsers } from './plan.ts';

/** File descriptors a process needs beyond its sockets (modules, pipes, Postgres and Redis links, epoll …). */
export const FD_MARGIN = 256;
/** Loopback connections per source address before we spread over 127.0.0.x (as bench/signaling.ts). */
const CONNS_PER_SOURCE_ADDRESS = 20_000;
/**
 * A bound for a hung connect, not a speed check: at load 10–14 on 2 cores, 30,000 users on 3 nodes took
 * longer than 10 minutes to sign in (10,000 on one node: 85 s).
 */
const CONNECT_BOUND_MS = 45 * 60_000;
/** pg_stat_database is fed by each backend at most about once a second: wait that out before the last read. */
const PG_STATS_FLUSH_MS = 2000;

export interface RunOptions {
  nodes: number;
  users: number;
  workers: number;
  rate: number;
  seconds: number;
  warmupS: number;
  idleS: number;
  churn: number;
  churnPool: number;
  concurrency: number;
}

export interface RunContext {
  dir: string;
  configPath: string;
  env: ClusterEnv;
  counters: Counters;
  /** Every child started is handed over here at once, so Ctrl-C or an error stops it. */
  track: (c: Child) => void;
}

export async function runCluster(o: RunOptions, x: RunContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { nodes: o.nodes, loadAverages1m5m15mAtStart: loadAvg() };
  const plan = planUsers(o.users, o.nodes, o.workers, o.churnPool);
  const per = Math.floor(o.users / o.nodes);
  const ids = Array.from({ length: o.nodes }, (_, k) => `c${o.nodes}-n${k + 1}`);
  const nodes = await startNodes(ids, x.dir, x.configPath, x.env, per + FD_MARGIN, x.track);
  const children: Child[] = nodes.map((n) => n.child);
  try {
    console.error(`[cluster] ${o.nodes} node(s) up: ${nodes.map((n) => `${n.id} ${n.url} (pid ${n.child.pid})`).join(', ')}`);
    const total = plan.workers.reduce((a, w) => a + w.users.length, 0);
    const localAddresses = total > CONNS_PER_SOURCE_ADDRESS ? Array.from({ length: Math.ceil(total / CONNS_PER_SOURCE_ADDRESS) }, (_, i) => `127.0.0.${i + 2}`) : null;
    const perWorkerMax = Math.max(...plan.workers.map((w) => w.users.length));
    const clients = plan.workers.map((_, w) => new Child(`c${o.nodes}-client-${w}`, 'bench/client-worker.ts', [], [], perWorkerMax + FD_MARGIN, process.env));
    for (const c of clients) x.track(c);
    children.push(...clients);
    await Promise.all(
      clients.map((c, w) => {
        const p = plan.workers[w];
        if (!p) throw new Error(`no plan for worker ${w}`);
        const urls = p.nodeOf.map((n) => nodes[n]?.url ?? '');
        return c.call({ cmd: 'init', url: nodes[0]?.url ?? '', urls, secretHex: x.env.tokenSecretHex, users: p.users.map(userName), pairCount: p.pairs, localAddresses, concurrency: o.concurrency }, 60_000);
      }),
    );
    for (const c of clients) {
      const fd = readFdLimit(c.pid);
      if (fd && fd.soft < perWorkerMax + FD_MARGIN) throw new Error(`${c.name}'s open-file limit is ${fd.soft} but it opens ${perWorkerMax} sockets: add --workers`);
    }
    out['setup'] = { users: total, perNode: per, pairs: plan.pairs, crossNodePairs: plan.crossNodePairs, churnPool: plan.churnPool, clientWorkers: clients.length, sourceAddresses: localAddresses ?? ['127.0.0.1'] };

    // ---- connect: every user to its own node, resume + the app's sign-in work
    const stats = (): Promise<WorkerStats[]> => Promise.all(clients.map((c) => c.call<WorkerStats>({ cmd: 'stats' }, 30_000)));
    const t0 = performance.now();
    console.error(`[cluster] connecting ${total} users (${per} per node) with ${clients.length} client workers`);
    const rs = await Promise.all(clients.map((c, w) => c.call<ConnectResult>({ cmd: 'connect', count: plan.workers[w]?.users.length ?? 0 }, CONNECT_BOUND_MS)));
    const connectSec = (performance.now() - t0) / 1000;
    const errors: Record<string, number> = {};
    for (const r of rs) addCounts(errors, r.errors);
    const connected = (await stats()).reduce((a, s) => a + s.open, 0);
    out['connect'] = {
      seconds: Math.round(connectSec * 10) / 10,
      perSecond: Math.round(connected / connectSec),
      failed: rs.reduce((a, r) => a + r.failed, 0),
      errors,
      openResumeSignInMs: dist(rs.flatMap((r) => r.connectMs)),
    };
    // Quiet = the nodes count every client, and no presence frame arrived anywhere for a second.
    const settleEnd = Date.now() + 300_000;
    for (;;) {
      const [hs, ws] = await Promise.all([Promise.all(nodes.map((n) => n.health())), stats()]);
      const counted = hs.reduce((a, h) => a + h.connections, 0);
      if (counted === connected && Date.now() - Math.max(0, ...ws.map((s) => s.lastPresenceAt)) > 1000) break;
      if (Date.now() > settleEnd) throw new Error(`not quiet after 300 s: nodes count ${counted} connections, clients ${connected}`);
      await sleep(250);
    }
    console.error(`[cluster] ${connected} connected in ${connectSec.toFixed(1)} s (load ${loadAvg().join(' ')})`);

    // ---- idle window: heartbeats only, for the background of the per-invitation counts
    let idle = null;
    let idleStatements = null;
    if (o.idleS > 0) {
      await x.counters.resetStatements();
      const a = await x.counters.snapshot();
      await sleep(o.idleS * 1000);
      const b = await x.counters.snapshot();
      idle = delta(a, b);
      idleStatements = await x.counters.statements();
      out['idleWindow'] = { ...idle, statements: idleStatements?.slice(0, 10) ?? null };
    }

    // ---- warm-up, then the measured window
    const pairsPerWorker = plan.workers.map((w) => w.pairs);
    const phase = latencyPhase(clients, pairsPerWorker, { rate: o.rate, churn: o.churn });
    if (o.warmupS > 0) {
      console.error(`[cluster] warm-up: ${o.warmupS} s at ${o.rate}/s`);
      await phase(o.warmupS);
    }
    console.error(`[cluster] measuring: ${o.seconds} s at ${o.rate}/s with ${connected} connected on ${o.nodes} node(s)`);
    const nw = nodeWindow(nodes);
    await x.counters.resetStatements();
    await nw.start();
    const a = await x.counters.snapshot();
    const hb0 = (await stats()).reduce((s, w) => s + w.heartbeatsSent, 0);
    const tm = performance.now();
    const parts = await phase(o.seconds);
    const phaseSec = (performance.now() - tm) / 1000;
    const perNode = await nw.end();
    const endStats = await stats();
    await sleep(PG_STATS_FLUSH_MS);
    const b = await x.counters.snapshot();
    const statements = await x.counters.statements();
    const latency = summariseLatency(parts, {
      connected,
      pairs: plan.pairs,
      rate: o.rate,
      seconds: o.seconds,
      churn: o.churn,
      churnPool: plan.churnPool,
      endStats,
      heartbeatsPerSecond: Math.round((endStats.reduce((s, w) => s + w.heartbeatsSent, 0) - hb0) / phaseSec),
    });
    const window = delta(a, b);
    const idleCalls = new Map((idleStatements ?? []).map((s) => [s.query, s.calls]));
    const per1 = (n: number): number => Math.round((n / (latency.sent || 1)) * 100) / 100;
    out['latency'] = latency;
    out['perNode'] = perNode;
    out['window'] = {
      ...window,
      note: `from just before the first send to ${PG_STATS_FLUSH_MS / 1000} s after the drain (Postgres reports its counters about once a second)`,
      redisCpuPercentOfOneCore: Math.round((window.redisCpuSec / window.seconds) * 1000) / 10,
      postgresCpuPercentOfOneCore: Math.round((window.postgresCpuSec / window.seconds) * 1000) / 10,
    };
    // The machine is shared: how much of its busy time was this bench's own processes, and how much other work.
    const ownSec = perNode.reduce((t, n) => t + (n.cpuPercentOfOneCore / 100) * phaseSec, 0) + Number((latency['clients'] as { cpuSeconds: number }).cpuSeconds) + window.redisCpuSec + window.postgresCpuSec;
    const machineSec = (window.machineCpuPercent / 100) * cpus().length * window.seconds;
    out['cpuAccount'] = {
      machineBusyCoreSeconds: Math.round(machineSec * 10) / 10,
      benchProcessesCoreSeconds: Math.round(ownSec * 10) / 10,
      otherWorkCoreSeconds: Math.round((machineSec - ownSec) * 10) / 10,
      note: 'nodes + client processes + Redis + Postgres over the window, against /proc/stat busy time of all cores; approximate (the node and client figures cover the phase, the machine figure 2 s more)',
    };
    out['perInvitation'] = perInvitation(window, idle, latency.sent);
    out['statementsPerInvitation'] =
      statements?.slice(0, 15).map((s) => ({
        query: s.query,
        raw: per1(s.calls),
        net: idle ? per1(s.calls - ((idleCalls.get(s.query) ?? 0) / idle.seconds) * window.seconds) : null,
        rowsPerCall: s.calls ? Math.round((s.rows / s.calls) * 10) / 10 : 0,
        blocksPerCall: s.calls ? Math.round((s.blocks / s.calls) * 10) / 10 : 0,
        execUsPerCall: s.calls ? Math.round((s.execMs / s.calls) * 1000) : 0,
      })) ?? null;
    out['statementsExecMsPerInvitation'] = statements ? per1(statements.reduce((s, q) => s + q.execMs, 0)) : null;
    out['statementsTotalPerInvitation'] = statements ? per1(statements.reduce((s, q) => s + q.calls, 0)) : null;
    out['loadAverages1m5m15mAtEnd'] = loadAvg();
    return out;
  } finally {
    // Clients first (they close their sockets), then the nodes.
    const clientKids = children.filter((c) => c.name.includes('-client-'));
    await Promise.all(clientKids.map((c) => c.call({ cmd: 'close' }, 15_000).catch(() => undefined)));
    await Promise.all(clientKids.map((c) => c.stop(5000)));
    await Promise.all(nodes.map((n) => n.child.stop(15_000)));
  }
}
