// The invitation-latency phase shared by bench/signaling.ts (one server) and bench/cluster.ts (a cluster):
// runs the open-loop schedule in every client worker (bench/client-worker.ts) and sums what they measured.
import type { LatencyResult, WorkerStats } from './messages.ts';
import { addCounts, dist, type Child, type Dist } from './processes.ts';
import { MISSING_SIGN_IN_STEPS, SIGN_IN_STEPS_NAMES } from './signin.ts';

export const CALL_TIMEOUT_SEC = 30;
export const DRAIN_MS = 15_000;

export interface PhaseOptions {
  /** Invitations per second over all workers. */
  rate: number;
  /** Sign-outs per second over all workers. */
  churn: number;
}

/**
 * Returns a function that runs `seconds` of load in every worker at once: each worker sends its share of
 * the rate (in proportion to its pairs) and of the churn, then drains its calls in flight.
 */
export function latencyPhase(clients: Child[], pairsPerWorker: number[], o: PhaseOptions): (seconds: number) => Promise<LatencyResult[]> {
  const pairCount = pairsPerWorker.reduce((a, b) => a + b, 0);
  return (seconds) =>
    Promise.all(
      clients.map((c, w) =>
        c.call<LatencyResult>({
          cmd: 'latency',
          rate: (o.rate * (pairsPerWorker[w] ?? 0)) / pairCount,
          durationMs: seconds * 1000,
          drainMs: DRAIN_MS,
          callTimeoutSec: CALL_TIMEOUT_SEC,
          churnRate: o.churn / clients.length,
        }),
      ),
    );
}

export interface LatencySummaryContext {
  connected: number;
  pairs: number;
  rate: number;
  seconds: number;
  churn: number;
  churnPool: number;
  /** Worker stats at the end of the phase (for heartbeats and unexpected closes). */
  endStats: WorkerStats[];
  heartbeatsPerSecond: number;
}

/** The fields other code reads; the rest goes to the JSON and latencyRows as is. */
export interface LatencySummary {
  sent: number;
  received: number;
  achievedRate: number;
  inviteToReceivedPushMs: Dist;
  [field: string]: unknown;
}

/** What the clients measured, summed over workers: rates, counts and latency distributions. */
export function summariseLatency(parts: LatencyResult[], x: LatencySummaryContext): LatencySummary {
  const sum = (f: (r: LatencyResult) => number): number => parts.reduce((a, r) => a + f(r), 0);
  const errors: Record<string, number> = {};
  for (const p of parts) addCounts(errors, p.errors);
  const sendWindowSec = Math.max(...parts.map((p) => p.sendWindowMs)) / 1000;
  const sent = sum((r) => r.sent);
  return {
    connectedUsers: x.connected,
    pairs: x.pairs,
    targetRate: x.rate,
    achievedRate: Math.round((sent / (sendWindowSec || 1)) * 10) / 10,
    seconds: x.seconds,
    scheduled: sum((r) => r.scheduled),
    sent,
    received: sum((r) => r.received),
    ended: sum((r) => r.ended),
    notReceived: sent - sum((r) => r.received),
    stuck: sum((r) => r.stuck),
    skippedNoFreePair: sum((r) => r.skippedNoFreePair),
    errors,
    inviteToReceivedPushMs: dist(parts.flatMap((p) => p.inviteToPushMs)),
    inviteToReceivedPushFromActualSendMs: dist(parts.flatMap((p) => p.inviteToPushFromSendMs)),
    latencyClock: 'from each invitation’s scheduled slot (open loop); the from-actual-send figure is kept for comparison with older runs',
    signInWork: { steps: [...SIGN_IN_STEPS_NAMES], missing: [...MISSING_SIGN_IN_STEPS] },
    churn: {
      signOutsPerSecondTarget: x.churn,
      pool: x.churnPool,
      signOuts: sum((r) => r.signOuts),
      signIns: sum((r) => r.signIns),
      achievedSignOutsPerSecond: Math.round((sum((r) => r.signOuts) / x.seconds) * 10) / 10,
      signInMs: dist(parts.flatMap((p) => p.signInMs)),
    },
    inviteToCallerSeesReceivedMs: dist(parts.flatMap((p) => p.inviteToCallerReceivedMs)),
    clientSendLagMs: dist(parts.flatMap((p) => p.sendLagMs)),
    heartbeatsPerSecond: x.heartbeatsPerSecond,
    clients: {
      workers: parts.length,
      eventLoopDelayP99Ms: Math.round(Math.max(...parts.map((p) => p.loopDelayP99Ms)) * 100) / 100,
      cpuSeconds: Math.round(sum((r) => r.cpuUserMs + r.cpuSystemMs) / 100) / 10,
      unexpectedCloses: x.endStats.reduce<Record<string, number>>((a, s) => (addCounts(a, s.unexpectedCloses), a), {}),
    },
  };
}

/** The table rows for a summary of summariseLatency (the server's own rows are the caller's). */
export function latencyRows(l: Record<string, unknown>, targetNote: string): [string, string][] {
  const d = (x: unknown): Dist => x as Dist;
  const p = d(l['inviteToReceivedPushMs']);
  const ps = d(l['inviteToReceivedPushFromActualSendMs']);
  const q = d(l['inviteToCallerSeesReceivedMs']);
  const lag = d(l['clientSendLagMs']);
  const cl = l['clients'] as Record<string, unknown>;
  const ch = l['churn'] as Record<string, unknown>;
  const si = l['signInWork'] as { steps: string[]; missing: string[] };
  return [
    ['connected during latency phase', String(l['connectedUsers'])],
    ['invitation rate', `${String(l['achievedRate'])}/s achieved (target ${String(l['targetRate'])}/s) over ${String(l['seconds'])} s`],
    ['sent / received / ended', `${String(l['sent'])} / ${String(l['received'])} / ${String(l['ended'])}  (stuck ${String(l['stuck'])}, skipped ${String(l['skippedNoFreePair'])})`],
    ['errors', Object.keys(l['errors'] as object).length ? JSON.stringify(l['errors']) : 'none'],
    ['sign-in work per sign-in', `resume + ${si.steps.join(' + ')}${si.missing.length > 0 ? `; not yet in the protocol: ${si.missing.join(', ')}` : ''}`],
    [
      'churn during the window',
      `${String(ch['achievedSignOutsPerSecond'])} sign-outs/s (target ${String(ch['signOutsPerSecondTarget'])}/s, pool ${String(ch['pool'])}), ${String(ch['signIns'])} sign-ins back, sign-in p50 ${d(ch['signInMs']).p50} ms p99 ${d(ch['signInMs']).p99} ms`,
    ],
    ['invite → received push', `p50 ${p.p50}  p90 ${p.p90}  p99 ${p.p99}  max ${p.max} ms from the scheduled slot   (${targetNote})`],
    ['  same, from the actual send', `p50 ${ps.p50}  p90 ${ps.p90}  p99 ${ps.p99}  max ${ps.max} ms (the old clock)`],
    ['invite → caller sees received', `p50 ${q.p50}  p90 ${q.p90}  p99 ${q.p99}  max ${q.max} ms`],
    ['client send lag', `p99 ${lag.p99} ms, max ${lag.max} ms; client loop delay p99 ${String(cl['eventLoopDelayP99Ms'])} ms`],
  ];
}
