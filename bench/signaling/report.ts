// The printed table of bench/signaling.ts (memory phase, then bench/latency.ts's rows and the server
// during the latency phase) and the writing of its JSON result.
import type { BaselineResult } from '../bare/baseline.ts';
import { latencyRows } from '../latency.ts';
import type { ServerLoopStats } from '../messages.ts';
import type { Dist } from '../processes.ts';
import { writeResult } from '../results.ts';
import { describeSpeed, type MachineSpeed } from '../speed.ts';

export function table(r: Record<string, unknown>): string {
  const m = r['memory'] as Record<string, unknown> | undefined;
  const l = r['latency'] as Record<string, unknown> | undefined;
  const mc = r['machine'] as Record<string, unknown>;
  const rows: [string, string][] = [];
  const d = (x: unknown): Dist => x as Dist;
  rows.push([
    'machine',
    `${String(mc['cpus'])} × ${String(mc['cpuModel'])}, ${String(mc['totalMemoryGiB'])} GiB, node ${String(mc['node'])}, ` +
      `load ${String(mc['loadAverageAtStart'])} → ${String(mc['loadAverageAtEnd'])}`,
  ]);
  rows.push(['load average 1/5/15 min', `start ${JSON.stringify(mc['loadAverages1m5m15mAtStart'])}, end ${JSON.stringify(mc['loadAverages1m5m15mAtEnd'])} (shared machine: figures move with it)`]);
  if (mc['speedAtStart']) rows.push(['machine speed at start', describeSpeed(mc['speedAtStart'] as MachineSpeed)]);
  const t = r['targets'] as Record<string, Record<string, unknown>> | undefined;
  const verdict = (x: unknown): string => (x === true ? 'MET' : x === false ? 'MISSED' : 'not at target scale');
  if (m) {
    const c = m['connect'] as Record<string, unknown>;
    rows.push(['idle connections', String(m['idleConnections'])]);
    rows.push(['server RSS, 0 connections', `${String(m['baselineRssMB'])} MB`]);
    rows.push(['server RSS, idle connections', `${String(m['rssMB'])} MB after GC (${String(m['rssBeforeGcMB'])} MB before, peak ${String(m['peakRssMB'])} MB)`]);
    rows.push(['RSS per 1,000 connections', `${String(m['per1000ConnectionsMB'])} MB (slope over checkpoints ${String(m['slopePer1000ConnectionsMB'])} MB)`]);
    rows.push(['50,000 connections (extrapolated)', `${String(m['extrapolated50kRssMB'])} MB   (target < 2048 MB)`]);
    rows.push(['RSS per idle connection', `${String(m['perConnectionKB'])} KB   (target ≤ 40 KB: ${verdict(t?.['idleConnection']?.['withinTarget'])})`]);
    rows.push(['connect + resume + sign-in work', `${String(c['perSecond'])}/s, p50 ${d(c['openResumeMs']).p50} ms, p99 ${d(c['openResumeMs']).p99} ms, failed ${String(c['failed'])}`]);
    rows.push(['presence fan-out while connecting', `${String(c['presenceMBReceived'])} MB in ${String(c['presenceFramesReceived'])} frames`]);
  }
  if (l) {
    const s = l['server'] as Record<string, unknown>;
    rows.push(...latencyRows(l, `target p50 ≤ 2, p99 ≤ 10 ms at 10k users, 500/s: ${verdict(t?.['latency']?.['withinTarget'])}`));
    const loop = s['eventLoopDelayMs'] as { p99: number; max: number };
    rows.push(['server during phase', `CPU ${String(s['cpuPercentOfOneCore'])}% of a core, ELU ${String(s['eventLoopUtilization'])}, loop delay p99 ${loop.p99} ms, max ${loop.max} ms`]);
    rows.push(['  its GC pauses', gcText(s['gcPauses'] as ServerLoopStats['gc'] | undefined)]);
    rows.push(...bareRows(l, r['bareBaseline'] as BaselineResult | undefined));
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/** Per kind: count, total and longest pause, and how many were over 5 ms. */
function gcText(gc: ServerLoopStats['gc'] | undefined): string {
  if (!gc || Object.keys(gc).length === 0) return 'none recorded';
  return Object.entries(gc)
    .map(([k, g]) => `${k} ${g.count}× ${g.totalMs} ms (max ${Math.round(g.maxMs * 10) / 10}, ${g.over5Ms} over 5 ms)`)
    .join('; ');
}

/** The bare relay's figures beside the server's, and what the server adds at each percentile. */
function bareRows(l: Record<string, unknown>, b: BaselineResult | undefined): [string, string][] {
  if (!b) return [['bare relay baseline', 'not measured (--baseline off)']];
  const app = l['inviteToReceivedPushMs'] as Dist;
  const bare = b.latency.inviteToReceivedPushMs;
  const add = (x: number, y: number): string => `${x - y >= 0 ? '+' : ''}${(Math.round((x - y) * 100) / 100).toFixed(2)}`;
  const e = Object.keys(b.latency.errors as object).length > 0 ? `, errors ${JSON.stringify(b.latency.errors)}` : '';
  return [
    ['bare relay, same clients and load', `p50 ${bare.p50}  p90 ${bare.p90}  p99 ${bare.p99}  max ${bare.max} ms from the scheduled slot (${b.latency.received}/${b.latency.sent} received${e})`],
    ['  the relay during its phase', `CPU ${b.relay.cpuPercentOfOneCore}% of a core, ELU ${b.relay.eventLoopUtilization}, loop delay p99 ${b.relay.eventLoopDelayP99Ms} ms`],
    ['  the server over the relay', `p50 ${add(app.p50, bare.p50)}  p90 ${add(app.p90, bare.p90)}  p99 ${add(app.p99, bare.p99)} ms (differences of the percentiles)`],
  ];
}

/** The timestamped file (or --out), and signaling-latest.json for complete runs only. */
export function writeSignalingResult(r: Record<string, unknown>, out: string | null): string {
  return writeResult('signaling', { ...r, date: String(r['date']) }, { out, complete: Boolean(r['complete']) });
}
