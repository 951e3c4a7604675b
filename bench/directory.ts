#!/usr/bin/env node
// `node bench/directory.ts [--users 50000] [--requests 300]`: the server CPU of one directory page with
// many users in the database (issue 11's target: ≤ 2 ms). The real server runs as a child process on a
// seeded SQLite file; a real client signs in and asks pages the way the app does (limit 50, following
// nextCursor), one query class per phase. Server CPU comes from /proc/<pid>/stat; each phase is compared
// with a bare baseline measured in the same run (heartbeats: envelope, zod, socket, no directory work).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { hashPassword } from '../server/auth/passwords.ts';
import { SqliteStore } from '../server/store/sqliteStore.ts';
import { SignalingClient } from '../src/main/signaling/SignalingClient.ts';
import { asDeviceId, asUserId } from '../src/shared/protocol/index.ts';
import { writeResult } from './results.ts';

const r2 = (x: number): number => Math.round(x * 100) / 100;

const { values } = parseArgs({ options: { users: { type: 'string' }, requests: { type: 'string' }, out: { type: 'string' } } });
const USERS = Number(values.users ?? 50_000);
const REQUESTS = Number(values.requests ?? 300);
const PASSWORD = 'bench-password-1';
/** Under the server's default rate limit (50 requests/s per connection), as a real client must be. */
const RATE_PER_SEC = 40;
let nextSlot = 0;
/** Waits for the next send slot of a fixed schedule (open loop: a slow answer does not delay the schedule). */
async function slot(): Promise<void> {
  const now = performance.now();
  nextSlot = Math.max(nextSlot + 1000 / RATE_PER_SEC, now);
  const wait = nextSlot - now;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

const FIRST = ['Anna', 'André', 'Björn', 'Chloé', 'David', 'Élodie', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'José', 'Kai', 'Léa', 'Mohammed', 'Noor', 'Olivia', 'Paweł', 'Quinn', 'Rafael', 'Søren', 'Tomás', 'Ursula', 'Victor', 'Wen', 'Xavier', 'Yuki', 'Zoë'];
const LAST = ['Andersen', 'Brown', 'Castillo', 'Díaz', 'Eriksson', 'Fischer', 'García', 'Hoffmann', 'Ito', 'Jensen', 'Kowalski', 'López', 'Müller', 'Nguyen', 'Okafor', 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Vargas', 'Weber', 'Yılmaz', 'Zhou'];
const HAN_FAMILY = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
const HAN_GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛'];

function name(i: number): string {
  if (i % 5 === 0) return `${HAN_FAMILY[i % HAN_FAMILY.length]}${HAN_GIVEN[Math.floor(i / 7) % HAN_GIVEN.length]}${i % 3 === 0 ? (HAN_GIVEN[i % HAN_GIVEN.length] ?? '') : ''}`;
  return `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
}
const id = (i: number): string => `u${String(i).padStart(6, '0')}`;

/** Seeds users with raw inserts in one transaction; the server builds the directory index when it opens the file. */
async function seed(dbPath: string): Promise<void> {
  await new SqliteStore(dbPath).close(); // migrations
  const hash = await hashPassword(PASSWORD);
  const db = new DatabaseSync(dbPath);
  const ins = db.prepare('INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES (?, ?, ?, 0)');
  db.exec('BEGIN');
  for (let i = 0; i < USERS; i++) ins.run(id(i), name(i), hash);
  db.exec('COMMIT');
  db.exec("DELETE FROM meta WHERE key = 'directory_terms_version'");
  db.close();
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s ticks
}

async function main(): Promise<void> {
  // Printed at the start and the end: on a shared machine the figures move with the load.
  const loadAtStart = os.loadavg().map(r2);
  console.log(`load average 1/5/15 min at start ${loadAtStart.join(' ')}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'ringdesk-bench-dir-'));
  const dbPath = join(dir, 'db.sqlite');
  const t0 = performance.now();
  await seed(dbPath);
  const seedMs = performance.now() - t0;
  const child = spawn(process.execPath, ['server/index.ts', 'serve', '--port', '0', '--db', dbPath], {
    env: { ...process.env, RINGDESK_TOKEN_SECRET: 'b'.repeat(64), RINGDESK_SERVER_CONFIG: '', RINGDESK_METRICS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const t1 = performance.now();
  child.once('exit', () => undefined);
  process.once('exit', () => child.kill('SIGTERM')); // never leave the server behind
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /ready at (\S+)/.exec(buf);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const startMs = performance.now() - t1;
  const pid = child.pid ?? 0;
  const sig = new SignalingClient({ url, deviceId: asDeviceId('bench'), deviceName: 'bench', credentials: { userId: asUserId(id(1)), password: PASSWORD }, requestTimeoutMs: 30_000 });
  await new Promise<void>((r) => {
    sig.on('session', () => r());
    sig.connect();
  });

  const phases: Record<string, string[]> = {
    'browse (empty query), 3 pages': [''],
    'one Latin letter': 'abcdefghijklmnopqrstuvwxyz'.split(''),
    'three letters': ['and', 'jos', 'mül', 'eri', 'zho', 'tan', 'kow', 'nguy'],
    'one Han character': [...HAN_FAMILY, ...HAN_GIVEN],
    'user id prefix': ['u0', 'u01', 'u0123', 'u04999'],
    'two words': ['anna and', 'jose gar', 'zoe z'],
  };
  const results: { phase: string; requests: number; serverCpuMsPerRequest: number; overBaselineMs: number; usersPerPage: number }[] = [];
  // Baseline: the same number of requests doing nothing but the envelope and a reply.
  let c0 = cpuMs(pid);
  for (let i = 0; i < REQUESTS; i++) {
    await slot();
    await sig.request('heartbeat', {});
  }
  const baseline = (cpuMs(pid) - c0) / REQUESTS;
  for (const [phase, queries] of Object.entries(phases)) {
    let n = 0;
    let users = 0;
    c0 = cpuMs(pid);
    while (n < REQUESTS) {
      const query = queries[n % queries.length] ?? '';
      let cursor: string | undefined;
      // Up to three pages, as someone scrolling the results would.
      for (let p = 0; p < 3 && n < REQUESTS; p++) {
        await slot();
        const r = await sig.request('directorySearch', { query, limit: 50, ...(cursor ? { cursor } : {}) });
        n++;
        users += r.users.length;
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
    }
    const per = (cpuMs(pid) - c0) / n;
    results.push({ phase, requests: n, serverCpuMsPerRequest: r2(per), overBaselineMs: r2(per - baseline), usersPerPage: r2(users / n) });
  }
  sig.close();
  child.kill('SIGTERM');
  const load = os.loadavg().map(r2);
  const out = {
    name: 'directory',
    date: new Date().toISOString(),
    users: USERS,
    seedMs: Math.round(seedMs),
    serverStartWithIndexBuildMs: Math.round(startMs),
    baselineHeartbeatCpuMs: r2(baseline),
    target: 'one directory page (limit 50) ≤ 2 ms of server CPU',
    phases: results,
    loadavg: load,
    loadAverages1m5m15m: { start: loadAtStart, end: load },
    cpus: os.cpus().length,
  };
  console.log(`directory bench: ${USERS} users, seeded in ${out.seedMs} ms, server up (index built) in ${out.serverStartWithIndexBuildMs} ms`);
  console.log(`baseline (heartbeat): ${out.baselineHeartbeatCpuMs} ms server CPU per request`);
  for (const r of results) console.log(`${r.phase.padEnd(32)} ${String(r.serverCpuMsPerRequest).padStart(6)} ms/page (${r.overBaselineMs} over baseline), ${r.usersPerPage} users/page, ${r.requests} pages`);
  console.log(`load average 1/5/15 min: start ${loadAtStart.join(' ')}, end ${load.join(' ')} on ${out.cpus} CPUs; target ≤ 2 ms per page`);
  console.log(`wrote ${writeResult('directory', out, { out: values.out ?? null })}`);
  rmSync(dir, { recursive: true, force: true });
}

await main();
