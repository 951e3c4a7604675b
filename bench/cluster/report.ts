// The printed table of bench/cluster.ts: per run (1 node, then K), what the clients measured
// (bench/latency.ts's rows), per-node CPU, Redis and Postgres per invitation, the machine's load.
import { latencyRows, type LatencySummary } from '../latency.ts';
import type { Dist } from '../processes.ts';
import type { NodeWindow } from './nodes.ts';
import { describeSpeed, type MachineSpeed } from '../speed.ts';

export interface Targets {
  p50Ms: number;
  p99Ms: number;
  users: number;
  rate: number;
  nodes: number;
}

type PerInvitation = Record<string, { raw: number; net: number | null }>;

const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');

/** MET/MISSED for p50 and p99 on their own; says when the run is smaller than the issue's scale. */
export function latencyVerdict(l: LatencySummary, nodes: number, t: Targets): { p50: string; p99: string; atScale: boolean } {
  const p: Dist = l.inviteToReceivedPushMs;
  const atScale = nodes >= t.nodes && Number(l['connectedUsers']) >= t.users * 0.99 && Number(l['targetRate']) >= t.rate;
  const scale = atScale ? '' : ' (below the target scale)';
  return { p50: `${verdict(p.p50 <= t.p50Ms)}${scale}`, p99: `${verdict(p.p99 <= t.p99Ms)}${scale}`, atScale };
}

export function clusterTable(r: Record<string, unknown>, t: Targets): string {
  const rows: [string, string][] = [];
  const mc = r['machine'] as Record<string, unknown>;
  const git = r['git'] as { commit: string } | null;
  rows.push(['machine', `${String(mc['cpus'])} × ${String(mc['cpuModel'])}, ${String(mc['totalMemoryGiB'])} GiB, node ${String(mc['node'])}, commit ${git?.commit ?? '?'}`]);
  rows.push(['load average 1/5/15 min', `start ${JSON.stringify(mc['loadAverages1m5m15mAtStart'])}, end ${JSON.stringify(mc['loadAverages1m5m15mAtEnd'])} (shared 2-core machine: figures move with it)`]);
  if (mc['speedAtStart']) rows.push(['machine speed at start', describeSpeed(mc['speedAtStart'] as MachineSpeed)]);
  for (const red of r['reductions'] as string[]) rows.push(['REDUCED', red]);
  const summary: string[] = [];
  for (const run of r['runs'] as Record<string, unknown>[]) {
    const n = Number(run['nodes']);
    const l = run['latency'] as LatencySummary;
    const s = run['setup'] as Record<string, unknown>;
    const c = run['connect'] as Record<string, unknown>;
    const w = run['window'] as Record<string, unknown>;
    const per = run['perInvitation'] as PerInvitation;
    const nodes = run['perNode'] as NodeWindow[];
    const v = latencyVerdict(l, n, t);
    const p = l.inviteToReceivedPushMs;
    rows.push(['', '']);
    rows.push([`=== ${n} node${n > 1 ? 's' : ''}`, `${String(s['users'])} users (${String(s['perNode'])} per node), ${String(s['crossNodePairs'])} of ${String(s['pairs'])} pairs across nodes, ${String(s['clientWorkers'])} client processes`]);
    rows.push(['load 1/5/15 min', `start ${JSON.stringify(run['loadAverages1m5m15mAtStart'])}, end ${JSON.stringify(run['loadAverages1m5m15mAtEnd'])}; whole machine ${String(w['machineCpuPercent'])} % busy during the window`]);
    const cd = c['openResumeSignInMs'] as Dist;
    rows.push(['connect + resume + sign-in work', `${String(c['perSecond'])}/s, p50 ${cd.p50} ms, p99 ${cd.p99} ms, failed ${String(c['failed'])}`]);
    rows.push(...latencyRows(l, `target p50 ≤ ${t.p50Ms} ms: ${v.p50}; p99 ≤ ${t.p99Ms} ms: ${v.p99}`));
    for (const x of nodes) rows.push([`node ${x.id}`, `CPU ${x.cpuPercentOfOneCore} % of a core, ELU ${x.eventLoopUtilization}, loop delay p99 ${x.eventLoopDelayP99Ms} ms, RSS ${x.rssMB} MB`]);
    const acc = run['cpuAccount'] as Record<string, number>;
    rows.push(['machine CPU in the window', `${acc['machineBusyCoreSeconds']} core-s busy: this bench's processes ${acc['benchProcessesCoreSeconds']}, other work ${acc['otherWorkCoreSeconds']}`]);
    rows.push(['redis / postgres CPU', `${String(w['redisCpuPercentOfOneCore'])} % / ${String(w['postgresCpuPercentOfOneCore'])} % of a core`]);
    const fmt = (k: string): string => {
      const e = per[k];
      return e ? `${e.raw}${e.net === null ? '' : ` (net ${e.net})`}` : '0';
    };
    const redisTop = Object.keys(per).filter((k) => k.startsWith('redis:') && k !== 'redis:all').slice(0, 8);
    rows.push(['redis commands / invitation', `${fmt('redis:all')}: ${redisTop.map((k) => `${k.slice(6)} ${fmt(k)}`).join(', ')}`]);
    rows.push(['postgres / invitation', ['xact_commit', 'tup_inserted', 'tup_updated', 'tup_deleted', 'tup_fetched'].map((k) => `${k} ${fmt(`pg:${k}`)}`).join(', ')]);
    const st = run['statementsPerInvitation'] as { query: string; raw: number; net: number | null }[] | null;
    rows.push(['postgres statements / invitation', st ? `${String(run['statementsTotalPerInvitation'])} (pg_stat_statements; top ones in the JSON)` : 'not measured (pg_stat_statements off)']);
    for (const q of (st ?? []).slice(0, 6)) rows.push(['  ', `${q.raw}${q.net === null ? '' : ` (net ${q.net})`}  ${q.query.slice(0, 100)}`]);
    summary.push(`${n} node${n > 1 ? 's' : ' '}: ${String(l['achievedRate'])}/s achieved, p50 ${p.p50} ms, p99 ${p.p99} ms, node CPU ${nodes.map((x) => `${x.cpuPercentOfOneCore} %`).join(' + ')}`);
  }
  rows.push(['', '']);
  summary.sort((a, b) => parseInt(a) - parseInt(b)).forEach((line, i) => rows.push([i === 0 ? 'throughput, 1 node → K nodes' : '', line]));
  rows.push(['', '"net" = less what the idle window (heartbeats only) does in as many seconds; raw counts everything in the window']);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
