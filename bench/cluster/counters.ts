// What Redis, Postgres and the machine did during a window of bench/cluster.ts: command counts from
// Redis's INFO commandstats, Postgres's pg_stat_database and pg_stat_statements, CPU from /proc.
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** Our own reads show up in the counters: left out of every delta. */
const OWN_REDIS_COMMANDS = new Set(['info']);
const DB_FIELDS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted'] as const;

export interface Snapshot {
  redisCalls: Record<string, number>;
  redisCpuSec: number;
  db: Record<(typeof DB_FIELDS)[number], number>;
  postgresCpuSec: number;
  machine: { busyTicks: number; totalTicks: number };
  at: number;
}

function procStatFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds of the postmaster and all its backends, live and gone: its own time, its reaped children's
 * (cutime/cstime) and its live children's. The pool's backends come and go, so live ones alone would undercount.
 */
function postgresCpuSec(postmaster: number): number {
  const tick = (f: string[], i: number): number => Number(f[i]);
  const own = procStatFields(postmaster);
  let ticks = tick(own, 11) + tick(own, 12) + tick(own, 13) + tick(own, 14);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = procStatFields(Number(name));
      if (Number(f[1]) === postmaster) ticks += tick(f, 11) + tick(f, 12);
    } catch {
      // The process ended between readdir and read: its time is in the postmaster's cutime by now.
    }
  }
  return ticks / 100;
}

function machineTicks(): { busyTicks: number; totalTicks: number } {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
  return { busyTicks: total - idle, totalTicks: total };
}

export class Counters {
  readonly #redis: Redis;
  readonly #pg: pg.Client;
  #postmaster = 0;
  #statements = false;

  constructor(redis: Redis, client: pg.Client) {
    this.#redis = redis;
    this.#pg = client;
  }

  /** Finds the postmaster (our backend's parent) and enables pg_stat_statements if the server preloads it. */
  async init(): Promise<{ statements: boolean }> {
    const pid = (await this.#pg.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
    this.#postmaster = Number(procStatFields(pid)[1]);
    const preload = (await this.#pg.query<{ v: string }>("SELECT current_setting('shared_preload_libraries') AS v")).rows[0]?.v ?? '';
    if (preload.includes('pg_stat_statements')) {
      await this.#pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      this.#statements = true;
    }
    return { statements: this.#statements };
  }

  async snapshot(): Promise<Snapshot> {
    const calls: Record<string, number> = {};
    for (const m of (await this.#redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (m[1] && m[2] && !OWN_REDIS_COMMANDS.has(m[1])) calls[m[1]] = Number(m[2]);
    }
    const cpuInfo = await this.#redis.info('cpu');
    const num = (k: string): number => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(cpuInfo)?.[1] ?? Number.NaN);
    const row = (await this.#pg.query<Record<string, string>>(`SELECT ${DB_FIELDS.join(', ')} FROM pg_stat_database WHERE datname = current_database()`)).rows[0];
    if (!row) throw new Error('pg_stat_database has no row for the bench database');
    const db = Object.fromEntries(DB_FIELDS.map((f) => [f, Number(row[f])])) as Snapshot['db'];
    return { redisCalls: calls, redisCpuSec: num('used_cpu_sys') + num('used_cpu_user'), db, postgresCpuSec: postgresCpuSec(this.#postmaster), machine: machineTicks(), at: performance.now() };
  }

  async resetStatements(): Promise<void> {
    if (this.#statements) await this.#pg.query('SELECT pg_stat_statements_reset()');
  }

  /**
   * Statements the nodes ran since resetStatements, most called first (our own stat queries left out), with the time
   * Postgres spent executing them and the buffer pages they touched: the cost of a statement, not just its count.
   */
  async statements(): Promise<StatementCost[] | null> {
    if (!this.#statements) return null;
    const r = await this.#pg.query<Record<'query' | 'calls' | 'rows' | 'ms' | 'blocks', string>>(
      "SELECT query, calls, rows, total_exec_time AS ms, shared_blks_hit + shared_blks_read AS blocks FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat%' AND query NOT ILIKE '%pg_backend_pid%' ORDER BY calls DESC",
    );
    return r.rows.map((x) => ({ query: x.query.replace(/\s+/g, ' ').slice(0, 160), calls: Number(x.calls), rows: Number(x.rows), execMs: Number(x.ms), blocks: Number(x.blocks) }));
  }
}

export interface StatementCost {
  query: string;
  calls: number;
  rows: number;
  /** Total execution time in Postgres (pg_stat_statements' total_exec_time). */
  execMs: number;
  /** Shared buffer pages hit or read. */
  blocks: number;
}

export interface WindowDelta {
  seconds: number;
  redisCommands: number;
  redisByCommand: Record<string, number>;
  redisCpuSec: number;
  db: Record<string, number>;
  postgresCpuSec: number;
  /** Busy share of all the machine's cores over the window, 0..100. */
  machineCpuPercent: number;
}

export function delta(a: Snapshot, b: Snapshot): WindowDelta {
  const byCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.redisCalls)) {
    const d = v - (a.redisCalls[k] ?? 0);
    if (d > 0) byCommand[k] = d;
  }
  const sorted = Object.fromEntries(Object.entries(byCommand).sort((x, y) => y[1] - x[1]));
  const db = Object.fromEntries(DB_FIELDS.map((f) => [f, b.db[f] - a.db[f]]));
  const total = b.machine.totalTicks - a.machine.totalTicks;
  return {
    seconds: Math.round((b.at - a.at) / 100) / 10,
    redisCommands: Object.values(byCommand).reduce((x, y) => x + y, 0),
    redisByCommand: sorted,
    redisCpuSec: Math.round((b.redisCpuSec - a.redisCpuSec) * 100) / 100,
    db,
    postgresCpuSec: Math.round((b.postgresCpuSec - a.postgresCpuSec) * 100) / 100,
    machineCpuPercent: total > 0 ? Math.round(((b.machine.busyTicks - a.machine.busyTicks) / total) * 1000) / 10 : Number.NaN,
  };
}

/**
 * Per invitation: the window's count less what the idle window (heartbeats, no invitations, no churn)
 * would have done in as many seconds, over the invitations sent. Both raw and net are kept.
 */
export function perInvitation(window: WindowDelta, idle: WindowDelta | null, sent: number): Record<string, { raw: number; net: number | null }> {
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const out: Record<string, { raw: number; net: number | null }> = {};
  const one = (name: string, w: number, i: number | undefined): void => {
    const bg = idle && idle.seconds > 0 && i !== undefined ? (i / idle.seconds) * window.seconds : null;
    out[name] = { raw: r2(w / (sent || 1)), net: bg === null ? null : r2((w - bg) / (sent || 1)) };
  };
  one('redis:all', window.redisCommands, idle?.redisCommands);
  for (const [k, v] of Object.entries(window.redisByCommand)) one(`redis:${k}`, v, idle ? (idle.redisByCommand[k] ?? 0) : undefined);
  for (const [k, v] of Object.entries(window.db)) one(`pg:${k}`, v, idle?.db[k]);
  return out;
}
