// Bad input after sign-in: refused with a stable code and the request's id, the session goes on,
// nothing changes in calls or presence, and only the protocol's hard limits close the socket.
import { afterEach, describe, expect, it } from 'vitest';
import { asCallId, asUserId } from '../../src/shared/protocol/index.ts';
import type { ServerConfigInput } from '../../server/config.ts';
import { once, sleep, startTestServer, until, type TestServer } from './harness.ts';
import { cleanupSockets, client, errorOf, expectNoCalls, expectServerHealthy, RawClient, rawSession } from './badInput.raw.ts';

const alice = asUserId('alice');
const bob = asUserId('bob');

let srv: TestServer | undefined;
async function start(overrides: ServerConfigInput = {}): Promise<TestServer> {
  srv = await startTestServer(['alice', 'bob', 'carol', 'dave'], overrides);
  return srv;
}
afterEach(async () => {
  cleanupSockets();
  await srv?.close();
  srv = undefined;
});

/** The session is alive: a heartbeat on it is answered. */
async function expectUsable(c: RawClient): Promise<void> {
  const r = await c.request('heartbeat', {});
  expect(r).toEqual({ id: r.id, result: { serverTime: expect.any(Number) } });
  expect(c.open).toBe(true);
}

describe('garbage on a signed-in connection is answered, and the session goes on', () => {
  it('malformed JSON: malformed_json with id null, the socket stays open and a heartbeat still works', async () => {
    const t = await start();
    const c = await rawSession(t.url, 'alice');
    c.sendText('{"id":2,"type":"heartbeat"');
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'malformed_json', message: 'frame is not valid JSON' } });
    await expectUsable(c);
    expect(t.server.services.sessions.onlineUsers()).toEqual([alice]);
  });

  it('a binary frame: bad_request with id null, the socket stays open', async () => {
    const t = await start();
    const c = await rawSession(t.url, 'alice');
    c.ws.send(Buffer.from(JSON.stringify({ id: 9, type: 'heartbeat', data: {} })), { binary: true });
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'bad_request', message: 'binary frames are not accepted' } });
    await expectUsable(c);
  });

  it.each([
    ['timeout 0', { invitees: ['bob'], timeout: 0 }, /^callInvite: timeout: /],
    ['timeout over 600 s', { invitees: ['bob'], timeout: 601 }, /^callInvite: timeout: /],
    ['10 invitees', { invitees: Array.from({ length: 10 }, (_, i) => `u${i}`) }, /^callInvite: invitees: at most 9 invitees per request$/],
    ['a repeated invitee', { invitees: ['bob', 'carol', 'bob'] }, /^callInvite: invitees: invitees must not repeat$/],
    ['an invalid invitee id', { invitees: ['Bob!'] }, /^callInvite: invitees\.0: user ids are 1-64 chars/],
    ['extendedData of 4097 ASCII bytes', { invitees: ['bob'], extendedData: 'x'.repeat(4097) }, /^callInvite: extendedData: extendedData is limited to 4096 bytes$/],
    ['extendedData of 2049 two-byte chars (4098 bytes)', { invitees: ['bob'], extendedData: 'é'.repeat(2049) }, /^callInvite: extendedData: extendedData is limited to 4096 bytes$/],
    ['an unknown mode', { invitees: ['bob'], mode: 'conference' }, /^callInvite: mode: /],
    ['data that is not an object', 'bob', /^callInvite: \(root\): /],
  ])('callInvite with %s: bad_request naming the field, its id echoed, no call, nobody rings', async (_what, data, message) => {
    const t = await start();
    const b = await client(t.url, 'bob');
    const c = await rawSession(t.url, 'alice');
    const id = c.send('callInvite', data, 'invite-1');
    const r = await c.response(id);
    expect(r.id).toBe('invite-1');
    expect(errorOf(r)?.code).toBe('bad_request');
    expect(errorOf(r)?.message).toMatch(message);
    await expectUsable(c);
    await expectNoCalls(t, 'alice');
    expect(b.heard.filter((p) => p.startsWith('call'))).toEqual([]);
  });

  it('extendedData of exactly 4096 bytes is accepted (the limit is inclusive)', async () => {
    const t = await start();
    const c = await rawSession(t.url, 'alice');
    expect(await c.request('callInvite', { invitees: ['bob'], extendedData: 'é'.repeat(2048) })).toMatchObject({ result: { call: { inviter: 'alice' } } });
    expect(t.server.services.calls.activeCallCount).toBe(1);
  });

  it.each(['callTeleport', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'unknown type "%s": unknown_type with its id, the socket stays open',
    async (type) => {
      const t = await start();
      const c = await rawSession(t.url, 'alice');
      c.send(type, {}, 42);
      expect(await c.response(42)).toEqual({ id: 42, error: { code: 'unknown_type', message: `unknown request type "${type}"` } });
      await expectUsable(c);
    },
  );
});

