// What bench:sfu reads from Linux's /proc: CPU time per process and per process tree, and pinning.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The fields after the command name (which may hold spaces and parentheses): field 3 (state) is [0]. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process has gone
  }
}

/** utime + stime of a process (all its threads), in seconds; 0 when it has gone. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLOCK_TICKS : 0;
}

/** Every live descendant of `root` (children, grandchildren, …), read from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** Each process's CPU seconds so far, by pid (for treeCpuPct). */
export function treeCpu(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, cpuSeconds(p)]));
}

/** CPU % (100 = one core) of the pids present in both reads, over `seconds`. */
export function treeCpuPct(before: Map<number, number>, after: Map<number, number>, seconds: number): number {
  let s = 0;
  for (const [pid, c] of after) s += c - (before.get(pid) ?? c);
  return Math.round((s / seconds) * 1000) / 10;
}

export function pin(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['-pc', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The cores a process may run on, as /proc shows it (e.g. "1"). */
export function affinity(pid: number): string {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** The 1, 5 and 15 minute load averages, rounded: printed with every figure (the machine is shared). */
export const load = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);
