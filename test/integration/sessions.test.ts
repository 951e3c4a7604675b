import { afterEach, expect, it } from 'vitest';
import { SignalingClient } from '../../src/main/signaling/SignalingClient.ts';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { once, PASSWORD, startTestServer, until, type TestServer } from './harness.ts';

let srv: TestServer;
const open: SignalingClient[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await srv.close();
});

function client(creds: { password?: string; token?: string }, device = 'd1'): SignalingClient {
  const c = new SignalingClient({
    url: srv.url,
    deviceId: asDeviceId(device),
    deviceName: device,
    credentials: { userId: asUserId('alice'), ...creds },
    backoff: { initialMs: 50, maxMs: 200, jitter: 0 },
  });
  open.push(c);
  return c;
}
async function signIn(c: SignalingClient): Promise<string> {
  const s = once(c, 'session');
  c.connect();
  return (await s)[0].token;
}
async function signedOutReason(c: SignalingClient): Promise<string | undefined> {
  const out = once(c, 'state', (st) => st === 'signedOut');
  c.connect();
  return (await out)[1].reason;
}

it('resume with a saved token; logout revokes it', async () => {
  srv = await startTestServer(['alice']);
  const first = client({ password: PASSWORD });
  const token = await signIn(first);
  first.close();
  const again = client({ token });
  expect((await signIn(again)).length).toBeGreaterThan(20);
  expect(await again.logout()).toBeNull(); // the server was told
  expect(again.state).toBe('closed');
  expect(await signedOutReason(client({ token }))).toMatch(/sign in again/);
});

it('logout while the server is out of reach forgets the token here and says the server was not told', async () => {
  srv = await startTestServer(['alice']);
  const token = await signIn(client({ password: PASSWORD }));
  const offline = client({ token });
  await signIn(offline);
  await srv.restart(async () => {
    await until(() => offline.state !== 'connected', undefined, 'the client to see the server gone');
    expect(await offline.logout()).toMatch(/^not connected/);
    expect(offline.state).toBe('closed');
  });
  // The server never heard of it: the token it holds still signs in (what the app's log warns of).
  expect((await signIn(client({ token }))).length).toBeGreaterThan(20);
});

it('a password change signs out every device; a token is bound to its device', async () => {
  srv = await startTestServer(['alice']);
  const token = await signIn(client({ password: PASSWORD }));
  expect(await signedOutReason(client({ token }, 'other-device'))).toMatch(/not valid for this device/);
  await new Promise((r) => setTimeout(r, 5));
  // Through the user cache, as every in-process user write goes (docs/architecture.md, "User cache").
  await srv.server.services.users.setPassword(asUserId('alice'), await hashPassword('a-new-password'));
  expect(await signedOutReason(client({ token }))).toMatch(/sign in again/);
});
