// A real Redis server for tests: Debian's redis-server, a throwaway directory and a free port,
// started here and stopped by the caller. Like test/support/postgres.ts, it can be killed and
// started again on the same port, as the cluster's fault tests need.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface TestRedis {
  /** redis://127.0.0.1:port */
  url: string;
  port: number;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
  /** SIGKILLs the server, as a crash would; `start()` brings it back on the same port (and data, with `persist`). */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface TestRedisOptions {
  /**
   * Append-only file with fsync every second, as a production Redis would run: what was written
   * before a kill is mostly there after `start()`. Off by default (a restart starts empty), which is
   * the harder case for the cluster: every key (routes, leases) is gone.
   */
  persist?: boolean;
}

/** The redis-server binary, or null when it is not installed (scripts/setup-services.sh installs it). */
export function redisServerBin(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = r.stdout.trim();
  return r.status === 0 && bin ? bin : null;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const bin = redisServerBin();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server); scripts/setup-services.sh installs it');
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let log = '';

  const start = async (): Promise<void> => {
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--appendonly', options.persist ? 'yes' : 'no', '--appendfsync', 'everysec',
      // A test may open many connections (several nodes, each with a subscriber and a command link).
      '--maxclients', '4000', '--protected-mode', 'no', '--loglevel', 'notice',
    ];
    // This process's log only: a server that exited by itself (SHUTDOWN) left its "Ready" line behind,
    // and a start that read it resolved before the new server listened (ECONNREFUSED on a busy machine).
    log = '';
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const onData = (d: Buffer): void => {
      log = (log + d.toString()).slice(-4000);
    };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', onData);
    // Ready once it says so; wait on the server's own word, not a fixed delay.
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}`));
      p.once('exit', onExit);
      const check = (): void => {
        if (/Ready to accept connections/i.test(log)) {
          p.off('exit', onExit);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
  };
  const stopProc = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill: () => stopProc('SIGKILL'),
    async stop() {
      await stopProc('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
