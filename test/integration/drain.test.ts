// Draining as an operator does it: the real server as a process (`node server/index.ts serve`, real
// mediasoup worker), SIGTERM, and what clients and the load balancer see: /readyz false, close 4307
// for newcomers and for the clients sent elsewhere, the call's room kept until the call ends (or the
// deadline), exit code 0, and the desktop signaling client back on the replacement by itself.
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES, asDeviceId, asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { CallingClient } from '../../src/main/call/CallingClient.ts';
import { SignalingClient, type WebSocketLike } from '../../src/main/signaling/SignalingClient.ts';
import { startServerProcess, type ServerProcess } from '../e2e/serverProcess.ts';
import { EVENT_WAIT_MS, once, PASSWORD, until, type TestClient } from './harness.ts';
import { joinAndSend, requireWorker, sfuPush } from './sfuKit.ts';

requireWorker();

interface Observed extends TestClient {
  /** Every close this client's sockets saw, in order. */
  closes: { code: number; reason: string }[];
  /** Every reconnect wait the client chose, with the reason it gave. */
  waits: { retryInMs: number; reason: string }[];
  /** Sessions resumed after a reconnect. */
  resumes: number;
}

const procs: ServerProcess[] = [];
const clients: Observed[] = [];
afterEach(async (ctx) => {
  // A rare failure should explain itself: what the server processes logged, and what each client saw.
  if (ctx.task.result?.state === 'fail') {
    for (const p of procs) console.error(`server process ${p.url} logged:\n${p.stderr.slice(-6000)}`);
    for (const c of clients) console.error(`${c.userId}: state ${c.sig.state}, closes ${JSON.stringify(c.closes)}, waits ${JSON.stringify(c.waits)}`);
  }
  for (const c of clients.splice(0)) c.sig.close();
  for (const p of procs.splice(0)) await p.close();
});

/** The desktop's own signaling client, on real WebSockets whose closes the test can read. */
async function desktop(url: string, user: string): Promise<Observed> {
  const closes: Observed['closes'] = [];
  const waits: Observed['waits'] = [];
  const sig = new SignalingClient({
    url,
    deviceId: asDeviceId(`${user}-d1`),
    deviceName: `${user}'s desktop`,
    credentials: { userId: asUserId(user), password: PASSWORD },
    requestTimeoutMs: EVENT_WAIT_MS,
    // A flat 2 s backoff: longer than the drain's 1 s window, so a wait inside the window can only be
    // the drain path; short enough that the clients refused during the drain are back soon after the
    // replacement is up (the app's default grows to 30 s).
    backoff: { initialMs: 2000, maxMs: 2000, jitter: 0 },
    webSocket: (u) => {
      const ws = new WebSocket(u);
      ws.addEventListener('close', (e) => closes.push({ code: e.code, reason: e.reason }));
      return ws as unknown as WebSocketLike; // Node's global WebSocket has the WebSocketLike shape
    },
  });
  sig.on('state', (s, d) => {
    if (s === 'reconnecting' && d.retryInMs !== undefined) waits.push({ retryInMs: d.retryInMs, reason: d.reason ?? '' });
  });
  const c: Observed = { sig, calls: new CallingClient(sig), userId: asUserId(user), heard: [], closes, waits, resumes: 0 };
  sig.on('session', (_s, resumed) => {
    if (resumed) c.resumes++;
  });
  clients.push(c);
  const ready = once(sig, 'session');
  sig.connect();
  await ready;
  return c;
}

/** alice calls bob, bob accepts; both join the room and send mic and camera into the real worker. */
async function callWithMedia(url: string): Promise<{ alice: Observed; bob: Observed; callID: CallId }> {
  const alice = await desktop(url, 'alice');
  const bob = await desktop(url, 'bob');
  const ringing = once(bob.calls, 'callInvitationReceived');
  const { call } = await alice.calls.callInvite([bob.userId], { mode: 'advanced' });
  await ringing;
  await bob.calls.callAccept(call.callID);
  await joinAndSend(alice, call.callID);
  await joinAndSend(bob, call.callID);
  return { alice, bob, callID: call.callID };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }; // our own listener's JSON
}

/** A brand-new WebSocket's fate: the close code and reason it got. */
function newcomer(url: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason }));
    ws.addEventListener('error', () => undefined); // the close that follows carries the answer
    setTimeout(() => reject(new Error('the newcomer was not closed')), EVENT_WAIT_MS);
  });
}

/** The drain lines of the server's JSON log (stderr). */
function drainLog(p: ServerProcess): Record<string, unknown>[] {
  return p.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>) // the server writes one JSON object a line
    .filter((l) => l['logger'] === 'Drain');
}

const gotClose = (c: Observed, code: number) => () => c.closes.some((x) => x.code === code);

