// The call scenarios across three nodes: caller A on node 1, B's two devices on nodes 2 and 3. Every
// request about a call that reaches a node that does not own it is forwarded to its owner; every
// push to a device on another node crosses Redis. Real redis-server and postgres, nodes as processes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asUserId, type UserId } from '../../src/shared/protocol/index.ts';
import { once, until } from '../integration/harness.ts';
import { connectTo, startTestCluster, timeoutPushes, type ClusterClient, type TestCluster } from './clusterKit.ts';

const USERS = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4', 'c4', 'a5', 'b5', 'a6', 'b6', 'a7', 'b7', 'c7', 'a8', 'b8', 'c8', 'a9', 'b9'];
let cluster: TestCluster;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({ users: USERS });
}, 400_000);
afterAll(async () => {
  await cluster?.close();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.sig.close();
});

/** A client on node `n` (1-based). */
async function on(n: number, user: string, device?: string): Promise<ClusterClient> {
  const url = cluster.nodes[n - 1]?.url ?? '';
  const c = await connectTo(() => url, user, device);
  clients.push(c);
  return c;
}
const u = (id: string): UserId => asUserId(id);

describe('across three nodes', () => {
  it('invite rings both devices on two other nodes; accept on one tells the other "handled on another device"; end gives both a record', async () => {
    const a = await on(1, 'a1');
    const [laptop, phone] = [await on(2, 'b1', 'laptop'), await on(3, 'b1', 'phone')];
    const rings = Promise.all([once(laptop.calls, 'callInvitationReceived'), once(phone.calls, 'callInvitationReceived')]);
    const twoRinging = once(a.calls, 'callDeliveryChanged', (d) => d.users[0]?.delivery.ringingDevices === 2);
    const { call } = await a.calls.callInvite([u('b1')], { timeout: 60 });
    await rings;
    await twoRinging;
    const told = once(phone.calls, 'handledOnOtherDevice');
    const accepted = once(a.calls, 'callUserStateChanged', (d) => d.users.some((x) => x.userId === 'b1' && x.state === 'accepted'));
    await laptop.calls.callAccept(call.callID, 'ok');
    const [h] = await told;
    expect(h).toMatchObject({ callID: call.callID, deviceId: 'laptop', deviceName: "b1's laptop", action: 'accepted' });
    expect((await accepted)[0].users[0]?.extendedData).toBe('ok');
    const records = [once(a.calls, 'callRecord'), once(laptop.calls, 'callRecord'), once(phone.calls, 'callRecord')];
    await laptop.calls.callEnd(call.callID);
    const [ra, rl, rp] = (await Promise.all(records)).map(([r]) => r);
    expect(rl?.record).toEqual(ra?.record);
    expect(rp?.record).toEqual(ra?.record);
    const page = await laptop.sig.request('queryCallRecords', { count: 10, nextFlag: 0 });
    expect(page.records.map((r) => r.callID)).toEqual([call.callID]);
  });

  it('reject from node 3 ends the call for the caller on node 1', async () => {
    const a = await on(1, 'a2');
    const b = await on(3, 'b2');
    const rang = once(b.calls, 'callInvitationReceived');
    const { call } = await a.calls.callInvite([u('b2')]);
    await rang;
    const ended = once(a.calls, 'callInvitationEnded');
    await b.calls.callReject(call.callID, 'busy now');
    expect((await ended)[0].reason).toBe('allAnswered');
    expect(a.calls.view(call.callID)?.call.users[1]).toMatchObject({ state: 'rejected', reason: 'declined', extendedData: 'busy now' });
  });

  it('cancel and partial cancel: the cancelled invitee on node 2 stops ringing, the other on node 3 still rings', async () => {
    const a = await on(1, 'a4');
    const [b, c] = [await on(2, 'b4'), await on(3, 'c4')];
    const rang = Promise.all([once(b.calls, 'callInvitationReceived'), once(c.calls, 'callInvitationReceived')]);
    const acked = once(a.calls, 'callUserStateChanged', (d) => d.users.some((x) => x.userId === 'c4' && x.state === 'received'));
    const { call } = await a.calls.callInvite([u('b4'), u('c4')], { mode: 'advanced' });
    await rang;
    await acked;
    const bCancelled = once(b.calls, 'callInvitationCancelled');
    await a.calls.callCancel(call.callID, [u('b4')]);
    await bCancelled;
    expect(c.calls.view(call.callID)?.ringing).toBe(true);
    const cCancelled = once(c.calls, 'callInvitationCancelled');
    await a.calls.callCancel(call.callID);
    await cCancelled;
    expect(c.calls.view(call.callID)?.ringing).toBe(false);
  });

  it('timeout: fires once on the owner; the callee on node 2 hears its timeout and the caller gets the missed-call record', async () => {
    const a = await on(1, 'a3');
    const b = await on(2, 'b3');
    const rang = once(b.calls, 'callInvitationReceived');
    const timedOut = once(b.calls, 'callInvitationTimeout');
    const record = once(a.calls, 'callRecord');
    const { call } = await a.calls.callInvite([u('b3')], { timeout: 1 });
    await rang;
    await timedOut;
    const [r] = await record;
    expect(r.record.participants.map((p) => [p.userId, p.outcome])).toEqual([
      ['a3', 'noAnswer'],
      ['b3', 'missed'],
    ]);
    // Exactly once, on the callee's side and on the caller's (the call's one owner ran the timer).
    await b.sig.request('heartbeat', {});
    await a.sig.request('heartbeat', {});
    expect(timeoutPushes(b, call.callID, u('b3'))).toBe(1);
    expect(timeoutPushes(a, call.callID, u('b3'))).toBe(1);
    expect((await cluster.store.getCall(call.callID))?.callState).toBe('ended');
  });

  it('NotYetReceived for an offline invitee, who then signs in on node 3 and is rung there', async () => {
    const a = await on(1, 'a5');
    const nyr = once(a.calls, 'callUserStateChanged', (d) => d.users.some((x) => x.userId === 'b5' && x.state === 'notYetReceived'));
    const { call } = await a.calls.callInvite([u('b5')], { timeout: 60 });
    await nyr;
    const received = once(a.calls, 'callUserStateChanged', (d) => d.users.some((x) => x.userId === 'b5' && x.state === 'received'));
    const b = await on(3, 'b5');
    await until(() => b.calls.view(call.callID)?.ringing === true, undefined, 'b5 rung on node 3');
    await received;
    await b.calls.callAccept(call.callID);
    await a.calls.callEnd(call.callID);
  });

  it('advanced mode across nodes: callingInvite, callJoin from another device (another node), callQuit, callEnd', async () => {
    const a = await on(1, 'a7');
    const [b1, c] = [await on(2, 'b7', 'b7-one'), await on(3, 'c7')];
    const rang = once(b1.calls, 'callInvitationReceived');
    const { call } = await a.calls.callInvite([u('b7')], { mode: 'advanced' });
    await rang;
    await b1.calls.callAccept(call.callID);
    const cRang = once(c.calls, 'callInvitationReceived');
    await b1.calls.callingInvite(call.callID, [u('c7')]);
    await cRang;
    await c.calls.callAccept(call.callID);
    const b2 = await on(3, 'b7', 'b7-two');
    const moved = once(b1.calls, 'handledOnOtherDevice');
    await b2.calls.callJoin(call.callID);
    expect((await moved)[0]).toMatchObject({ deviceId: 'b7-two', action: 'joined' });
    const quitSeen = once(a.calls, 'callUserStateChanged', (d) => d.users.some((x) => x.userId === 'b7' && x.state === 'quit'));
    await b2.calls.callQuit(call.callID);
    await quitSeen;
    await b2.calls.callJoin(call.callID);
    const ends = [a, b2, c].map((x) => once(x.calls, 'callInvitationEnded'));
    await a.calls.callEnd(call.callID, 'done');
    await Promise.all(ends);
  });

  it('busy and DND are seen across nodes; presence of a user on node 2 reaches a subscriber on node 1', async () => {
    const [a, b, c] = [await on(1, 'a8'), await on(2, 'b8'), await on(3, 'c8')];
    await a.sig.request('presenceSubscribe', { userIds: [u('b8'), u('c8')] });
    const seen = once(a.calls, 'presenceChanged', (d) => d.users.some((x) => x.userId === 'b8' && x.dnd));
    await b.calls.setDNDStatus({ enabled: true, allowList: [] });
    await seen;
    const r = await a.calls.callInvite([u('b8')]);
    expect(r.call.users[1]).toMatchObject({ state: 'rejected', reason: 'dnd' });
    // c8 accepts a call from a8: both are busy, which b8's invite on node 2 learns from Postgres.
    const rang = once(c.calls, 'callInvitationReceived');
    const { call } = await a.calls.callInvite([u('c8')]);
    await rang;
    await c.calls.callAccept(call.callID);
    await b.calls.setDNDStatus({ enabled: false, allowList: [] });
    const busy = await b.calls.callInvite([u('c8')]);
    expect(busy.call.users[1]).toMatchObject({ state: 'rejected', reason: 'busy' });
    // A user who goes offline on node 3 is seen offline by the subscriber on node 1.
    await a.calls.callEnd(call.callID);
    const off = once(a.calls, 'presenceChanged', (d) => d.users.some((x) => x.userId === 'c8' && x.presence === 'offline'));
    c.sig.close();
    await off;
  });

  it('call-list paging across nodes: the list is the same on every node', async () => {
    const a = await on(1, 'a9');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { call } = await a.calls.callInvite([u('b9')], { timeout: 60 });
      ids.push(call.callID);
      await a.calls.callCancel(call.callID);
    }
    const b = await on(3, 'b9');
    const first = await b.sig.request('queryCallInvitationList', { count: 3, nextFlag: 0 });
    const second = await b.sig.request('queryCallInvitationList', { count: 3, nextFlag: first.nextFlag });
    expect([...first.calls, ...second.calls].map((c) => c.callID)).toEqual([...ids].reverse());
    expect(second.nextFlag).toBe(0);
  });
});
