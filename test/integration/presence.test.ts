import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { runUserCommand } from '../../server/cli/users.ts';
import { seedDemoAccounts } from '../../server/cli/demo.ts';
import { SqliteStore } from '../../server/store/sqliteStore.ts';
import { connect, once, PASSWORD, startTestServer, until, type TestClient, type TestServer } from './harness.ts';
import { TestClock } from './testClock.ts';

let srv: TestServer;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

it('presence: a subscriber sees a user come online and go offline, batched into one push', async () => {
  srv = await startTestServer(['alice', 'bob']);
  const alice = await connect(srv.url, 'alice');
  clients.push(alice);
  await alice.sig.request('presenceSubscribe', { userIds: [asUserId('bob')] });
  const online = once(alice.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === 'bob' && u.presence === 'online'));
  const bob = await connect(srv.url, 'bob');
  await online;
  const offline = once(alice.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === 'bob' && u.presence === 'offline'));
  bob.sig.close();
  await offline;
  const { users } = await alice.sig.request('directorySearch', { query: 'bob' });
  expect(users).toEqual([{ userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false }]);
});

it('a connection that goes silent is dropped after the heartbeat timeout, not before', async () => {
  // The sweep reads the server's clock: stopped, a slow sign-in on a busy machine cannot count as silence.
  const clock = new TestClock().stop();
  srv = await startTestServer(['alice'], { heartbeatTimeoutMs: 600 }, clock);
  const ws = new WebSocket(srv.url);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ id: 1, type: 'login', data: { userId: 'alice', password: PASSWORD, deviceId: 'raw', deviceName: 'raw', protocolVersion: 1 } }));
  await new Promise((r) => ws.once('message', r));
  expect(srv.server.services.sessions.isOnline(asUserId('alice'))).toBe(true);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  clock.advance(600); // exactly the timeout: not yet silent for longer than it
  const sweepsAt600 = new Promise((r) => setTimeout(r, 3 * 150)); // three sweeps at the 150 ms interval (600 / 4)
  expect(await Promise.race([closed.then(() => 'closed'), sweepsAt600.then(() => 'open')])).toBe('open');
  clock.advance(1);
  await closed; // never sends a heartbeat
  await until(() => !srv.server.services.sessions.isOnline(asUserId('alice')), undefined, 'alice offline');
});

it('admin CLI: add, list, disable, passwd; demo accounts only on an empty database', async () => {
  srv = await startTestServer([]);
  const store = new SqliteStore(`${srv.dbPath}.admin`);
  const lines: string[] = [];
  const run = (args: string[], password?: string) => runUserCommand(store, args, { password, name: undefined }, (l) => lines.push(l));
  expect(await seedDemoAccounts(store, (l) => lines.push(l))).toBe(true);
  expect(lines.filter((l) => /^ {2}\w+ \/ /.test(l))).toHaveLength(4);
  expect(await seedDemoAccounts(store, () => undefined)).toBe(false);
  await run(['add', 'erin'], 'long-enough-pw');
  await expect(run(['add', 'erin'], 'long-enough-pw')).rejects.toThrow(/already exists/);
  await expect(run(['add', 'frank'], 'short')).rejects.toThrow(/at least 8/);
  await expect(run(['add', 'Bad Name'], 'long-enough-pw')).rejects.toThrow(/user id/);
  await run(['disable', 'erin']);
  await expect(run(['disable', 'nobody'])).rejects.toThrow(/no user/);
  await expect(run(['frobnicate'])).rejects.toThrow(/unknown user command/);
  lines.length = 0;
  await run(['list']);
  expect(lines).toContain('erin\terin\tdisabled');
  expect(lines).toHaveLength(5);
  await store.close();
});
