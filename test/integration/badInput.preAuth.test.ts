// Bad input before sign-in: every refusal is answered with a stable code, closes when the protocol says so,
// leaves no session or call behind, and the server goes on serving everyone else.
import { afterEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import type { ServerClock } from '../../server/app.ts';
import type { ServerConfigInput } from '../../server/config.ts';
import { PASSWORD, sleep, startTestServer, until, type TestServer } from './harness.ts';
import { cleanupSockets, errorOf, expectNoCalls, expectServerHealthy, RawClient } from './badInput.raw.ts';
import { TestClock } from './testClock.ts';

const alice = asUserId('alice');
const BAD_CREDENTIALS = { code: 'auth_failed', message: 'wrong user or password' };
const TOKEN_INVALID = { code: 'token_invalid', message: 'session expired or not valid for this device; sign in again' };

let srv: TestServer | undefined;
async function start(overrides: ServerConfigInput = {}, clock?: ServerClock): Promise<TestServer> {
  srv = await startTestServer(['alice', 'bob', 'carol'], overrides, clock);
  return srv;
}
afterEach(async () => {
  cleanupSockets();
  await srv?.close();
  srv = undefined;
});

/** Nobody is signed in and the server holds no connection for the bad socket. */
function expectNoSessions(t: TestServer): void {
  expect(t.server.services.sessions.onlineUsers()).toEqual([]);
  expect(t.server.services.sessions.connectionCount).toBe(0);
}

describe('before sign-in, garbage is answered and the socket closed with a reason', () => {
  it('malformed JSON: malformed_json with id null, then close 4400 "frame is not valid JSON"', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    c.sendText('{"id":1,"type":"login",');
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'malformed_json', message: 'frame is not valid JSON' } });
    expect(await c.closeWithin()).toEqual({ code: 4400, reason: 'frame is not valid JSON' });
    expect(c.unread).toEqual([]);
    expectNoSessions(t);
    await expectServerHealthy(t, 'alice', 'bob');
  });

  it.each([
    ['an array', '[1,2,3]', null, /^frame: \(root\): .*array/],
    ['a number', '42', null, /^frame: \(root\): .*number/],
    ['a string', '"login"', null, /^frame: \(root\): .*string/],
    ['null', 'null', null, /^frame: \(root\): .*null/],
    ['an object without id', '{"type":"login","data":{}}', null, /^frame: id: /],
    ['an object with a negative id', '{"id":-1,"type":"login","data":{}}', null, /^frame: id: /],
    ['an object with an id but no type (id echoed)', '{"id":5,"data":{}}', 5, /^frame: type: /],
  ])('valid JSON that is not a request frame (%s): bad_request, then close 4400', async (_what, text, id, message) => {
    const t = await start();
    const c = await RawClient.open(t.url);
    c.sendText(text);
    const r = await c.response(id);
    expect(errorOf(r)?.code).toBe('bad_request');
    expect(errorOf(r)?.message).toMatch(message);
    const closed = await c.closeWithin();
    expect(closed.code).toBe(4400);
    expect(closed.reason).toBe(errorOf(r)?.message.slice(0, 120));
    expectNoSessions(t);
  });

  it('a login whose data fails the schema: bad_request naming the field, same id, close 4400, nobody signed in', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    const id = c.send('login', { userId: 'Alice Smith', password: PASSWORD, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 }, 'login-1');
    const r = await c.response(id);
    expect(r.id).toBe('login-1');
    expect(errorOf(r)).toEqual({ code: 'bad_request', message: 'login: userId: user ids are 1-64 chars: lower-case letters, digits, . _ -' });
    expect(await c.closeWithin()).toEqual({ code: 4400, reason: 'login: userId: user ids are 1-64 chars: lower-case letters, digits, . _ -' });
    expectNoSessions(t);
  });

  it('a heartbeat before sign-in: unauthenticated with its id, then close 4401 "sign in first"', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    c.send('heartbeat', {}, 7);
    expect(await c.response(7)).toEqual({ id: 7, error: { code: 'unauthenticated', message: 'sign in first' } });
    expect(await c.closeWithin()).toEqual({ code: 4401, reason: 'sign in first' });
    expectNoSessions(t);
  });

  it('a well-formed callInvite before sign-in is refused as unauthenticated and creates no call', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    c.send('callInvite', { invitees: ['bob'] }, 'inv');
    expect(await c.response('inv')).toEqual({ id: 'inv', error: { code: 'unauthenticated', message: 'sign in first' } });
    expect((await c.closeWithin()).code).toBe(4401);
    await expectNoCalls(t, 'bob');
    expectNoSessions(t);
  });

  it('a binary frame, even one holding a valid login: bad_request with id null, close 4400, nobody signed in', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    const login = { id: 1, type: 'login', data: { userId: 'alice', password: PASSWORD, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 } };
    c.ws.send(Buffer.from(JSON.stringify(login)), { binary: true });
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'bad_request', message: 'binary frames are not accepted' } });
    expect(await c.closeWithin()).toEqual({ code: 4400, reason: 'binary frames are not accepted' });
    expectNoSessions(t);
  });

  it('a frame over maxFrameBytes before sign-in: frame_too_large with id null, close 4400', async () => {
    const t = await start({ maxFrameBytes: 2048 });
    const c = await RawClient.open(t.url);
    c.send('login', { userId: 'alice', password: 'x'.repeat(3000), deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 });
    expect(await c.response(null)).toEqual({ id: null, error: { code: 'frame_too_large', message: 'frames are limited to 2048 bytes' } });
    expect(await c.closeWithin()).toEqual({ code: 4400, reason: 'frames are limited to 2048 bytes' });
    expectNoSessions(t);
  });
});

