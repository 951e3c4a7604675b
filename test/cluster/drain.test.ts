// Draining a cluster node (SIGTERM): it hands its call leases over at once, its clients reconnect
// to the other nodes, the calls go on there (each deadline fires exactly once, now on the adopting
// node), and the drained node exits 0. The media side (a room kept on the draining node) is in
// test/e2e/clusterMedia.e2e.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { EVENT_WAIT_MS, once, until } from '../integration/harness.ts';
import { connectTo, preferNode, startTestCluster, timeoutPushes, type ClusterClient, type TestCluster } from './clusterKit.ts';

/** Long enough that the drain and the reconnects finish before it, on a busy machine; the test waits for it. */
const TIMEOUT_SEC = 20;
let cluster: TestCluster;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({ users: ['ann', 'ben', 'cat', 'dan'], config: { heartbeatTimeoutMs: 60_000, cluster: { nodeTtlMs: 3000, leaseMs: 3000 } } });
}, 400_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await cluster?.close();
});

const prefer = (n: number): (() => string) => preferNode(() => cluster, n);

describe('draining a cluster node', () => {
  it('SIGTERM: leases handed over, clients told 4307 and back on other nodes, a ringing call times out exactly once elsewhere, an accepted call ends from the new node, exit 0', async () => {
    const ann = await connectTo(prefer(1), 'ann');
    const ben = await connectTo(prefer(2), 'ben');
    const cat = await connectTo(prefer(1), 'cat');
    const dan = await connectTo(prefer(3), 'dan');
    clients.push(ann, ben, cat, dan);
    // Both calls are created on node 1 (their callers are there), so node 1 holds both leases.
    const ringing = once(ben.calls, 'callInvitationReceived');
    const { call: rung } = await ann.calls.callInvite([ben.userId], { timeout: TIMEOUT_SEC });
    await ringing;
    const danRinging = once(dan.calls, 'callInvitationReceived');
    const { call: talking } = await cat.calls.callInvite([dan.userId], { timeout: 60 });
    await danRinging;
    await dan.calls.callAccept(talking.callID);

    const n1 = cluster.nodes[0];
    if (!n1) throw new Error('no node 1');
    // The draining close (4307) carries its reason and retry hint: the client schedules a reconnect within the 1 s window.
    const annClosed = once(ann.sig, 'state', (s, d) => s === 'reconnecting' && /server draining/.test(d.reason ?? '') && (d.retryInMs ?? Infinity) <= 1000, EVENT_WAIT_MS * 2);
    const annBack = once(ann.sig, 'session', (_s, resumed) => resumed, EVENT_WAIT_MS * 4);
    const catBack = once(cat.sig, 'session', (_s, resumed) => resumed, EVENT_WAIT_MS * 4);
    await n1.stop('SIGTERM');
    expect(n1.exitCode, n1.log().slice(-3000)).toBe(0);
    expect(n1.log()).toMatch(/handed over 2 call\(s\)/);
    await annClosed;
    await Promise.all([annBack, catBack]);

    // The accepted call goes on: cat (now on node 2 or 3) ends it and dan hears it.
    const ended = once(dan.calls, 'callInvitationEnded', (e) => e.callID === talking.callID);
    await cat.calls.callEnd(talking.callID);
    await ended;

    // The ringing call times out once, fired by the node that adopted it.
    await until(async () => (await cluster.store.getCall(rung.callID))?.callState === 'ended', (TIMEOUT_SEC + 30) * 1000, 'the ringing call timed out');
    for (const c of [ann, ben]) await c.sig.request('heartbeat', {}); // a round trip: pushes sent before it have arrived
    expect(timeoutPushes(ben, rung.callID as CallId, asUserId('ben'))).toBe(1);
    const adopters = cluster.nodes.slice(1).filter((n) => /"msg":"adopted"/.test(n.log()));
    expect(adopters.length, cluster.problems()).toBeGreaterThan(0);
    expect(cluster.nodes.slice(1).every((n) => n.up)).toBe(true);
  }, 300_000);
});