describe('frame size limits', () => {
  it('a frame over maxFrameBytes (under 1 MiB): frame_too_large with id null, the connection stays usable', async () => {
    const t = await start({ maxFrameBytes: 2048 });
    const c = await rawSession(t.url, 'alice');
    c.send('callInvite', { invitees: ['bob'], extendedData: 'x'.repeat(3000) });
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'frame_too_large', message: 'frames are limited to 2048 bytes' } });
    await expectUsable(c);
    await expectNoCalls(t, 'alice');
    // A frame just under the cap still goes through.
    expect(await c.request('callInvite', { invitees: ['bob'], extendedData: 'x'.repeat(1900) })).toMatchObject({ result: { call: { inviter: 'alice' } } });
  });

  it('a frame over 1 MiB: ws closes the socket 1009, the user goes offline, the server keeps serving others', async () => {
    const t = await start();
    const watcher = await client(t.url, 'carol');
    const c = await rawSession(t.url, 'alice');
    c.send('callInvite', { invitees: ['bob'], extendedData: 'x'.repeat(1024 * 1024) });
    expect((await c.closeWithin()).code).toBe(1009);
    await until(() => !t.server.services.sessions.isOnline(alice), 1000, 'alice offline');
    expect(t.server.services.sessions.connectionCount).toBe(1); // carol only
    await expectNoCalls(t, 'alice');
    const { contacts } = await watcher.calls.listContacts();
    expect(contacts.find((u) => u.userId === 'alice')?.presence).toBe('offline');
    await expectServerHealthy(t, 'bob', 'dave');
  });
});

describe('requests that make no sense on this connection', () => {
  it('login again on a signed-in connection: already_authenticated, still the same single session', async () => {
    const t = await start();
    const c = await rawSession(t.url, 'alice', 'd1');
    expect(await c.login('bob', 'd9')).toEqual({ id: 2, error: { code: 'already_authenticated', message: 'this connection is already signed in' } });
    expect(await c.request('resume', { token: 'whatever', deviceId: 'd9', deviceName: 'd9', protocolVersion: 1 })).toEqual({
      id: 3,
      error: { code: 'already_authenticated', message: 'this connection is already signed in' },
    });
    expect(t.server.services.sessions.onlineUsers()).toEqual([alice]);
    expect(t.server.services.sessions.devices(alice).map((d) => d.deviceId)).toEqual(['d1']);
    await expectUsable(c);
  });

  it.each(['callAccept', 'callReject', 'callAck', 'callJoin', 'callQuit', 'callEnd', 'callCancel'])(
    '%s on a callID that does not exist: call_not_found naming it',
    async (type) => {
      const t = await start();
      const c = await rawSession(t.url, 'alice');
      c.send(type, { callID: 'no-such-call' }, 'x1');
      expect(await c.response('x1')).toEqual({ id: 'x1', error: { code: 'call_not_found', message: 'no call no-such-call' } });
      await expectUsable(c);
      await expectNoCalls(t, 'alice');
    },
  );

  it('a callID that is not an id at all: bad_request naming callID, nothing looked up', async () => {
    const t = await start();
    const c = await rawSession(t.url, 'alice');
    c.send('callAccept', { callID: '../calls/1' }, 'x2');
    expect(await c.response('x2')).toEqual({ id: 'x2', error: { code: 'bad_request', message: 'callAccept: callID: call ids are 1-64 chars: letters, digits, _ -' } });
    await expectUsable(c);
  });

  it.each([
    ['callAccept', 'not_a_member', {}],
    ['callReject', 'not_a_member', {}],
    ['callAck', 'not_a_member', {}],
    ['callJoin', 'not_a_member', {}],
    ['callQuit', 'not_a_member', {}],
    ['callEnd', 'not_a_member', {}],
    ['callingInvite', 'not_a_member', { invitees: ['dave'] }],
    ['callCancel', 'not_inviter', {}],
  ])('%s by a user outside the call: %s, the call and its members are unchanged', async (type, code, extra) => {
    const t = await start();
    const [a, b, d] = [await client(t.url, 'alice'), await client(t.url, 'bob'), await client(t.url, 'dave')];
    const rang = once(b.calls, 'callInvitationReceived');
    const { call } = await a.calls.callInvite([bob]);
    await rang;
    await sleep(50); // let bob's ack land so the stored call is settled
    const before = await t.server.services.store.getCall(asCallId(call.callID));
    // Call pushes only: carol signing in makes a presence push that may land at any time.
    const callPushes = (c: { heard: string[] }): number => c.heard.filter((p) => p !== 'presenceChanged').length;
    const heardBefore = [callPushes(a), callPushes(b)];

    const carol = await rawSession(t.url, 'carol');
    const r = await carol.request(type, { callID: call.callID, ...extra });
    expect(r.id).toBe(1 + 1); // login was 1
    expect(errorOf(r)?.code).toBe(code);
    expect(errorOf(r)?.message).toMatch(/^carol /);
    await sleep(50);
    expect(await t.server.services.store.getCall(asCallId(call.callID))).toEqual(before);
    expect(before?.members.map((m) => [m.userId, m.state])).toEqual([
      ['alice', 'accepted'],
      ['bob', 'received'],
    ]);
    expect([callPushes(a), callPushes(b)]).toEqual(heardBefore);
    expect(d.heard.filter((p) => p.startsWith('call'))).toEqual([]);
    await expectUsable(carol);
  });
});

