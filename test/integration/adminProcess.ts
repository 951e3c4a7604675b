// Runs the admin CLI (`node server/index.ts user …`) as its own process, as IT would beside a running server.
import { spawn } from 'node:child_process';

const SERVER_CLI = new URL('../../server/index.ts', import.meta.url).pathname;

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `stdin` is written and closed (the password line); `env` is added to a copy of ours without RINGDESK_PASSWORD. */
export function admin(args: string[], dbPath: string, o: { stdin?: string; env?: Record<string, string> } = {}): Promise<AdminRun> {
  const env = { ...process.env, ...o.env };
  if (!o.env?.['RINGDESK_PASSWORD']) delete env['RINGDESK_PASSWORD'];
  const p = spawn(process.execPath, [SERVER_CLI, 'user', ...args, '--db', dbPath], { env });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  p.stdin.end(o.stdin ?? '');
  return new Promise((resolve, reject) => {
    p.once('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
