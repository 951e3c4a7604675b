import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export const PASSWORD_FLAG_REFUSED =
  '--password is refused: a password on the command line is visible to every user of this machine (ps, /proc) and stays in shell history. ' +
  'Give it as one line on stdin (e.g. `printf "%s\\n" "$PW" | … user add erin`), or in RINGDESK_PASSWORD.';

/**
 * The password for `user add|passwd`: RINGDESK_PASSWORD, else the first line of stdin (typed
 * without echo when stdin is a terminal). Never a flag: see PASSWORD_FLAG_REFUSED.
 */
export async function readPassword(env: NodeJS.ProcessEnv, input: NodeJS.ReadStream & { isTTY?: boolean }, prompt: string): Promise<string | undefined> {
  const fromEnv = env['RINGDESK_PASSWORD'];
  if (fromEnv !== undefined) return fromEnv;
  const tty = input.isTTY === true;
  if (tty) process.stderr.write(prompt);
  // On a terminal, read through a sink so the typed password is not echoed.
  const output = tty ? new Writable({ write: (_c, _e, cb) => cb() }) : undefined;
  const rl = createInterface({ input, ...(output ? { output, terminal: true } : {}) });
  try {
    for await (const line of rl) return line.replace(/\r$/, '');
    return undefined;
  } finally {
    rl.close();
    if (tty) process.stderr.write('\n');
  }
}
