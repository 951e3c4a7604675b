#!/usr/bin/env node
// `node bench/profile-summary.ts FILE [top]`: where a V8 profile's time or bytes go, as text, so before/after
// profiles of bench:signaling compare in a diff.
// - FILE.cpuprofile (`node --cpu-prof`, or RINGDESK_BENCH_PROFILE): self time by function.
// - FILE.heapprofile (RINGDESK_BENCH_PROFILE's allocation sampling): bytes allocated by function, then by the nearest
//   frame in our own code (server/, src/, bench/), which names the line to change when the allocating function is
//   Node's or a library's.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}

const OWN_CODE = /\/(server|src|bench)\//;
const where = (f: CallFrame): string => {
  const at = f.url ? `${f.url.replace(/^.*\/(node_modules|server|src|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${at}`.trim();
};
const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);

function print(title: string, m: Map<string, number>, total: number, top: number): void {
  console.log(title);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function summariseCpu(p: CpuProfile, top: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFn = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const us = p.timeDeltas[i] ?? 0;
    total += us;
    if (n) add(byFn, where(n.callFrame), us);
  });
  print(`total ${(total / 1e6).toFixed(2)} s sampled`, byFn, total, top);
}

function summariseHeap(p: HeapProfile, top: number): void {
  const byFn = new Map<string, number>();
  const byOwn = new Map<string, number>();
  let total = 0;
  // Iterative walk: allocation stacks are deep enough (ws → our handlers → JSON) to make recursion a risk on large profiles.
  const stack: Array<{ n: HeapNode; own: string }> = [{ n: p.head, own: '(no own frame)' }];
  for (let e = stack.pop(); e; e = stack.pop()) {
    const own = OWN_CODE.test(e.n.callFrame.url) ? where(e.n.callFrame) : e.own;
    if (e.n.selfSize > 0) {
      total += e.n.selfSize;
      add(byFn, where(e.n.callFrame), e.n.selfSize);
      add(byOwn, own, e.n.selfSize);
    }
    for (const c of e.n.children) stack.push({ n: c, own });
  }
  print(`total ${(total / 1e6).toFixed(1)} MB allocated (sampled), by allocating function`, byFn, total, top);
  print('\nby the nearest frame in our own code', byOwn, total, top);
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.ts FILE.cpuprofile|FILE.heapprofile [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const data: unknown = JSON.parse(readFileSync(file, 'utf8')); // the formats V8's inspector writes
if (typeof data === 'object' && data !== null && 'head' in data) summariseHeap(data as HeapProfile, top);
else summariseCpu(data as CpuProfile, top);