describe('the sign-in deadline', () => {
  it('a socket that sends nothing is closed 4401 "authentication timeout" once authTimeoutMs has passed, not before', async () => {
    // The server's clock is stopped, so only advance() moves it: a busy machine cannot make the deadline
    // fire early or late relative to the test's steps.
    const clock = new TestClock().stop();
    const t = await start({ authTimeoutMs: 300 }, clock);
    const c = await RawClient.open(t.url); // 'open' comes after the server's connection handler set the deadline
    clock.advance(299);
    await c.roundTrip(); // a close decided at 299 ms would have reached us before the pong
    expect(c.closedWith).toBeNull();
    clock.advance(1);
    expect(await c.closeWithin()).toEqual({ code: 4401, reason: 'authentication timeout' });
    expect(c.unread).toEqual([]);
    expectNoSessions(t);
    // Still stopped: with a running clock the health check's own sign-ins would race the 300 ms deadline.
    await expectServerHealthy(t, 'alice', 'bob');
  });

  it('with real timers too: the close comes no sooner than authTimeoutMs after the socket was opened', async () => {
    // Only a lower bound: the deadline starts after `opened` and a timer never fires early, whatever the
    // load. How much later it comes depends on the machine, so the only upper bound is the wait itself.
    const t = await start({ authTimeoutMs: 300 });
    const opened = Date.now();
    const c = await RawClient.open(t.url);
    expect(await c.closeWithin()).toEqual({ code: 4401, reason: 'authentication timeout' });
    expect(Date.now() - opened).toBeGreaterThanOrEqual(300 - 5); // 5 ms: the millisecond rounding of two clocks
  });

  it('a socket that signs in before the deadline is not closed by it', async () => {
    const clock = new TestClock().stop();
    const t = await start({ authTimeoutMs: 300 }, clock);
    const c = await RawClient.open(t.url);
    const idle = await RawClient.open(t.url); // the control: same deadline, never signs in
    expect(await c.login('alice')).toMatchObject({ result: { userId: 'alice' } });
    clock.advance(450); // both deadlines are past
    expect(await idle.closeWithin()).toEqual({ code: 4401, reason: 'authentication timeout' }); // so the deadline did fire
    expect(await c.request('heartbeat', {})).toMatchObject({ result: { serverTime: expect.any(Number) } });
    expect(c.open).toBe(true);
  });

  it('a client that hangs up while its login is still being checked leaves no session behind', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    c.send('login', { userId: 'alice', password: PASSWORD, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 });
    c.ws.terminate();
    await c.closed;
    await sleep(400); // usually past the scrypt check the server is still running; on a busy machine, see below
    expectNoSessions(t);
    await expectServerHealthy(t, 'bob', 'alice');
    // Seconds later, whatever the load: the hung-up device never became a session.
    expect(t.server.services.sessions.devices(alice).map((d) => d.deviceId)).not.toContain('d1');
  });
});

