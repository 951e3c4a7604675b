// A real coturn (Debian's `coturn` package, scripts/setup-services.sh) started by the test on a temp
// dir and free ports, configured as the README tells IT to: TURN REST API shared secret.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports.ts';

export const TURNSERVER = process.env['TURNSERVER_PATH'] ?? '/usr/bin/turnserver';

export interface Coturn {
  /** turn:127.0.0.1:<port>?transport=udp */
  url: string;
  port: number;
  secret: string;
  /** Everything coturn logged so far (verbose: one line per allocation, with its username). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts coturn; resolves once its UDP listener is open. Relays only on loopback, to loopback peers
 * (the test's mediasoup worker listens on 127.0.0.1), with no TLS/DTLS listeners and no admin CLI.
 */
export async function startCoturn(secret: string, realm = 'ringdesk.test'): Promise<Coturn> {
  if (!existsSync(TURNSERVER)) throw new Error(`no turnserver at ${TURNSERVER}: "apt-get install coturn" (scripts/setup-services.sh does)`);
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-coturn-'));
  const port = await freePort({ udp: true }); // coturn listens on both
  // A relay range below Linux's ephemeral ports, at random so parallel runs rarely meet (coturn skips busy ones).
  const minPort = 20_000 + Math.floor(Math.random() * 90) * 100;
  const logFile = join(dir, 'turn.log');
  writeFileSync(logFile, '');
  const args = [
    '-n', // no turnserver.conf: everything is on this command line
    '--no-cli',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--no-tls',
    '--no-dtls',
    '--allow-loopback-peers',
    '--fingerprint',
    '--verbose',
    `--log-file=${logFile}`,
    '--simple-log',
    '--no-stdout-log',
    `--pidfile=${join(dir, 'turn.pid')}`,
    `--db=${join(dir, 'turndb')}`,
  ];
  const proc: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 15_000;
  while (!log().includes(`UDP listener opened on: 127.0.0.1:${port}`)) {
    if (proc.exitCode !== null || Date.now() > end) {
      const why = `coturn did not start (exit ${String(proc.exitCode)}): ${stderr.slice(-500)}\n${log().slice(-1500)}`;
      await stop();
      throw new Error(why);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, port, secret, log, stop };
}
