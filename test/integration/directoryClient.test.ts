import { afterEach, expect, it } from 'vitest';
import { Connection } from '../../src/main/app/Connection.ts';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { connect, once, PASSWORD, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let srv: TestServer;
const conns: Connection[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

/** The desktop app's connection (signaling, calls, directory), as DesktopCore builds it. */
async function app(user: string): Promise<Connection> {
  const c = new Connection({
    serverUrl: srv.url,
    deviceId: asDeviceId(`${user}-app`),
    deviceName: `${user}'s app`,
    credentials: { userId: asUserId(user), password: PASSWORD },
    backoff: { initialMs: 50, maxMs: 200, jitter: 0 },
    requestTimeoutMs: 5000,
  });
  conns.push(c);
  const people = once(c.directory, 'people');
  await c.open(8000);
  await people;
  return c;
}

/** Users with a subscriber on the server (only the app subscribes in this test). */
const watchedOnServer = (): number => srv.server.services.presence.watchedUsers;

it('the app subscribes to favorites, recents and the visible results, and again after a reconnect', async () => {
  srv = await startTestServer(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
  const setup = await connect(srv.url, 'alice', 'alice-phone');
  clients.push(setup);
  await setup.sig.request('favoritesAdd', { userId: asUserId('bob') });
  const c1 = await setup.calls.callInvite([asUserId('carol')]);
  await setup.calls.callCancel(c1.call.callID);

  const a = await app('alice');
  expect(a.directory.people.favorites.map((u) => u.userId)).toEqual(['bob']);
  expect(a.directory.people.recents.map((u) => u.userId)).toEqual(['carol']);
  await until(() => a.directory.subscribed.size === 2, 4000, 'favorites and recents subscribed');

  // A search page is shown: its users are watched; a new search replaces them.
  await a.directory.search('dave');
  await until(() => a.directory.subscribed.has(asUserId('dave')), 4000, 'dave subscribed');
  await a.directory.search('erin');
  await until(() => a.directory.subscribed.has(asUserId('erin')) && !a.directory.subscribed.has(asUserId('dave')), 4000, 'erin replaces dave');

  // Presence of a favorite reaches the app's people list.
  const bobOnline = once(a.directory, 'people', (p) => p.favorites.some((u) => u.userId === 'bob' && u.presence === 'online'));
  const bob = await connect(srv.url, 'bob');
  clients.push(bob);
  await bobOnline;

  // Another device adds a favorite: it shows up here, and is watched.
  await setup.sig.request('favoritesAdd', { userId: asUserId('frank') });
  await until(() => a.directory.people.favorites.some((u) => u.userId === 'frank') && a.directory.subscribed.has(asUserId('frank')), 4000, 'frank favorite');

  // The connection drops: the server forgets its subscriptions; the new session subscribes again.
  const want = [...a.directory.subscribed].sort();
  expect(want).toEqual(['bob', 'carol', 'erin', 'frank']);
  const resumed = once(a.sig, 'session', (_s, r) => r);
  for (const d of srv.server.services.sessions.devices(asUserId('alice'))) if (d.deviceId === 'alice-app') d.close(1012, 'test restart');
  await resumed;
  await until(() => watchedOnServer() === 4, 4000, 'the server watches the same users again');
  await until(() => [...a.directory.subscribed].sort().join() === want.join(), 4000, 'client state matches');
  const carolOnline = once(a.directory, 'presence', (users) => users.some((u) => u.userId === 'carol' && u.presence === 'online'));
  const carol = await connect(srv.url, 'carol');
  clients.push(carol);
  await carolOnline;
});
