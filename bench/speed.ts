// How fast this machine is right now, on a fixed piece of work, printed beside each bench's figures.
// The same code on this shared 2-core machine gave figures twice as slow in an afternoon as in the
// morning, at the same load average (docs/benchmarks.md, 2026-12-03): the load average does not show
// a host that is slower for everyone. This does, so that runs at different times can be compared.
import { createHmac } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { percentile } from './percentile.ts';

export interface MachineSpeed {
  /** Median ms of the JS piece: JSON parse and stringify of an invitation frame, an HMAC, a Map write. */
  jsMs: number;
  /** Median µs of one small write(2) to /dev/null: what the server's socket writes pay the kernel. */
  syscallUs: number;
  /** What was timed, for the JSON. */
  work: string;
}

const ROUNDS = 5;
const JS_ITERATIONS = 5_000;
const WRITES = 10_000;
const FRAME = JSON.stringify({
  id: 42,
  type: 'callInvite',
  data: { invitees: ['user-00017', 'user-00018'], mode: 'general', media: 'video', timeout: 30, extendedData: 'x'.repeat(200) },
});

function jsRound(): number {
  const key = Buffer.alloc(32, 7);
  const seen = new Map<number, string>();
  const t0 = performance.now();
  for (let i = 0; i < JS_ITERATIONS; i++) {
    const f = JSON.parse(FRAME) as { id: number };
    f.id = i;
    const out = JSON.stringify(f);
    seen.set(i & 1023, createHmac('sha256', key).update(out).digest('base64url'));
  }
  return performance.now() - t0;
}

function syscallRound(fd: number, buf: Buffer): number {
  const t0 = performance.now();
  for (let i = 0; i < WRITES; i++) writeSync(fd, buf);
  return ((performance.now() - t0) * 1000) / WRITES;
}

/** Well under a second of work (6 rounds of each); run it while the bench's own processes are idle. */
export function measureSpeed(): MachineSpeed {
  jsRound(); // warm-up: compiled code, not the interpreter
  const js = Array.from({ length: ROUNDS }, jsRound);
  const fd = openSync('/dev/null', 'w');
  try {
    const buf = Buffer.alloc(256, 1);
    const sys = Array.from({ length: ROUNDS }, () => syscallRound(fd, buf));
    return {
      jsMs: Math.round(percentile(js, 50) * 10) / 10,
      syscallUs: Math.round(percentile(sys, 50) * 100) / 100,
      work: `median of ${ROUNDS}: ${JS_ITERATIONS} × (JSON parse + stringify of a ${FRAME.length}-byte frame, HMAC-SHA256, Map set); ${WRITES} × write(2) of 256 bytes to /dev/null`,
    };
  } finally {
    closeSync(fd);
  }
}

export function describeSpeed(s: MachineSpeed): string {
  return `${s.jsMs} ms for the reference JS work, ${s.syscallUs} µs a write(2) (lower is faster; bench/speed.ts)`;
}