describe('sign-in refusals', () => {
  it('a wrong password: auth_failed, the socket stays open and a right password then signs in', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    expect(await c.login('alice', 'd1', 'wrong-password')).toEqual({ id: 1, error: BAD_CREDENTIALS });
    expect(c.open).toBe(true);
    expect(t.server.services.sessions.isOnline(alice)).toBe(false);
    expect(await c.login('alice', 'd1')).toMatchObject({ id: 2, result: { userId: 'alice', deviceId: 'd1' } });
    expect(t.server.services.sessions.isOnline(alice)).toBe(true);
  });

  it('an unknown user gets exactly the wrong-password answer (no user enumeration)', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    const unknown = await c.login('mallory', 'd1');
    const wrong = await c.login('alice', 'd1', 'wrong-password');
    expect(errorOf(unknown)).toEqual(BAD_CREDENTIALS);
    expect(errorOf(wrong)).toEqual(errorOf(unknown));
    expect(c.open).toBe(true);
    expectNoSessions(t);
  });

  it('five failed sign-ins: each answered auth_failed, the fifth closes 4401 "too many failed sign-ins"', async () => {
    // The per-connection limit alone: the per-address backoff (throttle.test.ts) would hold back the health check from 127.0.0.1.
    const t = await start({ authThrottle: { freeFailures: 100 } });
    const c = await RawClient.open(t.url);
    for (let i = 1; i <= 4; i++) {
      expect(await c.login(i % 2 ? 'alice' : 'mallory', 'd1', `wrong-${i}`)).toEqual({ id: i, error: BAD_CREDENTIALS });
      expect(c.open).toBe(true);
    }
    expect(await c.login('alice', 'd1', 'wrong-5')).toEqual({ id: 5, error: BAD_CREDENTIALS });
    expect(await c.closeWithin()).toEqual({ code: 4401, reason: 'too many failed sign-ins' });
    expectNoSessions(t);
    await expectServerHealthy(t, 'alice', 'bob');
  });

  it('an unsupported protocolVersion: unsupported_version naming both versions, nobody signed in', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    const r = await c.login('alice', 'd1', PASSWORD, 2);
    expect(r).toEqual({ id: 1, error: { code: 'unsupported_version', message: 'server speaks protocol 1, client sent 2' } });
    expectNoSessions(t);
    // The refusal changed nothing: the same socket can still sign in with the version the server speaks.
    expect(await c.login('alice', 'd1')).toMatchObject({ id: 2, result: { userId: 'alice' } });
  });

  it('a disabled account with the right password: account_disabled, then close 4403 "account disabled"', async () => {
    const t = await start();
    expect(await t.server.services.users.setUserDisabled(alice, true)).toBe(true);
    const c = await RawClient.open(t.url);
    expect(await c.login('alice', 'd1')).toEqual({ id: 1, error: { code: 'account_disabled', message: 'this account is disabled; ask your administrator' } });
    expect(await c.closeWithin()).toEqual({ code: 4403, reason: 'account disabled' });
    expectNoSessions(t);
    await expectServerHealthy(t, 'bob', 'carol');
  });

  it('a saved session of an account disabled since: account_disabled (not token_invalid), then close 4403', async () => {
    const t = await start();
    const first = await RawClient.open(t.url);
    const r = await first.login('alice', 'd1');
    if (!('result' in r)) throw new Error(`login failed: ${JSON.stringify(r)}`);
    const token = (r.result as { token: string }).token; // login's result carries a token
    first.ws.close();
    await first.closed;
    await t.server.services.users.setUserDisabled(alice, true);
    const c = await RawClient.open(t.url);
    expect(await c.request('resume', { token, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 })).toEqual({ id: 1, error: { code: 'account_disabled', message: 'this account is disabled; ask your administrator' } });
    expect(await c.closeWithin()).toEqual({ code: 4403, reason: 'account disabled' });
    expectNoSessions(t);
  });

  it('a disabled account with a wrong password: plain auth_failed, so the password is needed to learn it is disabled', async () => {
    const t = await start();
    await t.server.services.users.setUserDisabled(alice, true);
    const c = await RawClient.open(t.url);
    expect(await c.login('alice', 'd1', 'wrong-password')).toEqual({ id: 1, error: BAD_CREDENTIALS });
    expect(c.open).toBe(true);
  });
});

