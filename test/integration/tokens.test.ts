// Token rotation and the absolute lifetime against a real server with an injected clock, and the
// desktop core saving each rotated token in its vault.
import { afterEach, expect, it } from 'vitest';
import { asDeviceId, asUserId, type ResponseFrame } from '../../src/shared/protocol/index.ts';
import { RawClient } from './badInput.raw.ts';
import { signedInDesktop } from './desktopKit.ts';
import { startTestServer, until, type TestServer } from './harness.ts';

const DAY = 86_400_000;
let srv: TestServer;
const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) f();
  await srv.close();
});

const tokenOf = (r: ResponseFrame): string => {
  if (!('result' in r)) throw new Error(`no session: ${JSON.stringify(r)}`);
  return (r.result as { token: string }).token;
};
/** One resume on a fresh socket, closed afterwards (a device reconnecting). */
async function resume(token: string, device = 'alice-laptop'): Promise<ResponseFrame> {
  const c = await RawClient.open(srv.url);
  try {
    return await c.request('resume', { token, deviceId: device, deviceName: 'Laptop', protocolVersion: 1 });
  } finally {
    c.ws.close();
    await c.closed;
  }
}

it('each resume returns a new token; the one before works until the new one is used, then for the grace only', async () => {
  const clock = { t: Date.UTC(2027, 0, 4, 9) };
  srv = await startTestServer(['alice'], { tokenRotationGraceSec: 60 }, { now: () => clock.t });
  const c = await RawClient.open(srv.url);
  const t1 = tokenOf(await c.login('alice', 'alice-laptop'));
  c.ws.close();
  await c.closed;

  clock.t += 1000;
  const t2 = tokenOf(await resume(t1));
  expect(t2).not.toBe(t1);
  clock.t += 1000;
  // The reply carrying t2 was lost: t1 still works, because t2 was never used.
  const t2b = tokenOf(await resume(t1));
  clock.t += 1000;
  const t3 = tokenOf(await resume(t2b)); // now t1 is superseded
  clock.t += 59_000;
  expect(await resume(t1)).toMatchObject({ result: { userId: 'alice' } }); // inside the grace
  clock.t += 2_000;
  expect(await resume(t1)).toMatchObject({ error: { code: 'token_invalid' } });
  expect(await resume(t2)).toMatchObject({ error: { code: 'token_invalid' } });
  expect(await resume(t3)).toMatchObject({ result: { userId: 'alice' } });
});

it('renewing every 29 days slides expiresAt, but resume fails 90 days after the password sign-in', async () => {
  const clock = { t: Date.UTC(2027, 0, 4, 9) };
  srv = await startTestServer(['alice'], {}, { now: () => clock.t });
  const signIn = clock.t;
  const c = await RawClient.open(srv.url);
  let token = tokenOf(await c.login('alice', 'alice-laptop'));
  c.ws.close();
  await c.closed;
  for (const day of [29, 58, 87]) {
    clock.t = signIn + day * DAY;
    const r = await resume(token);
    token = tokenOf(r);
    expect('result' in r && (r.result as { expiresAt: number }).expiresAt).toBe(Math.min(clock.t + 30 * DAY, signIn + 90 * DAY));
  }
  clock.t = signIn + 90 * DAY;
  expect(await resume(token)).toMatchObject({ error: { code: 'token_invalid' } });
});

it('the desktop core saves the rotated token after every resume, and the one it replaced stops working', async () => {
  srv = await startTestServer(['alice'], { tokenRotationGraceSec: 0 });
  const { core, vault } = await signedInDesktop(srv.url, 'alice', 'alice-pc', cleanup);
  const first = vault.load();
  expect(first).toBeTruthy();

  // The server drops the connection (a restart, a network change): the core reconnects with resume.
  const kick = (): void => srv.server.services.sessions.device(asUserId('alice'), asDeviceId(core.deviceId))?.close(1012, 'test restart');
  kick();
  await until(() => vault.load() !== first && core.snapshot().connection.state === 'connected', 8000, 'resumed with a new saved token');
  const second = vault.load();
  kick();
  await until(() => vault.load() !== second && core.snapshot().connection.state === 'connected', 8000, 'resumed again');
  // `second` has now been used, so `first` (grace 0) no longer works; the saved one does.
  expect(await resume(first ?? '', core.deviceId)).toMatchObject({ error: { code: 'token_invalid' } });
  expect(vault.load()).not.toBe(second);
});
