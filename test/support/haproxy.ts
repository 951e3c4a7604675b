// A real HAProxy in front of test cluster nodes: Debian's haproxy, the backend of
// docs/deployment-server.md ("In front: any node accepts any user"), a throwaway directory and a
// free port, started here and stopped by the caller. A node whose /readyz fails (draining) is taken
// out of rotation by the health check, as in production.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface HaproxyBackend {
  name: string;
  /** The node's signaling port (WebSocket at /ws). */
  port: number;
  /** The node's metrics listener port, where /readyz answers. */
  checkPort: number;
}

export interface TestHaproxy {
  /** ws://127.0.0.1:port/ws: what the apps are configured with. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The haproxy binary, or null when it is not installed (scripts/setup-services.sh installs it). */
export function haproxyBin(): string | null {
  for (const bin of ['haproxy', '/usr/sbin/haproxy']) {
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    if (r.status === 0) return bin;
  }
  return null;
}

/** The documented backend, with checks fast enough for a test (a production interval is seconds). */
function config(port: number, backends: HaproxyBackend[]): string {
  return [
    'global',
    '    maxconn 2000',
    'defaults',
    '    mode http',
    '    timeout connect 2s',
    '    timeout client 120s',
    '    timeout server 120s',
    '    timeout tunnel 120s',
    'frontend ringdesk_in',
    `    bind 127.0.0.1:${port}`,
    '    default_backend ringdesk',
    'backend ringdesk',
    '    balance leastconn',
    '    option httpchk GET /readyz',
    '    default-server inter 300ms fall 1 rise 2',
    ...backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} check port ${b.checkPort}`),
    '',
  ].join('\n');
}

export async function startTestHaproxy(backends: HaproxyBackend[]): Promise<TestHaproxy> {
  const bin = haproxyBin();
  if (!bin) throw new Error('haproxy is not installed (apt-get install haproxy); scripts/setup-services.sh installs it');
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-haproxy-'));
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, config(port, backends));
  const check = spawnSync(bin, ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy refused its config:\n${check.stdout}${check.stderr}`);
  let log = '';
  // -db: foreground, no daemon; the test owns the process.
  const proc: ChildProcess = spawn(bin, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (d: Buffer): void => {
    log = (log + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  // Ready once the frontend accepts a TCP connection.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited (${proc.exitCode}):\n${log}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`haproxy did not listen on ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
