#!/usr/bin/env node
// `node bench/commit.ts [--calls N] [--per-tick K]`: the server's call-state hot path in one process,
// without sockets: N invitations (invite, then the invitee rejects: 2 transitions each) through the real
// CallService and SqliteStore (WAL file in the temp dir), K invitations started per event-loop tick.
// Both ways in the same process: one SQLite transaction per transition (the old behaviour: store.saveCall
// on every transition), and group commit (one transaction per tick). Reports server-side CPU per
// transition (process.cpuUsage, so a busy machine changes it less than wall time), transactions and
// wall time, and the load average. Pushes go to in-memory connections that count frames.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CallService } from '../server/domain/CallService.ts';
import { SessionRegistry, type Connection } from '../server/routing/SessionRegistry.ts';
import { GroupCommit } from '../server/store/GroupCommit.ts';
import { SqliteStore } from '../server/store/sqliteStore.ts';
import { asDeviceId, asUserId, type DeviceId, type UserId } from '../src/shared/protocol/index.ts';

class CountingConnection implements Connection {
  readonly userId: UserId;
  readonly deviceId: DeviceId = asDeviceId('d1');
  readonly deviceName = 'bench';
  frames = 0;
  constructor(userId: UserId) {
    this.userId = userId;
  }
  send(): void {
    this.frames++;
  }
  close(): void {}
}

interface Run {
  mode: string;
  transitions: number;
  transactions: number;
  cpuUsPerTransition: number;
  wallMs: number;
  frames: number;
}

async function once(mode: 'per-transition' | 'group', calls: number, perTick: number): Promise<Run> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-commit-'));
  const store = new SqliteStore(join(dir, 'db.sqlite'));
  const sessions = new SessionRegistry();
  const conns: CountingConnection[] = [];
  const pairs = perTick * 4;
  for (let i = 0; i < 2 * pairs; i++) {
    const u = asUserId(`u${i}`);
    await store.createUser({ userId: u, displayName: `U ${i}`, passwordHash: 'x', disabled: false, createdAt: 1 });
    const c = new CountingConnection(u);
    conns.push(c);
    sessions.add(c);
  }
  // The old path: every transition its own saveCall, i.e. its own BEGIN IMMEDIATE … COMMIT.
  const direct = { stats: { batches: 0, saves: 0, largest: 1 }, save: (c: Parameters<GroupCommit['save']>[0], r: Parameters<GroupCommit['save']>[1]) => (direct.stats.batches++, direct.stats.saves++, store.saveCall(c, r)) };
  const commits = mode === 'group' ? new GroupCommit(store) : direct;
  const service = new CallService({ store, sessions, graceMs: 60_000, commits });
  const d1 = asDeviceId('d1');
  const one = async (k: number): Promise<void> => {
    const p = k % pairs;
    const caller = asUserId(`u${2 * p}`);
    const callee = asUserId(`u${2 * p + 1}`);
    const { call } = await service.invite({ userId: caller, deviceId: d1 }, { invitees: [callee], mode: 'normal', timeout: 30, extendedData: '' });
    await service.dispatch(call.callID, { type: 'reject', by: callee, device: d1, extendedData: '' });
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < calls; k += perTick) {
    // One tick's worth, as frames read in one poll phase would start them; the next tick starts after these finished.
    await Promise.all(Array.from({ length: Math.min(perTick, calls - k) }, (_, j) => one(k + j)));
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  service.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const transitions = 2 * calls;
  return {
    mode,
    transitions,
    transactions: commits.stats.batches,
    cpuUsPerTransition: Math.round(((cpu.user + cpu.system) / transitions) * 10) / 10,
    wallMs: Math.round(wallMs),
    frames: conns.reduce((a, c) => a + c.frames, 0),
  };
}

const { values } = parseArgs({ options: { calls: { type: 'string' }, 'per-tick': { type: 'string' } } });
const calls = Number(values.calls ?? 5000);
const perTick = Number(values['per-tick'] ?? 10);
const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`call-state hot path: ${calls} invitations (invite + reject), ${perTick} started per tick; load average ${load()} (1/5/15 min)`);
// Warm-up (JIT, SQLite page cache), then each mode twice, alternating, so drift in the machine's load hits both.
await once('group', Math.min(1000, calls), perTick);
const runs: Run[] = [];
for (let i = 0; i < 2; i++) for (const m of ['per-transition', 'group'] as const) runs.push(await once(m, calls, perTick));
for (const r of runs) {
  console.log(
    `${r.mode.padEnd(15)} ${String(r.transitions).padStart(6)} transitions in ${String(r.transactions).padStart(5)} transactions: ${r.cpuUsPerTransition} µs CPU per transition, ${r.wallMs} ms wall, ${r.frames} frames pushed`,
  );
}
console.log(`load average at the end ${load()}`);
