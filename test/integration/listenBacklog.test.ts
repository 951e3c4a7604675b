// The server's TCP accept queue is the configured listenBacklog, not Node's 511: a reconnect storm's
// SYNs would otherwise overflow it and wait for the kernel's retransmits (1, 3, 7 s).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

/** `ss` shows a listening socket's backlog as its Send-Q. */
function backlogOf(port: number): number {
  const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const cols = out.split(/\s+/);
  return Number(cols[2]);
}
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe.skipIf(!hasSs)('listen backlog (ss, Linux)', () => {
  it('is listenBacklog as configured (the kernel caps it at somaxconn)', async () => {
    srv = await startTestServer([], { listenBacklog: 1234, sfu: { enabled: false } });
    expect(backlogOf(srv.server.port)).toBe(Math.min(1234, somaxconn));
  });

  it('defaults to 4096, not Node’s 511', async () => {
    srv = await startTestServer([], { sfu: { enabled: false } });
    expect(backlogOf(srv.server.port)).toBe(Math.min(4096, somaxconn));
  });
});