describe('rate limit', () => {
  it('a burst past the bucket: the overflow is answered rate_limited with each id, and the connection recovers', async () => {
    const t = await start({ rateLimitPerSec: 5, rateLimitBurst: 3 });
    const c = await rawSession(t.url, 'alice'); // takes one token
    await sleep(650); // the bucket refills to its burst of 3
    const ids = Array.from({ length: 10 }, () => c.send('heartbeat', {}));
    const answers = await Promise.all(ids.map((id) => c.response(id)));
    expect(answers.map((r) => ('result' in r ? 'ok' : r.error.code))).toEqual([...Array<string>(3).fill('ok'), ...Array<string>(7).fill('rate_limited')]);
    expect(errorOf(answers[9] ?? answers[0]!)).toEqual({ code: 'rate_limited', message: 'too many requests; slow down' });
    expect(c.open).toBe(true);
    await sleep(250); // one token back at 5/s
    await expectUsable(c);
    expect(t.server.services.sessions.isOnline(alice)).toBe(true);
  });

  it('far past the limit: 200 refusals in a row, then close 4429 "rate limit exceeded"; the user goes offline, others are served', async () => {
    // A bucket of 10 at 1/s: enough for the health check's real clients, and nothing refills during the flood.
    const t = await start({ rateLimitPerSec: 1, rateLimitBurst: 10 });
    const c = await rawSession(t.url, 'alice'); // the login took one token: 9 left
    for (let i = 0; i < 260; i++) c.send('heartbeat', {});
    expect(await c.closeWithin()).toEqual({ code: 4429, reason: 'rate limit exceeded' });
    // Refusals are answered at once and successes after their handler, so compare by id, not arrival order.
    const byId = new Map<unknown, string>();
    for (const f of c.unread) if (f.kind === 'response') byId.set(f.frame.id, 'error' in f.frame ? f.frame.error.code : 'ok');
    expect(c.unread).toHaveLength(209);
    expect(Array.from({ length: 209 }, (_, i) => byId.get(i + 2))).toEqual([...Array<string>(9).fill('ok'), ...Array<string>(200).fill('rate_limited')]);
    await until(() => !t.server.services.sessions.isOnline(alice), 1000, 'alice offline');
    await expectServerHealthy(t, 'bob', 'carol');
  });
  it('garbage costs from the bucket too: a signed-in flood of malformed frames is refused and then closed 4429', async () => {
    const t = await start({ rateLimitPerSec: 1, rateLimitBurst: 5 });
    const c = await rawSession(t.url, 'alice'); // one token: 4 left
    for (let i = 0; i < 210; i++) c.sendText('{"id": 7, this is not json');
    expect(await c.closeWithin()).toEqual({ code: 4429, reason: 'rate limit exceeded' });
    const codes = c.unread.flatMap((f) => (f.kind === 'response' && 'error' in f.frame ? [f.frame.error.code] : []));
    expect(codes.filter((x) => x === 'malformed_json')).toHaveLength(4);
    expect(codes.filter((x) => x === 'rate_limited')).toHaveLength(200);
    await expectServerHealthy(t, 'bob', 'carol');
  });

  it('a refused frame still carries its id when the id comes first, so the client can fail that request at once', async () => {
    const t = await start({ rateLimitPerSec: 1, rateLimitBurst: 2 });
    const c = await rawSession(t.url, 'alice'); // one token: 1 left
    c.send('heartbeat', {}, 41);
    c.send('heartbeat', {}, 42);
    expect(errorOf(await c.response(42))).toEqual({ code: 'rate_limited', message: 'too many requests; slow down' });
  });
});

describe('one connection per user and device', () => {
  it('the same user and device signing in on a second socket: the first gets sessionClosed "replaced" and close 4409', async () => {
    const t = await start();
    const watcher = await client(t.url, 'bob');
    const first = await rawSession(t.url, 'alice', 'desk');
    // Alice's own presence push, not Bob's: on a busy machine Bob's flush and Alice's can land in separate batches.
    let aliceOnline = false;
    watcher.sig.on('push', (p) => {
      if (p.type === 'presenceChanged' && p.data.users.some((u) => u.userId === alice && u.presence === 'online')) aliceOnline = true;
    });
    await until(() => aliceOnline, 2000, 'bob sees alice online');
    const heard = watcher.heard.length;

    const second = await rawSession(t.url, 'alice', 'desk');
    expect(await first.push('sessionClosed')).toEqual({ type: 'sessionClosed', data: { reason: 'replaced' } });
    expect(await first.closeWithin()).toEqual({ code: 4409, reason: 'signed in again on this device' });

    await sleep(250); // past the presence flush: a spurious offline/online would have been pushed by now
    expect(t.server.services.sessions.devices(alice)).toHaveLength(1);
    expect(t.server.services.sessions.connectionCount).toBe(2);
    expect(watcher.heard.length).toBe(heard);
    expect((await watcher.calls.listContacts()).contacts.find((u) => u.userId === 'alice')?.presence).toBe('online');
    await expectUsable(second);
  });
});