describe('draining a single node (SIGTERM)', () => {
  // Two server starts, a call with media and a restart: more than the default bound on a saturated machine.
  it('with a deadline: not ready, newcomers and idle clients sent away with 4307, the call kept until it ends, exit 0, and clients back on the replacement', { timeout: 150_000 }, async () => {
    const proc = await startServerProcess(['alice', 'bob', 'carol'], { config: { drainTimeoutMs: 120_000 } });
    procs.push(proc);
    expect((await getJson(`${proc.metricsUrl}/readyz`)).status).toBe(200);
    const { alice, bob, callID } = await callWithMedia(proc.url);
    const carol = await desktop(proc.url, 'carol');
    expect((await getJson(`${proc.metricsUrl}/healthz`)).body).toMatchObject({ draining: false, media: { rooms: 1 } });

    proc.signal('SIGTERM');
    await until(async () => (await getJson(`${proc.metricsUrl}/readyz`)).status === 503, EVENT_WAIT_MS, 'readyz 503');
    expect((await getJson(`${proc.metricsUrl}/readyz`)).body).toMatchObject({ ready: false, checks: { draining: 'draining' } });
    const fresh = await newcomer(proc.url);
    expect(fresh.code).toBe(CLOSE_CODES.draining);
    expect(fresh.reason).toMatch(/^server draining; reconnect elsewhere; retry after \d+ ms$/);

    // carol takes part in no call: sent away, and her client comes back at once (within the 1 s window), not after its backoff.
    await until(gotClose(carol, CLOSE_CODES.draining), EVENT_WAIT_MS, 'carol gets 4307');
    await until(() => carol.waits.length > 0, EVENT_WAIT_MS, 'carol schedules a reconnect');
    expect(carol.waits[0]?.reason).toMatch(/server draining/);
    expect(carol.waits[0]?.retryInMs).toBeLessThanOrEqual(1000);

    // The call goes on: alice and bob keep their connection and the room its media.
    const health = (await getJson(`${proc.metricsUrl}/healthz`)).body;
    expect(health).toMatchObject({ draining: true, ready: false, media: { rooms: 1 } });
    await expect(alice.sig.request('sfuGetStats', { callID, id: (await alice.sig.request('sfuCreateTransport', { callID, direction: 'recv' })).transportId })).resolves.toBeDefined();
    expect(alice.closes).toEqual([]);
    expect(bob.closes).toEqual([]);
    expect(drainLog(proc)).toContainEqual(expect.objectContaining({ drain: 'released', kept: 2, rooms: 1 }));
    const metrics = await (await fetch(`${proc.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ringdesk_draining 1$/m);

    // The call ends: its room closes, its members are sent away too, and the process exits 0.
    await alice.calls.callEnd(callID);
    const exit = await proc.exited();
    expect(exit).toEqual({ code: 0, signal: null });
    await until(gotClose(alice, CLOSE_CODES.draining), EVENT_WAIT_MS, 'alice gets 4307');
    await until(gotClose(bob, CLOSE_CODES.draining), EVENT_WAIT_MS, 'bob gets 4307');
    expect(drainLog(proc)).toContainEqual(expect.objectContaining({ drain: 'stopped', end: 'callsEnded' }));

    // The replacement on the same port: every desktop client signs in again by itself.
    expect([carol, alice, bob].map((c) => c.resumes)).toEqual([0, 0, 0]);
    await proc.start();
    await until(() => [carol, alice, bob].every((c) => c.resumes === 1), EVENT_WAIT_MS, 'every client resumed on the replacement');
    expect(carol.sig.state).toBe('connected');
  });

  it('the deadline ends the drain with the call still up: its room closes with serverRestart, then 4307, exit 0', async () => {
    const proc = await startServerProcess(['alice', 'bob'], { config: { drainTimeoutMs: 1500 } });
    procs.push(proc);
    const { alice, bob } = await callWithMedia(proc.url);
    const closedA = sfuPush(alice, 'sfuRoomClosed', 30_000);
    const closedB = sfuPush(bob, 'sfuRoomClosed', 30_000);
    proc.signal('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
    expect((await closedA).reason).toBe('serverRestart');
    expect((await closedB).reason).toBe('serverRestart');
    await until(gotClose(alice, CLOSE_CODES.draining), EVENT_WAIT_MS, 'alice gets 4307');
    expect(drainLog(proc)).toContainEqual(expect.objectContaining({ drain: 'ending', end: 'deadline', rooms: 1 }));
  });

  it('unset drainTimeoutMs (the single-node restart path): rooms close with serverRestart at once, clients get 4307, exit 0', async () => {
    const proc = await startServerProcess(['alice', 'bob']);
    procs.push(proc);
    const { alice, bob } = await callWithMedia(proc.url);
    const closed = sfuPush(alice, 'sfuRoomClosed', 30_000);
    proc.signal('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
    expect((await closed).reason).toBe('serverRestart');
    await until(gotClose(alice, CLOSE_CODES.draining), EVENT_WAIT_MS, 'alice gets 4307');
    await until(gotClose(bob, CLOSE_CODES.draining), EVENT_WAIT_MS, 'bob gets 4307');
    expect(drainLog(proc)).toContainEqual(expect.objectContaining({ drain: 'stopped', end: 'immediate' }));
  });

  it('a second SIGTERM during the drain stops promptly, still cleanly: serverRestart, 4307, exit 0', async () => {
    const proc = await startServerProcess(['alice', 'bob'], { config: { drainTimeoutMs: 600_000 } });
    procs.push(proc);
    const { alice } = await callWithMedia(proc.url);
    const closed = sfuPush(alice, 'sfuRoomClosed', 30_000);
    proc.signal('SIGTERM');
    await until(() => drainLog(proc).some((l) => l['drain'] === 'released'), EVENT_WAIT_MS, 'the drain under way');
    proc.signal('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
    expect((await closed).reason).toBe('serverRestart');
    await until(gotClose(alice, CLOSE_CODES.draining), EVENT_WAIT_MS, 'alice gets 4307');
    expect(drainLog(proc)).toContainEqual(expect.objectContaining({ drain: 'stopped', end: 'interrupted' }));
  });
});
