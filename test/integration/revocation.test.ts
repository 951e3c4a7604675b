// Revocation reaches live connections: `user disable|passwd|signout` run as separate processes beside a
// running server on the same SQLite file, and `signOutEverywhere` from a signed-in client.
import { afterEach, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { admin } from './adminProcess.ts';
import { RawClient, rawSession } from './badInput.raw.ts';
import { signedInDesktop } from './desktopKit.ts';
import { connect, once, PASSWORD, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let srv: TestServer;
const clients: TestClient[] = [];
const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  for (const f of cleanup.splice(0)) f();
  await srv.close();
});

async function app(user: string, device: string): Promise<TestClient> {
  const c = await connect(srv.url, user, device);
  clients.push(c);
  return c;
}

/** The latency IT cares about, printed (not asserted: the machine may be busy). */
function report(what: string, since: number): void {
  console.log(`${what}: closed ${Date.now() - since} ms after the admin command exited`);
}

it('user disable in another process: every live connection gets sessionClosed accountDisabled and close 4403; the app signs out saying why and drops its token', async () => {
  srv = await startTestServer(['alice', 'bob']);
  const raw = await rawSession(srv.url, 'alice', 'alice-raw');
  const desk = await app('alice', 'alice-desk');
  const bob = await app('bob', 'bob-desk');
  const signedOut = once(desk.sig, 'state', (s) => s === 'signedOut', 10_000);
  const dropped = once(desk.sig, 'token', (t) => t === null, 10_000);

  const r = await admin(['disable', 'alice'], srv.dbPath);
  const exited = Date.now();
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('disabled alice') });

  expect((await raw.push('sessionClosed', 10_000)).data).toEqual({ reason: 'accountDisabled' });
  expect(await raw.closeWithin(10_000)).toEqual({ code: 4403, reason: 'account disabled' });
  report('disable', exited);
  const [, detail] = await signedOut;
  expect(detail).toMatchObject({ code: 'account_disabled' });
  await dropped;
  await until(() => !srv.server.services.sessions.isOnline(asUserId('alice')), undefined, 'alice offline');
  // Nobody else is touched.
  expect(bob.sig.state).toBe('connected');
  await expect(bob.sig.request('heartbeat', {})).resolves.toBeTruthy();
});

it('user passwd (password on stdin) closes with 4410 "signed out: password changed"; the old token is dead and the new password works', async () => {
  srv = await startTestServer(['alice']);
  const raw = await RawClient.open(srv.url);
  const login = await raw.login('alice', 'alice-raw');
  const token = 'result' in login ? (login.result as { token: string }).token : '';
  const desk = await app('alice', 'alice-desk');
  const signedOut = once(desk.sig, 'state', (s) => s === 'signedOut', 10_000);

  const r = await admin(['passwd', 'alice'], srv.dbPath, { stdin: 'a-brand-new-password\n' });
  const exited = Date.now();
  expect(r).toMatchObject({ code: 0 });
  expect((await raw.push('sessionClosed', 10_000)).data).toEqual({ reason: 'passwordChanged' });
  expect(await raw.closeWithin(10_000)).toEqual({ code: 4410, reason: 'signed out: password changed' });
  report('passwd', exited);
  expect((await signedOut)[1]).toMatchObject({ code: 'session_revoked', reason: expect.stringContaining('password was changed') });

  const again = await RawClient.open(srv.url);
  expect(await again.request('resume', { token, deviceId: 'alice-raw', deviceName: 'x', protocolVersion: 1 })).toMatchObject({ error: { code: 'token_invalid' } });
  expect(await again.login('alice', 'alice-raw', PASSWORD)).toMatchObject({ error: { code: 'auth_failed' } });
  expect(await again.login('alice', 'alice-raw', 'a-brand-new-password')).toMatchObject({ result: { userId: 'alice' } });
});

