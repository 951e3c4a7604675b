// /metrics and /readyz on their own listener: counters move by exactly what happened, readiness
// follows the store and the media workers, and the public listener never serves either.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { errorOf, RawClient, rawSession } from './badInput.raw.ts';
import { acceptedCall, join, joinAndSend, req } from './sfuKit.ts';
import { connect, once, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

const bob = asUserId('bob');
let t: TestServer | null = null;
const clients: TestClient[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  for (const r of raws.splice(0)) r.ws.terminate();
  await t?.close();
  t = null;
  vi.unstubAllEnvs();
});

/** Prometheus text format → `name{k="v",…}` (labels sorted) → value. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    out.set(labels.length ? `${m[1]}{${labels.join(',')}}` : (m[1] as string), Number(m[3]));
  }
  return out;
}

async function scrape(srv: TestServer): Promise<Map<string, number>> {
  const res = await fetch(`${srv.server.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseProm(await res.text());
}
const v = (m: Map<string, number>, key: string): number => m.get(key) ?? 0;
const delta = (a: Map<string, number>, b: Map<string, number>, key: string): number => v(b, key) - v(a, key);

async function client(user: string): Promise<TestClient> {
  if (!t) throw new Error('no server');
  const c = await connect(t.url, user);
  clients.push(c);
  return c;
}

describe('/metrics', () => {
  it('counts sign-ins, failures by reason, invitations by outcome and delivery latency exactly', async () => {
    t = await startTestServer(['alice', 'bob'], { sfu: { enabled: false } });
    const before = await scrape(t);
    expect(before.has('nodejs_eventloop_lag_p99_seconds')).toBe(true); // prom-client's default metrics are on
    expect(before.has('ringdesk_event_loop_delay_p99_seconds')).toBe(true);

    const raw = await RawClient.open(t.url);
    raws.push(raw);
    await until(() => t?.server.services.sessions.connectionCount === 0, 2000); // nothing signed in yet
    const pre = await scrape(t);
    expect(v(pre, 'ringdesk_connections{state="pre_auth"}')).toBe(1);
    expect(v(pre, 'ringdesk_connections{state="authenticated"}')).toBe(0);
    expect(errorOf(await raw.login('alice', 'alice-raw', 'wrong-password'))?.code).toBe('auth_failed');
    expect(errorOf(await raw.login('nobody', 'x-raw', 'wrong-password'))?.code).toBe('auth_failed');
    expect(errorOf(await raw.login('bob', 'bob-raw', 'whatever', 99))?.code).toBe('unsupported_version');

    const alice = await client('alice');
    const b = await client('bob');
    // Accepted, then ended; then a second invitation rejected.
    let rang = once(b.calls, 'callInvitationReceived');
    const first = await alice.calls.callInvite([bob]);
    await rang;
    await b.calls.callAccept(first.call.callID, '');
    await alice.calls.callEnd(first.call.callID);
    rang = once(b.calls, 'callInvitationReceived');
    const second = await alice.calls.callInvite([bob]);
    await rang;
    const ended = once(alice.calls, 'callInvitationEnded');
    await b.calls.callReject(second.call.callID, 'busy now');
    await ended;

    const after = await scrape(t);
    expect(delta(before, after, 'ringdesk_signins_total')).toBe(2);
    expect(delta(before, after, 'ringdesk_signin_failures_total{reason="auth_failed"}')).toBe(2);
    expect(delta(before, after, 'ringdesk_signin_failures_total{reason="unsupported_version"}')).toBe(1);
    expect(delta(before, after, 'ringdesk_invitations_total')).toBe(2);
    expect(delta(before, after, 'ringdesk_invitation_outcomes_total{outcome="accepted",reason=""}')).toBe(1);
    expect(delta(before, after, 'ringdesk_invitation_outcomes_total{outcome="rejected",reason="declined"}')).toBe(1);
    const outcomes = [...after].filter(([k]) => k.startsWith('ringdesk_invitation_outcomes_total')).reduce((n, [, x]) => n + x, 0);
    expect(outcomes).toBe(2);
    // Both invitations reached bob's open socket: two observations, each a real (positive) duration.
    expect(delta(before, after, 'ringdesk_invite_delivery_seconds_count')).toBe(2);
    expect(v(after, 'ringdesk_invite_delivery_seconds_sum')).toBeGreaterThan(0);
    expect(v(after, 'ringdesk_invite_delivery_seconds_bucket{le="+Inf"}')).toBe(2);
    // Every transition was stored (create, received, accept, end; create, received, reject), in group
    // commits: one observation per commit, so between 1 (all in one tick) and 7 (one per transition).
    const commits = delta(before, after, 'ringdesk_store_commit_seconds_count');
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(7);
    expect(v(after, 'ringdesk_connections{state="authenticated"}')).toBe(2);
    expect(v(after, 'ringdesk_connections{state="pre_auth"}')).toBe(1); // the raw socket, still signing in
    expect(delta(before, after, 'ringdesk_frames_in_total')).toBeGreaterThanOrEqual(3 + 2 + 6);
    expect(delta(before, after, 'ringdesk_frames_out_total')).toBeGreaterThan(delta(before, after, 'ringdesk_frames_in_total'));
    expect(v(after, 'ringdesk_sfu_workers_up')).toBe(0);
  });

  it('counts the connections admission control turns away, by reason, and shows the request lane', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false }, admission: { maxPendingSignIns: 1, minAdmitPerSec: 0 } }); // no trickle: every newcomer past the first is refused
    const before = await scrape(t);
    expect(before.has('ringdesk_request_lane_length')).toBe(true);
    expect(v(before, 'ringdesk_request_lane_wait_seconds')).toBe(0);
    const pending = await RawClient.open(t.url); // open and not signed in: the one pending sign-in allowed
    raws.push(pending);
    const refused: RawClient[] = [];
    for (let i = 0; i < 2; i++) refused.push(await RawClient.open(t.url));
    raws.push(...refused);
    for (const r of refused) expect((await r.closed).code).toBe(4503);
    const after = await scrape(t);
    expect(delta(before, after, 'ringdesk_connections_refused_total{reason="pending_sign_ins"}')).toBe(2);
    expect(v(after, 'ringdesk_connections_refused_total{reason="draining"}')).toBe(0);
    expect(pending.closedWith).toBeNull();
  });

  it('counts rate-limited frames exactly as the client was refused', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false }, rateLimitPerSec: 1, rateLimitBurst: 3 });
    const raw = await rawSession(t.url, 'alice');
    raws.push(raw);
    const before = await scrape(t);
    const ids = Array.from({ length: 10 }, () => raw.send('heartbeat', {}));
    let refused = 0;
    for (const id of ids) {
      const r = await raw.response(id, 5000);
      if (errorOf(r)?.code === 'rate_limited') refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(5); // 3 in the burst (the login took one), plus what one token a second refills on a slow machine
    const after = await scrape(t);
    expect(delta(before, after, 'ringdesk_frames_rate_limited_total')).toBe(refused);
    expect(delta(before, after, 'ringdesk_frames_in_total')).toBe(10);
  });

  it('reports each mediasoup worker: up, CPU, routers, transports, producers and consumers', async ({ skip }) => {
    t = await startTestServer(['alice', 'bob']);
    if (!t.server.services.sfu.available) skip('no mediasoup worker on this machine');
    const idle = await scrape(t);
    expect(v(idle, 'ringdesk_sfu_workers_up')).toBe(1);
    expect(v(idle, 'ringdesk_sfu_routers{worker="0"}')).toBe(0);
    expect(v(idle, 'ringdesk_sfu_worker_cpu_seconds_total{worker="0"}')).toBeGreaterThan(0);

    const srv = t;
    const { alice, bob: b, callID } = await acceptedCall(srv, 'normal');
    clients.push(alice, b);
    await until(() => srv.server.services.sfu.rooms.size === 1, 8000, 'the room');
    const { camera } = await joinAndSend(alice, callID);
    await join(b, callID);
    const { transportId } = await req(b, 'sfuCreateTransport', { callID, direction: 'recv' });
    await req(b, 'sfuConsume', { callID, producerId: camera });
    expect(transportId).toBeTruthy();
    const busy = await scrape(t);
    expect(v(busy, 'ringdesk_sfu_routers{worker="0"}')).toBe(1);
    expect(v(busy, 'ringdesk_sfu_transports{worker="0"}')).toBe(2);
    expect(v(busy, 'ringdesk_sfu_producers{worker="0"}')).toBe(2);
    expect(v(busy, 'ringdesk_sfu_consumers{worker="0"}')).toBe(1);
  });
});

describe('exposure and readiness', () => {
  it('the public listener answers 404 for /metrics and /readyz and 200 for /healthz', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    const base = t.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/readyz`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(t.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(t.server.metricsUrl ?? '').port).not.toBe(String(t.server.port));
    expect((await fetch(`${t.server.metricsUrl}/healthz`)).status).toBe(200);
  });

  it('/readyz is 200 with media turned off by config, and 503 with a reason when a plugged-in check fails', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    const r = await fetch(`${t.server.metricsUrl}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ready: true, checks: { shutdown: 'ok', draining: 'ok', storage: 'ok', store: 'ok', media: 'ok' } });
    let healthy = false;
    t.server.readiness.add({ name: 'plugged', check: () => (healthy ? null : 'disk is read-only') });
    const r2 = await fetch(`${t.server.metricsUrl}/readyz`);
    expect(r2.status).toBe(503);
    expect(await r2.json()).toMatchObject({ ready: false, checks: { plugged: 'disk is read-only', store: 'ok' } });
    healthy = true;
    expect((await fetch(`${t.server.metricsUrl}/readyz`)).status).toBe(200);
  });

  it('/readyz is 503 when media is required but no worker runs', async () => {
    vi.stubEnv('MEDIASOUP_WORKER_BIN', '/nonexistent/mediasoup-worker');
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // the expected "build the worker" help
    try {
      t = await startTestServer(['alice']);
    } finally {
      spy.mockRestore();
    }
    const r = await fetch(`${t.server.metricsUrl}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ready: false, checks: { shutdown: 'ok', draining: 'ok', storage: 'ok', store: 'ok', media: 'no mediasoup worker is running' } });
  });

  it('metrics.enabled false: no metrics listener at all', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false }, metrics: { enabled: false } });
    expect(t.server.metricsUrl).toBeNull();
  });
});

describe('metrics listener that cannot start', () => {
  it('fails the start with a message naming the address and the setting to change', async () => {
    t = await startTestServer(['alice'], { sfu: { enabled: false } });
    const taken = Number(new URL(t.server.metricsUrl ?? '').port);
    await expect(startTestServer(['alice'], { sfu: { enabled: false }, metrics: { port: taken } })).rejects.toThrow(
      new RegExp(`metrics listener on 127\\.0\\.0\\.1:${taken}: .*EADDRINUSE.*metrics\\.port`),
    );
  });
});
