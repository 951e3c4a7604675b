// Helpers for the storage-fault scenarios: a real tiny filesystem (tmpfs), a server in its own
// process (so "the process stays alive" is observed, not assumed), and /healthz.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { PASSWORD } from './harness.ts';

const SERVER = new URL('../../server/index.ts', import.meta.url).pathname;

function run(cmd: string, args: string[]): { ok: boolean; why: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.error?.message ?? r.stderr ?? '').trim() || `exit ${String(r.status)}` };
}

/** Whether this process may mount a tmpfs (root, and a kernel that lets it); the reason when not. */
export function tmpfsSupport(): { ok: boolean; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root: cannot mount a tmpfs' };
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-tmpfs-probe-'));
  try {
    const m = run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    if (!m.ok) return { ok: false, reason: `mount -t tmpfs failed: ${m.why}` };
    run('umount', [dir]);
    return { ok: true, reason: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `chattr +i` works here (root with CAP_LINUX_IMMUTABLE on a filesystem that has the flag). */
export function immutableSupport(): { ok: boolean; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root: cannot set the immutable flag' };
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-chattr-probe-'));
  const f = join(dir, 'x');
  writeFileSync(f, 'x');
  try {
    const r = run('chattr', ['+i', f]);
    if (!r.ok) return { ok: false, reason: `chattr +i failed: ${r.why}` };
    run('chattr', ['-i', f]);
    return { ok: true, reason: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function setImmutable(path: string, on: boolean): void {
  const r = run('chattr', [on ? '+i' : '-i', path]);
  if (!r.ok) throw new Error(`chattr on ${path}: ${r.why}`);
}

export interface TinyDisk {
  dir: string;
  /** Writes a filler file until the filesystem says ENOSPC. */
  fill(): void;
  /** Deletes the filler. */
  free(): void;
  unmount(): void;
}

export function mountTinyDisk(sizeKb: number): TinyDisk {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-tinydisk-'));
  const m = run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  if (!m.ok) throw new Error(`mount: ${m.why}`);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(4096, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e; // the only way out of the loop we expect
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      const u = run('umount', ['-l', dir]);
      if (!u.ok) throw new Error(`umount ${dir}: ${u.why}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database with these users (password PASSWORD), then closed: no -wal left behind. */
export async function seedDatabase(dbPath: string, users: string[]): Promise<void> {
  const seed = new SqliteStore(dbPath);
  const hash = await hashPassword(PASSWORD);
  for (const u of users) await seed.createUser({ userId: asUserId(u), displayName: u, passwordHash: hash, disabled: false, createdAt: Date.now() });
  await seed.close();
}

export interface ServerProcess {
  url: string;
  port: number;
  /** Everything the server wrote to stderr so far (its log). */
  log(): string;
  alive(): boolean;
  healthz(): Promise<{ ok: boolean; ready: boolean; storage: { ready: boolean; lastError: { code: string; message: string } | null } }>;
  stop(): Promise<void>;
}

/** `node server/index.ts serve` on a free port, without media; resolves once it says it is ready. */
export async function startServerProcess(dbPath: string, config: Record<string, unknown> = {}): Promise<ServerProcess> {
  const cfgDir = mkdtempSync(join(tmpdir(), 'ringdesk-cfg-'));
  const cfg = join(cfgDir, 'server.json');
  mkdirSync(cfgDir, { recursive: true });
  writeFileSync(cfg, JSON.stringify({ sfu: { enabled: false }, heartbeatIntervalMs: 500, metrics: { port: 0 }, ...config }));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SERVER, 'serve', '--port', '0', '--db', dbPath], {
    env: { ...process.env, RINGDESK_SERVER_CONFIG: cfg, RINGDESK_TOKEN_SECRET: randomBytes(32).toString('hex'), RINGDESK_LOG: 'info' },
  });
  let err = '';
  let exited: number | null | undefined;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.once('exit', (code) => (exited = code));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready at (ws:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before it was ready: ${err}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    log: () => err,
    alive: () => exited === undefined && child.exitCode === null,
    async healthz() {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      return (await r.json()) as Awaited<ReturnType<ServerProcess['healthz']>>; // our own endpoint's JSON
    },
    async stop() {
      if (exited === undefined && child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(cfgDir, { recursive: true, force: true });
    },
  };
}
