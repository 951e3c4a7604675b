import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asDeviceId, asUserId } from '../../shared/protocol/index.ts';
import { backoffDelay, busyDelay, DEFAULT_BACKOFF, drainDelay, MAX_DRAIN_WINDOW_MS, retryHint } from './backoff.ts';
import { SignalingClient, type WebSocketLike } from './SignalingClient.ts';

/** A scripted server on the other end of a fake socket. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: { id: number; type: string; data: Record<string, unknown> }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]); // our own client's frames
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  reply(id: number, body: object): void {
    this.onmessage?.({ data: JSON.stringify({ id, ...body }) });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const session = (token = 't1') => ({
  token,
  expiresAt: 9e12,
  userId: 'alice',
  displayName: 'Alice',
  deviceId: 'd1',
  dnd: { enabled: false, allowList: [] },
  serverTime: 1,
  heartbeatIntervalMs: 60_000,
});

let sockets: FakeSocket[];
/** The server's way of ending a session on purpose: a sessionClosed push, then the close. */
function push(s: FakeSocket, reason: string, code: number): void {
  s.onmessage?.({ data: JSON.stringify({ type: 'sessionClosed', data: { reason } }) });
  s.serverClose(code, 'closed by the server');
}
function client(opts: { token?: string; password?: string } = { password: 'pw' }) {
  return new SignalingClient({
    url: 'ws://x/ws',
    deviceId: asDeviceId('d1'),
    deviceName: 'test',
    credentials: { userId: asUserId('alice'), ...opts },
    webSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    requestTimeoutMs: 1000,
    backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
    random: () => 0,
  });
}
const flush = () => new Promise((r) => setImmediate(r));
const last = () => sockets.at(-1) as FakeSocket;

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
});
afterEach(() => vi.useRealTimers());

describe('backoff', () => {
  it('doubles up to the cap, and jitter only shortens', () => {
    const o = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };
    expect([0, 1, 2, 10].map((a) => backoffDelay(a, o, () => 0))).toEqual([500, 1000, 2000, 30_000]);
    expect(backoffDelay(1, o, () => 1)).toBe(500);
  });

  it('the default is full jitter: uniform over [minMs, base], so a thousand clients spread over the whole window', () => {
    expect(DEFAULT_BACKOFF).toMatchObject({ jitter: 1, minMs: 100 });
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.99999)).toBe(100); // the floor
    // A seeded generator (mulberry32) standing in for Math.random: the delays fill the window evenly.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const delays = Array.from({ length: 1000 }, () => backoffDelay(3, DEFAULT_BACKOFF, random));
    const quarters = [0, 1, 2, 3].map((q) => delays.filter((d) => d >= q * 1000 && d < (q + 1) * 1000 + (q === 3 ? 1 : 0)).length);
    for (const n of quarters) expect(n).toBeGreaterThan(200);
  });

  it('a 4503 close carries the retry hint; the wait is the hint plus up to the hint again', () => {
    expect(retryHint(4503, 'server busy; retry after 2500 ms')).toBe(2500);
    expect(retryHint(4503, 'server busy')).toBeNull();
    expect(retryHint(1006, 'retry after 2500 ms')).toBeNull();
    expect(busyDelay(2500, () => 0)).toBe(2500);
    expect(busyDelay(2500, () => 0.5)).toBe(3750);
    expect(busyDelay(2500, () => 0.99)).toBe(4975);
  });
});

describe('drainDelay (close 4307)', () => {
  it('is uniform over [0, the window in the reason]: full jitter, no floor, no growth', () => {
    const reason = 'server draining; reconnect elsewhere; retry after 1000 ms';
    expect([0, 0.25, 0.5, 0.999].map((r) => drainDelay(4307, reason, () => r))).toEqual([0, 250, 500, 999]);
    expect(drainDelay(4307, 'server draining; retry after 400 ms', () => 0.5)).toBe(200);
    expect(drainDelay(4307, 'server draining', () => 0.5)).toBe(500); // no hint: the 1 s default window
    expect(drainDelay(4307, 'retry after 9999999 ms', () => 1)).toBe(MAX_DRAIN_WINDOW_MS); // "at once" stays at once
    expect(retryHint(4307, 'server draining; retry after 1000 ms')).toBeNull(); // not a busy hint
  });
});

