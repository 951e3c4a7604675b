// Shared by the benchmark orchestrators (bench/signaling.ts, bench/storm.ts): child processes speaking
// request/response over IPC, /proc readers and small statistics helpers.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ServerCommand, WorkerCommand, WorkerReply } from './messages.ts';
import { percentile } from './messages.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MB = 1024 * 1024;
type WithoutRid<T> = T extends unknown ? Omit<T, 'rid'> : never;

// ---------------------------------------------------------------- run context

/** The benches' user ids: `u` + a 6-digit index (bench/signin.ts relies on it). */
export const userName = (i: number): string => `u${String(i).padStart(6, '0')}`;

/** 1-, 5- and 15-minute load averages, rounded: the bench shares the machine and says how busy it was. */
export const loadAvg = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** The commit measured, and whether server or shared code had uncommitted changes at the time. */
export function gitState(): { commit: string; uncommittedServerChanges: boolean } | null {
  try {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedServerChanges: git('status', '--porcelain', '--', 'server', 'src/shared').length > 0 };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- processes

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A child speaking request/response over the IPC channel (bench/client-worker.ts, bench/server-entry.ts). */
export class Child {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly log: string[] = [];
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  exited: string | null = null;

  /** For a server child: resolves with the URL it prints once ready ("Ringdesk server ready at ws://…"). */
  readyUrl(timeoutMs = 30_000): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${this.log.join('\n')}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        const m = /Ringdesk server ready at (wss?:\/\/\S+)/.exec(chunk.toString('utf8'));
        if (!m?.[1]) return;
        clearTimeout(timer);
        this.proc.stdout?.off('data', onData);
        resolve(m[1]);
      };
      this.proc.stdout?.on('data', onData);
      this.proc.once('exit', () => reject(new Error(`server exited before it was ready:\n${this.log.join('\n')}`)));
    });
  }

  constructor(name: string, script: string, nodeFlags: string[], args: string[], wantFiles: number, env: NodeJS.ProcessEnv) {
    this.name = name;
    const nofile = Math.max(wantFiles, Math.min(readFdLimit('self')?.soft ?? 0, 1 << 20)); // raise only, never lower
    // /bin/sh raises the open-file limit (root may raise the hard limit; others get up to theirs), then execs node in place,
    // so the pid stays the node process's and the IPC channel (NODE_CHANNEL_FD) is inherited.
    const sh = `ulimit -n ${nofile} 2>/dev/null || ulimit -Sn ${nofile} 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
    this.proc = spawn('/bin/sh', ['-c', sh, 'sh', process.execPath, ...nodeFlags, script, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.log.push(line);
        if (this.log.length > 200) this.log.shift();
      }
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    this.proc.on('message', (m: WorkerReply) => {
      const w = this.#waiting.get(m.rid);
      if (!w) return;
      this.#waiting.delete(m.rid);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.data);
      else w.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = `exit ${code ?? signal}`;
      for (const w of this.#waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new Error(`${this.name} exited (${this.exited}); last output:\n${this.log.slice(-20).join('\n')}`));
      }
      this.#waiting.clear();
    });
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.proc.pid;
  }

  call<T>(msg: WithoutRid<WorkerCommand> | WithoutRid<ServerCommand>, timeoutMs = 600_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} already exited (${this.exited})`));
    const rid = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(rid);
        reject(new Error(`${this.name}: no answer to ${msg.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(rid, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ ...msg, rid });
    });
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. Only ever this child's own pid. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited || this.proc.pid === undefined) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => {
      if (!this.exited) this.proc.kill('SIGKILL');
    }, graceMs);
    await gone;
    clearTimeout(t);
  }
}

// ---------------------------------------------------------------- /proc

export interface ProcMem {
  rssBytes: number;
  peakRssBytes: number;
}

export function readProcMem(pid: number): ProcMem {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m?.[1]) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** User + system CPU seconds of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s on Linux). */
export function readProcCpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function readFdLimit(pid: number | 'self'): { soft: number; hard: number } | null {
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    if (!m?.[1] || !m[2]) return null;
    const n = (s: string): number => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
    return { soft: n(m[1]), hard: n(m[2]) };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- stats helpers

export interface Dist {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function dist(values: number[]): Dist {
  const s = [...values].sort((a, b) => a - b);
  const r3 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    count: s.length,
    mean: r3(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    p50: r3(percentile(s, 50)),
    p90: r3(percentile(s, 90)),
    p99: r3(percentile(s, 99)),
    max: r3(s.at(-1) ?? Number.NaN),
  };
}

export const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

/** Bytes this process passed to write-type syscalls (`wchar` of /proc/<pid>/io): socket writes included. */
export function readProcWrittenBytes(pid: number): number {
  const m = /^wchar:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  if (!m?.[1]) throw new Error(`no wchar in /proc/${pid}/io`);
  return Number(m[1]);
}

/** Growth exponent between two steps: log(y2/y1) / log(x2/x1) (1 = linear, 2 = quadratic). */
export function growthExponent(x1: number, y1: number, x2: number, y2: number): number {
  return Math.log(y2 / y1) / Math.log(x2 / x1);
}
