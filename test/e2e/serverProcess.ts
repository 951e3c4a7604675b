// The real server as users run it: `node server/index.ts serve` in its own process, so a test can
// stop it with SIGTERM (graceful: server/index.ts closes rooms and sockets) or SIGKILL (a crash),
// and start it again on the same port and database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { PASSWORD, workerBin } from '../integration/harness.ts';

const READY = /Ringdesk server ready at (ws:\/\/\S+)/;
const START_TIMEOUT_MS = 30_000;

export interface ServerProcess {
  url: string;
  readonly pid: number;
  /** Stops the process with `signal` and waits until it is gone (and its mediasoup worker with it). */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

export async function startServerProcess(users: string[]): Promise<ServerProcess> {
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
  writeFileSync(configPath, JSON.stringify({ heartbeatIntervalMs: 500, heartbeatTimeoutMs: 5000, sfu: { numWorkers: 1, webRtcServerPort: 0, listenIp: '127.0.0.1' } }));
  const port = await freePort();
  const env = { ...process.env, RINGDESK_SERVER_CONFIG: configPath, RINGDESK_TOKEN_SECRET: randomBytes(32).toString('hex'), MEDIASOUP_WORKER_BIN: bin };
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const p: ServerProcess = {
    url: '',
    get pid() {
      return child?.pid ?? -1;
    },
    async start() {
      const c = spawn(process.execPath, [resolve('server/index.ts'), 'serve', '--port', String(port), '--db', dbPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      exited = new Promise((r) => c.once('exit', () => r()));
      let err = '';
      c.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
      });
      p.url = await new Promise<string>((ok, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`the server did not start in ${START_TIMEOUT_MS} ms: ${err}`)), START_TIMEOUT_MS);
        c.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = READY.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            ok(m[1]);
          }
        });
        c.once('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`the server exited (${code}) before it was ready: ${err}`));
        });
      });
    },
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