describe('SignalingClient', () => {
  it('logs in with a password when it has no token, then reports connected and the token', async () => {
    const c = client();
    const states: string[] = [];
    const tokens: (string | null)[] = [];
    c.on('state', (s) => states.push(s));
    c.on('token', (t) => tokens.push(t));
    c.connect();
    last().open();
    await flush();
    expect(last().sent[0]).toMatchObject({ type: 'login', data: { userId: 'alice', password: 'pw', deviceId: 'd1', protocolVersion: 1 } });
    last().reply(last().sent[0]?.id ?? -1, { result: session() });
    await flush();
    expect(states).toEqual(['connecting', 'connected']);
    expect(tokens).toEqual(['t1']);
  });

  it('a lost connection reconnects with backoff and resumes with the token; nudge() skips the wait', async () => {
    const c = client();
    const resumed: boolean[] = [];
    c.on('session', (_s, r) => resumed.push(r));
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session() });
    await flush();
    last().serverClose(1006);
    expect(c.state).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().open();
    await flush();
    expect(last().sent[0]).toMatchObject({ type: 'resume', data: { token: 't1' } });
    last().serverClose(1006); // fails again before auth: the second wait is longer
    await flush();
    c.nudge();
    expect(sockets).toHaveLength(3);
    last().open();
    await flush();
    last().reply(last().sent[0]?.id ?? -1, { result: session('t2') });
    await flush();
    expect(resumed).toEqual([false, true]);
  });

  it('requests time out, and pending ones fail with disconnected when the socket drops', async () => {
    const c = client();
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session() });
    await flush();
    const slow = c.request('heartbeat', {});
    vi.advanceTimersByTime(1000);
    await expect(slow).rejects.toMatchObject({ code: 'request_timeout' });
    const dropped = c.request('favoritesList', {});
    last().serverClose(1006);
    await expect(dropped).rejects.toMatchObject({ code: 'disconnected' });
    await expect(c.request('heartbeat', {})).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('a wrong password signs out for good instead of retrying', async () => {
    const c = client();
    c.connect();
    last().open();
    await flush();
    last().reply(1, { error: { code: 'auth_failed', message: 'wrong user or password' } });
    await flush();
    expect(c.state).toBe('signedOut');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('a rejected token falls back to the password', async () => {
    const c = client({ token: 'old', password: 'pw' });
    c.connect();
    last().open();
    await flush();
    last().reply(1, { error: { code: 'token_invalid', message: 'expired' } });
    await flush();
    expect(last().sent[1]).toMatchObject({ type: 'login' });
  });

  it('replaced by another sign-in on this device (4409): no reconnect loop', async () => {
    const c = client();
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session() });
    await flush();
    last().serverClose(4409, 'signed in again on this device');
    expect(c.state).toBe('signedOut');
  });

  it.each([
    ['close 4410 alone', (s: FakeSocket) => s.serverClose(4410, 'signed out: password changed'), 'session_revoked', 'signed out: password changed'],
    ['sessionClosed passwordChanged, then 4410', (s: FakeSocket) => push(s, 'passwordChanged', 4410), 'session_revoked', 'the password was changed; sign in again'],
    ['sessionClosed signedOutEverywhere, then 4410', (s: FakeSocket) => push(s, 'signedOutEverywhere', 4410), 'session_revoked', 'signed out on every device; sign in again'],
    ['sessionClosed accountDisabled, then 4403', (s: FakeSocket) => push(s, 'accountDisabled', 4403), 'account_disabled', 'this account was disabled'],
    ['close 4403 alone', (s: FakeSocket) => s.serverClose(4403, 'account disabled'), 'account_disabled', 'account disabled'],
  ] as const)('revoked by the server (%s): signed out for good with the reason, the saved token dropped, no reconnect', async (_name, end, code, reason) => {
    const c = client({ token: 't0', password: 'pw' });
    const states: [string, unknown][] = [];
    const tokens: (string | null)[] = [];
    c.on('state', (s, d) => states.push([s, d]));
    c.on('token', (t) => tokens.push(t));
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session('t1') });
    await flush();
    end(last());
    await flush();
    expect(c.state).toBe('signedOut');
    expect(states.at(-1)).toEqual(['signedOut', { code, reason }]);
    expect(tokens).toEqual(['t1', null]);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('replaced (4409) keeps the saved token: the connection that replaced this one is the same device', async () => {
    const c = client({ token: 't0' });
    const tokens: (string | null)[] = [];
    c.on('token', (t) => tokens.push(t));
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session('t1') });
    await flush();
    push(last(), 'replaced', 4409);
    await flush();
    expect(c.state).toBe('signedOut');
    expect(tokens).toEqual(['t1']);
  });

  it('turned away busy (4503, retry hint): waits the hint plus jitter, and nudge() does not cut the wait short', async () => {
    const c = new SignalingClient({
      url: 'ws://x/ws',
      deviceId: asDeviceId('d1'),
      deviceName: 'test',
      credentials: { userId: asUserId('alice'), password: 'pw' },
      webSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      backoff: { initialMs: 100, maxMs: 1000, jitter: 1 },
      random: () => 0.25,
    });
    const waits: number[] = [];
    c.on('state', (s, d) => s === 'reconnecting' && d.retryInMs !== undefined && waits.push(d.retryInMs));
    c.connect();
    last().open();
    last().serverClose(4503, 'server busy; retry after 2000 ms');
    expect(c.state).toBe('reconnecting');
    expect(waits).toEqual([2500]); // 2000 × (1 + 0.25)
    c.nudge();
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(2499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().serverClose(1006); // an ordinary drop afterwards: ordinary backoff again (the busy wait did not count), and nudge works
    expect(waits[1]).toBe(75); // 100 × 2^0 × (1 − 0.25)
    c.nudge();
    expect(sockets).toHaveLength(3);
    c.close();
  });

  it('drained (4307): reconnects at once with jitter, resumes, and backs off only if it reaches a draining node again', async () => {
    let r = 0.7;
    const c = new SignalingClient({
      url: 'ws://x/ws',
      deviceId: asDeviceId('d1'),
      deviceName: 'test',
      credentials: { userId: asUserId('alice'), password: 'pw' },
      webSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      // A long backoff, so a drained client visibly does not use it.
      backoff: { initialMs: 5000, maxMs: 30_000, jitter: 0 },
      random: () => r,
    });
    const waits: number[] = [];
    c.on('state', (s, d) => s === 'reconnecting' && d.retryInMs !== undefined && waits.push(d.retryInMs));
    const sessions: boolean[] = [];
    c.on('session', (_s, resumed) => sessions.push(resumed));
    c.connect();
    last().open();
    await flush();
    last().reply(1, { result: session() });
    await flush();
    last().serverClose(4307, 'server draining; reconnect elsewhere; retry after 1000 ms');
    expect(c.state).toBe('reconnecting');
    expect(waits).toEqual([700]); // 1000 × 0.7: inside the window, not the 5 s backoff
    vi.advanceTimersByTime(699);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    // The new node refuses too (the load balancer still sent it to a draining node): ordinary backoff now.
    last().serverClose(4307, 'server draining; reconnect elsewhere; retry after 1000 ms');
    expect(waits[1]).toBe(5000);
    vi.advanceTimersByTime(5000);
    expect(sockets).toHaveLength(3);
    last().open();
    await flush();
    expect(last().sent[0]).toMatchObject({ type: 'resume', data: { token: 't1' } });
    last().reply(last().sent[0]?.id ?? -1, { result: session('t2') });
    await flush();
    expect(sessions).toEqual([false, true]);
    // Signed in again: the next drain is "at once" again, with a fresh random draw.
    r = 0.1;
    last().serverClose(4307, 'server draining; reconnect elsewhere; retry after 1000 ms');
    expect(waits[2]).toBe(100);
    c.close();
  });

  it('garbage from the server is reported and ignored, and results are schema-checked', async () => {
    const c = client();
    const errors: string[] = [];
    c.on('protocolError', (e) => errors.push(e.code));
    c.connect();
    last().open();
    await flush();
    last().onmessage?.({ data: '{not json' });
    last().onmessage?.({ data: JSON.stringify({ type: 'noSuchPush', data: {} }) });
    last().reply(1, { result: { token: 42 } });
    await flush();
    expect(errors).toEqual(['malformed_json', 'unknown_type']);
    expect(c.state).not.toBe('connected');
  });
});
