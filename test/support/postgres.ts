// A real PostgreSQL server for tests: Debian's postgresql package, a throwaway data directory and a
// free port, started here and stopped by the caller. Postgres refuses to run as root, so as root it
// runs as `nobody` (runuser), owning the data directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface TestPostgres {
  /** postgres://… for the `ringdesk` superuser, database `ringdesk`. */
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and deletes its data directory. */
  stop(): Promise<void>;
  /** SIGKILLs the server, as a crash would; `start()` brings it back on the same port and data. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** The newest installed server's bin directory, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

const asRoot = process.getuid?.() === 0;
const RUN_AS = 'nobody';

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', RUN_AS, '--', bin, ...args]] : [bin, args];
}

function postmasterPid(data: string): number | null {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function childPids(pid: number): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

function tryKill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` no longer exists (polling: a process we did not spawn gives no exit event). */
async function waitGone(pid: number | null): Promise<void> {
  while (pid && tryKill(pid, 0)) await new Promise((r) => setTimeout(r, 20));
}

function run(bin: string, args: string[]): void {
  const [cmd, argv] = command(bin, args);
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export interface TestPostgresOptions {
  /**
   * Commits are on disk (in the OS's cache) before they are acknowledged, as in production: a kill
   * then loses nothing acknowledged. Off by default (synchronous_commit=off) for speed; crash tests turn it on.
   */
  durable?: boolean;
  /** More server settings, each passed as `-c key=value` (e.g. shared_preload_libraries for a bench's pg_stat_statements). */
  settings?: Record<string, string>;
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql); scripts/test.sh installs it');
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-pg-'));
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', RUN_AS], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', RUN_AS], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'ringdesk', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let log = '';

  const start = async (): Promise<void> => {
    // fsync off: a test database need not survive a power cut, and it saves seconds per file.
    const [cmd, argv] = command(join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', `synchronous_commit=${options.durable ? 'on' : 'off'}`, '-c', 'full_page_writes=off', '-c', 'max_connections=200',
      ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ]);
    // This process's log only: one that exited by itself left its "ready" line behind (as in redis.ts).
    log = '';
    // Its own process group: a crash test kills the postmaster and every backend at once, as a machine failure would.
    const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    proc = p;
    p.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    // Ready once it accepts connections; wait on the server's own word, not a fixed delay.
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`postgres exited (${code}) before it was ready:\n${log}`));
      p.once('exit', onExit);
      const check = (): void => {
        if (/ready to accept connections/.test(log)) {
          p.off('exit', onExit);
          resolve();
        } else setTimeout(check, 50);
      };
      check();
    });
  };
  const stopProc = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    // runuser does not pass every signal on, so signal the postmaster itself (its pid is in the lock
    // file). SIGKILL takes every backend with it, as a machine failure would; SIGINT is a fast shutdown.
    const pid = postmasterPid(data);
    if (pid && signal === 'SIGKILL') for (const child of childPids(pid)) tryKill(child, 'SIGKILL');
    if (pid) tryKill(pid, signal);
    else p.kill(signal);
    await waitGone(pid);
    await exited;
  };

  await start();
  run(join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'ringdesk', 'ringdesk']);
  return {
    url: `postgres://ringdesk@127.0.0.1:${port}/ringdesk`,
    port,
    start,
    kill: () => stopProc('SIGKILL'),
    async stop() {
      await stopProc('SIGINT'); // postgres's fast shutdown
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
