// The real server as users run it: `node server/index.ts serve` in its own process, so a test can
// stop it with SIGTERM (graceful: server/index.ts closes rooms and sockets) or SIGKILL (a crash),
// and start it again on the same port and database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { PASSWORD, workerBin } from '../integration/harness.ts';
import { freePort } from '../support/ports.ts';

const READY = /Ringdesk server ready at (ws:\/\/\S+)/;
const METRICS = /metrics and readiness at (http:\/\/\S+)\/metrics/;
const START_TIMEOUT_MS = 30_000;

/** How the process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  /** http://host:port of its metrics listener (/readyz, /healthz, /metrics); a free port at every start. */
  metricsUrl: string;
  readonly pid: number;
  /** The port it listens on: the same across restarts. */
  readonly port: number;
  /** Everything it wrote to stderr (its JSON log lines), since the last start. */
  readonly stderr: string;
  /** Stops the process with `signal` and waits until it is gone (and its mediasoup worker with it). */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Sends `signal` and returns at once (a drain, SIGTERM, takes its time). */
  signal(signal: 'SIGTERM' | 'SIGINT'): void;
  /** Resolves when the running process exits, with how it ended. */
  exited(): Promise<ProcessExit>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `config`: keys merged over the test config below (server/config.ts), e.g. `{ drainTimeoutMs: 60000 }`. */
export async function startServerProcess(users: string[], o: { config?: Record<string, unknown> } = {}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-proc-'));
  const dbPath = join(dir, 'db.sqlite');
  const seed = new SqliteStore(dbPath);
  const hash = await hashPassword(PASSWORD);
  for (const u of users) await seed.createUser({ userId: asUserId(u), displayName: u.toUpperCase(), passwordHash: hash, disabled: false, createdAt: Date.now() });
  await seed.close();
  const bin = workerBin();
  if (!bin) throw new Error('no mediasoup worker: run "bash scripts/setup-mediasoup.sh" or set MEDIASOUP_WORKER_BIN');
  const configPath = join(dir, 'server.json');
  // One worker on ephemeral UDP/TCP ports on loopback, and quick heartbeats: a member whose app is
  // gone is lost (and a 1:1 call with them ends) within seconds instead of the default 30 s.
  // Metrics on a free port too: several servers run side by side.
  writeFileSync(
    configPath,
    JSON.stringify({ heartbeatIntervalMs: 500, heartbeatTimeoutMs: 5000, sfu: { numWorkers: 1, webRtcServerPort: 0, listenIp: '127.0.0.1' }, metrics: { port: 0 }, ...o.config }),
  );
  const port = await freePort();
  const env = { ...process.env, RINGDESK_SERVER_CONFIG: configPath, RINGDESK_TOKEN_SECRET: randomBytes(32).toString('hex'), MEDIASOUP_WORKER_BIN: bin };
  let child: ChildProcess | null = null;
  let exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });
  let err = '';

  const p: ServerProcess = {
    url: '',
    metricsUrl: '',
    get pid() {
      return child?.pid ?? -1;
    },
    port,
    get stderr() {
      return err;
    },
    async start() {
      const c = spawn(process.execPath, [resolve('server/index.ts'), 'serve', '--port', String(port), '--db', dbPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      // 'close', not 'exit': the last log lines (the drain's 'stopped') may still be in the pipe at exit.
      exited = new Promise((r) => c.once('close', (code, signal) => r({ code, signal })));
      err = '';
      c.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-200_000);
      });
      p.url = await new Promise<string>((ok, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`the server did not start in ${START_TIMEOUT_MS} ms: ${err.slice(-4000)}`)), START_TIMEOUT_MS);
        c.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = READY.exec(out);
          const metrics = METRICS.exec(out);
          if (m?.[1] && metrics?.[1]) {
            clearTimeout(timer);
            p.metricsUrl = metrics[1];
            ok(m[1]);
          }
        });
        c.once('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`the server exited (${code}) before it was ready: ${err.slice(-4000)}`));
        });
      });
    },
    signal(signal) {
      child?.kill(signal);
    },
    exited: () => exited,
    async stop(signal) {
      if (!child || child.exitCode !== null) return;
      child.kill(signal);
      await exited;
      child = null;
    },
    async close() {
      await p.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await p.start();
  return p;
}
