// The deadlines other than the invitation timeout (nodeKill.test.ts counts that one), after kill -9 of
// the node that owns the calls: the NotYetReceived check and a member's heartbeat grace are re-armed
// by the node that adopts the call from Postgres, and each fires exactly once. Counted in the pushes
// of members connected to the surviving nodes the whole time, so none can be missed in a reconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUserId, LIMITS } from '../../src/shared/protocol/index.ts';
import { once, until } from '../integration/harness.ts';
import { connectTo, preferNode, startTestCluster, statePushes, type ClusterClient, type TestCluster } from './clusterKit.ts';

/**
 * The grace (heartbeatTimeoutMs): long enough for the callers on node 1 to resume elsewhere first on a
 * busy machine (they reconnect at once, with up to 0.5 s of backoff), short enough to wait for.
 */
const GRACE_MS = 12_000;
let cluster: TestCluster;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  // ben never signs in: his invitation stays Inviting until the NotYetReceived check.
  cluster = await startTestCluster({ users: ['ann', 'ben', 'dan', 'cat', 'eve', 'fay'], config: { heartbeatTimeoutMs: GRACE_MS, cluster: { nodeTtlMs: 3000, leaseMs: 3000 } } });
}, 400_000);
afterAll(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await cluster?.close();
});

const prefer = (n: number): (() => string) => preferNode(() => cluster, n);

describe('deadlines of a dead node\'s calls', () => {
  it('kill -9 of the owner: the adopting node fires a pending NotYetReceived check and a running grace, each exactly once', async () => {
    const ann = await connectTo(prefer(1), 'ann');
    const dan = await connectTo(prefer(3), 'dan');
    const cat = await connectTo(prefer(1), 'cat');
    const eve = await connectTo(prefer(2), 'eve');
    const fay = await connectTo(prefer(3), 'fay');
    clients.push(ann, dan, cat, eve, fay);

    // The grace: cat (node 1) calls eve and fay in advanced mode (a lost member quits, the call goes on),
    // both accept; then eve's device goes away (not a sign-out), so her grace runs on node 1.
    const eveRinging = once(eve.calls, 'callInvitationReceived');
    const fayRinging = once(fay.calls, 'callInvitationReceived');
    const { call: talk } = await cat.calls.callInvite([eve.userId, fay.userId], { mode: 'advanced', timeout: 60 });
    await Promise.all([eveRinging, fayRinging]);
    await eve.calls.callAccept(talk.callID);
    await fay.calls.callAccept(talk.callID);
    eve.sig.close();

    // The check: ann (node 1) calls ben, who is offline, and dan, who rings; ben is Inviting until the check.
    const danRinging = once(dan.calls, 'callInvitationReceived');
    const { call: ring } = await ann.calls.callInvite([asUserId('ben'), dan.userId], { timeout: 60 });
    await danRinging;
    const n1 = cluster.nodes[0];
    if (!n1) throw new Error('no node 1');
    await n1.stop('SIGKILL');
    // Node 1 died before the check was due: whoever sends it is the node that adopted the call.
    expect(Date.now(), 'node 1 outlived the NotYetReceived check: the test proves nothing').toBeLessThan(ring.createdAt + LIMITS.notReceivedCheckMs);

    await until(async () => (await cluster.store.getCall(ring.callID))?.members.find((m) => m.userId === 'ben')?.state === 'notYetReceived', 60_000, 'ben NotYetReceived').catch((e: unknown) => {
      throw new Error(`${String(e)}\n${cluster.problems()}`);
    });
    await until(async () => (await cluster.store.getCall(talk.callID))?.members.find((m) => m.userId === 'eve')?.state === 'quit', GRACE_MS + 60_000, 'eve lost after her grace').catch((e: unknown) => {
      throw new Error(`${String(e)}\n${cluster.problems()}`);
    });
    // One grace more, then a round trip: a second firing of either deadline would have arrived by now.
    await new Promise((r) => setTimeout(r, GRACE_MS));
    for (const c of [dan, fay]) await c.sig.request('heartbeat', {});

    expect(statePushes(dan, ring.callID, asUserId('ben'), 'notYetReceived')).toBe(1);
    expect(statePushes(fay, talk.callID, eve.userId, 'quit')).toBe(1);
    expect(cluster.nodes.slice(1).every((n) => n.up)).toBe(true);
    expect(cluster.nodes.slice(1).some((n) => /"msg":"adopted"/.test(n.log())), cluster.problems()).toBe(true);
  }, 300_000);
});