it('user signout in another process closes every device with 4410 "signed out everywhere", and the account still works', async () => {
  srv = await startTestServer(['alice']);
  const [a, b] = [await rawSession(srv.url, 'alice', 'alice-1'), await rawSession(srv.url, 'alice', 'alice-2')];
  const r = await admin(['signout', 'alice'], srv.dbPath);
  const exited = Date.now();
  expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('signed alice out everywhere') });
  for (const c of [a, b]) {
    expect((await c.push('sessionClosed', 10_000)).data).toEqual({ reason: 'signedOutEverywhere' });
    expect(await c.closeWithin(10_000)).toEqual({ code: 4410, reason: 'signed out everywhere' });
  }
  report('signout', exited);
  await rawSession(srv.url, 'alice', 'alice-1');
  expect((await admin(['signout', 'nobody'], srv.dbPath)).code).toBe(1);
});

it('signOutEverywhere from one device: it gets {} then 4000; the others get 4410; every token stops working', async () => {
  srv = await startTestServer(['alice']);
  const laptop = await app('alice', 'alice-laptop');
  const phone = await app('alice', 'alice-phone');
  const phoneToken = phone.sig.session?.token; // taken before it is revoked
  const phoneOut = once(phone.sig, 'state', (s) => s === 'signedOut', 10_000);
  const laptopDropped = once(laptop.sig, 'token', (t) => t === null, 10_000);
  await laptop.sig.signOutEverywhere();
  await laptopDropped;
  expect(laptop.sig.state).toBe('closed');
  expect((await phoneOut)[1]).toMatchObject({ code: 'session_revoked', reason: expect.stringContaining('every device') });

  const raw = await RawClient.open(srv.url);
  expect(await raw.request('resume', { token: phoneToken, deviceId: 'alice-phone', deviceName: 'x', protocolVersion: 1 })).toMatchObject({ error: { code: 'token_invalid' } });
  await until(() => !srv.server.services.sessions.isOnline(asUserId('alice')), undefined, 'alice offline');
});

it('signOutEverywhere on a raw socket: the reply comes before the close, and the close is 4000', async () => {
  srv = await startTestServer(['alice']);
  const me = await rawSession(srv.url, 'alice', 'alice-1');
  const other = await rawSession(srv.url, 'alice', 'alice-2');
  expect(await me.request('signOutEverywhere', {})).toMatchObject({ result: {} });
  expect(await me.closeWithin(5000)).toEqual({ code: 4000, reason: 'logged out' });
  expect(await other.closeWithin(5000)).toEqual({ code: 4410, reason: 'signed out everywhere' });
});

it('the desktop app, when its password is changed by IT: signed out, the saved session deleted, and a notice that says why', async () => {
  srv = await startTestServer(['alice']);
  const { core, vault } = await signedInDesktop(srv.url, 'alice', 'alice-pc', cleanup);
  expect(vault.load()).toBeTruthy();
  const noticed = once(core, 'notice', (n) => n.code === 'sessionRevoked', 10_000);

  expect((await admin(['passwd', 'alice'], srv.dbPath, { stdin: 'a-brand-new-password\n' })).code).toBe(0);
  await noticed;
  expect(core.sessionInfo()).toBeNull();
  expect(core.snapshot().connection.state).toBe('signedOut');
  expect(vault.load()).toBeNull();
});

it('"Sign out everywhere" in the desktop app: the other desktop is signed out with a notice, both saved sessions are gone', async () => {
  srv = await startTestServer(['alice']);
  const desks = await Promise.all(
    ['alice-laptop', 'alice-desktop'].map((name) => signedInDesktop(srv.url, 'alice', name, cleanup)),
  );
  const [laptop, desktop] = desks as [(typeof desks)[number], (typeof desks)[number]];
  const noticed = once(desktop.core, 'notice', (n) => n.code === 'sessionRevoked', 10_000);
  await laptop.core.signOutEverywhere();
  expect(laptop.core.sessionInfo()).toBeNull();
  expect(laptop.vault.load()).toBeNull();
  await noticed;
  expect(desktop.core.sessionInfo()).toBeNull();
  expect(desktop.vault.load()).toBeNull();
  await expect(laptop.core.signOutEverywhere()).rejects.toMatchObject({ code: 'not_signed_in' });
});
