#!/usr/bin/env node
// `npm run bench:accounts [-- --rows 5000]`: what IT waits for. The admin CLI runs as its own process,
// as it would beside a running server: `user list` on an empty database (the bare baseline: process
// start, modules, opening the file), `user add` (the same plus one scrypt hash), and `user import` of
// N rows with plain passwords and with pre-hashed ones. The server's scrypt cost is the default.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SCRYPT, hashPassword } from '../server/auth/passwords.ts';
import { runUserCommand } from '../server/cli/users.ts';
import { SqliteStore } from '../server/store/sqliteStore.ts';
import { now, pct, round, writeResult } from './results.ts';

const SERVER_CLI = new URL('../server/index.ts', import.meta.url).pathname;
const { values } = parseArgs({ options: { rows: { type: 'string', default: '5000' }, adds: { type: 'string', default: '10' }, out: { type: 'string' } } });
const ROWS = Number(values.rows);
const ADDS = Number(values.adds);
const dir = mkdtempSync(join(tmpdir(), 'ringdesk-bench-accounts-'));
const db = join(dir, 'db.sqlite');

function run(args: string[], stdin = ''): Promise<{ ms: number; code: number | null; out: string }> {
  const env = { ...process.env };
  delete env['RINGDESK_PASSWORD'];
  const t0 = now();
  const p = spawn(process.execPath, [SERVER_CLI, 'user', ...args, '--db', db], { env });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  p.stdin.end(stdin);
  return new Promise((resolve) => p.once('close', (code) => resolve({ ms: now() - t0, code, out })));
}
const must = (r: { code: number | null; out: string }, what: string): void => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.out}`);
};

const load0 = loadavg();
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load ${load0.map((x) => x.toFixed(2)).join(' ')}`);
await run(['list']); // creates and migrates the database: not timed
const baseline: number[] = [];
for (let i = 0; i < ADDS; i++) baseline.push((await run(['list'])).ms);

// One scrypt at the default cost, in this process: what `user add` pays on top of the baseline.
const hashes: number[] = [];
for (let i = 0; i < ADDS; i++) {
  const t = now();
  await hashPassword(`bench-password-${i}`);
  hashes.push(now() - t);
}
const adds: number[] = [];
for (let i = 0; i < ADDS; i++) {
  const r = await run(['add', `bench-add-${i}`], `bench-password-${i}\n`);
  must(r, 'user add');
  adds.push(r.ms);
}

// `user add` in this process apart from the hash: open the database, check, insert, close (what the
// CLI does around its one scrypt), with the scrypt cost set to the floor so the hash is ~0.
const inProcess: number[] = [];
for (let i = 0; i < ADDS; i++) {
  const t = now();
  const store = new SqliteStore(db);
  await runUserCommand(store, ['add', `bench-inproc-${i}`], { password: 'bench-password', name: undefined, scrypt: { N: 2, r: 1, p: 1 } }, () => undefined);
  await store.close();
  inProcess.push(now() - t);
}

const plainCsv = join(dir, 'plain.csv');
writeFileSync(plainCsv, ['userId,displayName,password', ...Array.from({ length: ROWS }, (_, i) => `p${i},Person ${i},pw-${i}-long-enough`)].join('\n'));
const hash = await hashPassword('one-hash-for-every-row'); // the insert path is what this measures
const hashedCsv = join(dir, 'hashed.csv');
writeFileSync(hashedCsv, ['userId,displayName,passwordHash', ...Array.from({ length: ROWS }, (_, i) => `h${i},Person ${i},${hash}`)].join('\n'));

const hashed = await run(['import', hashedCsv]);
must(hashed, 'import (pre-hashed)');
const plain = await run(['import', plainCsv]);
must(plain, 'import (plain)');
const load1 = loadavg();

const result = {
  date: new Date().toISOString(),
  machine: { cores: availableParallelism(), loadBefore: load0, loadAfter: load1 },
  scrypt: DEFAULT_SCRYPT,
  rows: ROWS,
  baselineListMs: { p50: round(pct(baseline, 50)), p95: round(pct(baseline, 95)) },
  hashMs: { p50: round(pct(hashes, 50)), p95: round(pct(hashes, 95)) },
  userAddMs: { p50: round(pct(adds, 50)), p95: round(pct(adds, 95)) },
  userAddInProcessWithoutHashMs: { p50: round(pct(inProcess, 50)), p95: round(pct(inProcess, 95)) },
  importPreHashedMs: round(hashed.ms),
  importPlainMs: round(plain.ms),
  importPlainPerRowMs: round(plain.ms / ROWS),
};
console.log(JSON.stringify(result, null, 2));
console.log(`load after: ${load1.map((x) => x.toFixed(2)).join(' ')}; results: ${writeResult('accounts', result, { out: values.out ?? null })}`);
rmSync(dir, { recursive: true, force: true });
