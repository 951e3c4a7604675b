// bench:signaling's bare baseline: the same users, client workers, invitation rate, churn, warm-up and
// window as the measured phase, against the bare relay (bench/bare/relay.ts) instead of the server, in the
// same run, right after it. What the clients measure against the relay is what this machine, Node, `ws`
// and the bench's own clients cost on their own; the server's figures above it are what the server adds.
import { latencyPhase, summariseLatency, type LatencySummary } from '../latency.ts';
import type { ServerLoopStats } from '../messages.ts';
import { Child, readProcCpuSec } from '../processes.ts';
import { FD_MARGIN, startClients, stopAll, type Assignment } from '../clients.ts';

export interface BaselineOptions {
  assignment: Assignment;
  secretHex: string;
  localAddresses: string[] | null;
  concurrency: number;
  rate: number;
  churn: number;
  churnPool: number;
  warmupS: number;
  durationS: number;
}

export interface BaselineResult {
  latency: LatencySummary;
  relay: { cpuPercentOfOneCore: number; eventLoopUtilization: number; eventLoopDelayP99Ms: number };
  connectFailed: number;
}

const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

/** The relay's Child name: a server, to be stopped after the clients (bench/signaling.ts's clean-up). */
export const BARE_RELAY = 'bare-relay';

/**
 * Starts the relay and a fresh set of client workers (added to `children`, so an interrupted run's clean-up
 * stops them), measures, and stops them all, also when it throws.
 */
export async function bareBaseline(o: BaselineOptions, children: Child[], log: (line: string) => void): Promise<BaselineResult> {
  const total = o.assignment.users.reduce((n, u) => n + u.length, 0);
  const relay = new Child(BARE_RELAY, 'bench/bare/relay.ts', [], [], total + FD_MARGIN, { ...process.env, RINGDESK_TOKEN_SECRET: o.secretHex });
  children.push(relay);
  const first = children.length - 1;
  try {
    const url = await relay.readyUrl();
    const set = await startClients(o.assignment, { url, secretHex: o.secretHex, localAddresses: o.localAddresses, concurrency: o.concurrency }, children, 'bare-client');
    const connected = await set.connectTo(total);
    const connectFailed = connected.reduce((n, r) => n + r.failed, 0);
    const open = await set.openNow();
    if (open === 0) throw new Error(`no client could sign in to the bare relay: ${JSON.stringify(connected.map((r) => r.errors))}`);
    const phase = latencyPhase(set.clients, set.pairsPerWorker, { rate: o.rate, churn: o.churn });
    if (o.warmupS > 0) await phase(o.warmupS);
    log(`measuring the bare relay: ${o.durationS} s at ${o.rate}/s with ${open} connected`);
    await relay.call({ cmd: 'loopReset' });
    const cpu0 = readProcCpuSec(relay.pid);
    const t0 = performance.now();
    const parts = await phase(o.durationS);
    const wallSec = (performance.now() - t0) / 1000;
    const cpuSec = readProcCpuSec(relay.pid) - cpu0;
    const loop = await relay.call<ServerLoopStats>({ cmd: 'loopStats' });
    const endStats = await set.stats();
    const latency = summariseLatency(parts, {
      connected: open,
      pairs: o.assignment.pairCount,
      rate: o.rate,
      seconds: o.durationS,
      churn: o.churn,
      churnPool: o.churnPool,
      endStats,
      heartbeatsPerSecond: Number.NaN, // not counted here: the same clients beat at the same interval as above
    });
    return {
      latency,
      relay: { cpuPercentOfOneCore: round((cpuSec / wallSec) * 100, 1), eventLoopUtilization: round(loop.utilization, 3), eventLoopDelayP99Ms: round(loop.p99Ms, 2) },
      connectFailed,
    };
  } finally {
    await stopAll(children.slice(first + 1), [relay]);
  }
}