describe('resume with a bad token', () => {
  /** A real token for alice on device d1, from a login on a socket that is then closed. */
  async function realToken(t: TestServer): Promise<string> {
    const c = await RawClient.open(t.url);
    const r = await c.login('alice', 'd1');
    if (!('result' in r)) throw new Error(`login failed: ${JSON.stringify(r)}`);
    c.ws.close();
    await c.closed;
    // Our side closing does not mean the server has handled it yet: wait for that, not for a guessed 20 ms.
    await until(() => t.server.services.sessions.connectionCount === 0, undefined, 'the server dropped the session');
    expectNoSessions(t);
    return (r.result as { token: string }).token; // login result shape checked by toMatchObject elsewhere
  }
  const flipLast = (s: string): string => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

  it.each<[string, (token: string) => string, string]>([
    ['a tampered signature', (tok) => flipLast(tok), 'd1'],
    ['claims rewritten to another user under the original signature', (tok) => `${b64({ u: 'bob', d: 'd1', iat: Date.now(), exp: Date.now() + 60_000 })}.${tok.split('.')[1] ?? ''}`, 'd1'],
    ['a forged token with a made-up signature', () => `${b64({ u: 'alice', d: 'd1', iat: Date.now(), exp: Date.now() + 60_000 })}.${'A'.repeat(43)}`, 'd1'],
    ['a token with an extra part', (tok) => `${tok}.x`, 'd1'],
    ['plain garbage', () => 'not-a-token', 'd1'],
    ['a valid token presented by another device', (tok) => tok, 'd2'],
  ])('%s: token_invalid, nobody signed in, the account still works', async (_what, mangle, device) => {
    const t = await start();
    const token = mangle(await realToken(t));
    const c = await RawClient.open(t.url);
    expect(await c.request('resume', { token, deviceId: device, deviceName: device, protocolVersion: 1 })).toEqual({ id: 1, error: TOKEN_INVALID });
    expectNoSessions(t);
    expect(await c.login('alice', 'd1')).toMatchObject({ id: 2, result: { userId: 'alice', deviceId: 'd1' } });
  });
});

describe('one sign-in at a time', () => {
  it('a second login while the first is being checked: bad_request for the second, the first signs in once', async () => {
    const t = await start();
    const c = await RawClient.open(t.url);
    const first = c.send('login', { userId: 'alice', password: PASSWORD, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 });
    const second = c.send('login', { userId: 'bob', password: PASSWORD, deviceId: 'd1', deviceName: 'd1', protocolVersion: 1 });
    expect(await c.response(second)).toEqual({ id: second, error: { code: 'bad_request', message: 'a sign-in is already in progress on this connection' } });
    expect(await c.response(first)).toMatchObject({ id: first, result: { userId: 'alice' } });
    expect(c.open).toBe(true);
    expect(t.server.services.sessions.onlineUsers()).toEqual([alice]);
    expect(t.server.services.sessions.connectionCount).toBe(1);
  });
});
