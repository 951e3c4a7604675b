import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { connect, once, sleep, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

const bob = asUserId('bob');
const carol = asUserId('carol');
const dave = asUserId('dave');

let srv: TestServer;
const clients: TestClient[] = [];
async function client(user: string, device?: string): Promise<TestClient> {
  const c = await connect(srv.url, user, device);
  clients.push(c);
  return c;
}

// The harness's heartbeat timeout: a short one would let the sweep drop a client whose heartbeat is merely late
// on a busy machine. The grace tests start their own server with the grace they need.
beforeEach(async () => {
  srv = await startTestServer(['alice', 'bob', 'carol', 'dave']);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

describe('one invitee', () => {
  it('invite → received → accept: both sides see it, the call stays up until callEnd, a record follows', async () => {
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    const received = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'received'));
    const { call } = await alice.calls.callInvite([bob], { timeout: 30, extendedData: '{"video":true}' });
    expect(call.users.map((u) => u.state)).toEqual(['accepted', 'inviting']);
    const [inv] = await rang;
    expect(inv.call).toMatchObject({ callID: call.callID, inviter: 'alice', extendedData: '{"video":true}' });
    await received;
    expect(b.calls.view(call.callID)?.ringing).toBe(true);

    const accepted = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'accepted'));
    await b.calls.callAccept(call.callID, 'ok');
    const [change] = await accepted;
    expect(change.users[0]?.extendedData).toBe('ok');
    expect(b.calls.view(call.callID)?.ringing).toBe(false);

    const recA = once(alice.calls, 'callRecord');
    const recB = once(b.calls, 'callRecord');
    const endedB = once(b.calls, 'callInvitationEnded');
    await alice.calls.callEnd(call.callID);
    const [[ra], [rb], [eb]] = await Promise.all([recA, recB, endedB]);
    // Who ended it, kept in each side's view (what the ended card words): the ender and the other side agree.
    expect(eb.caller).toBe('alice');
    expect(b.calls.view(call.callID)).toMatchObject({ endedBy: 'alice', call: { callState: 'ended', endReason: 'ended' } });
    expect(alice.calls.view(call.callID)?.endedBy).toBe('alice');
    expect(ra.record).toEqual(rb.record);
    expect(ra.record.participants.map((p) => [p.userId, p.outcome])).toEqual([
      ['alice', 'answered'],
      ['bob', 'answered'],
    ]);
  });

  it('invite → reject: the caller sees the reason and the call ends', async () => {
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    const { call } = await alice.calls.callInvite([bob]);
    await rang;
    const ended = once(alice.calls, 'callInvitationEnded');
    await b.calls.callReject(call.callID, 'in a meeting');
    const [e] = await ended;
    expect(e.reason).toBe('allAnswered');
    // The server ended it, not a member.
    expect(alice.calls.view(call.callID)?.endedBy).toBeNull();
    expect(alice.calls.view(call.callID)?.call.users[1]).toMatchObject({ state: 'rejected', reason: 'declined', extendedData: 'in a meeting' });
  });

  it('invite → cancel: the callee stops ringing', async () => {
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    const acked = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'received'));
    const { call } = await alice.calls.callInvite([bob]);
    await rang;
    await acked; // bob's ack reached the server: on a busy machine the cancel could otherwise overtake it
    const cancelled = once(b.calls, 'callInvitationCancelled');
    await alice.calls.callCancel(call.callID, undefined, 'never mind');
    const [c] = await cancelled;
    expect(c).toEqual({ callID: call.callID, inviter: 'alice', extendedData: 'never mind', version: call.version + 2 }); // created, acked, cancelled
    expect(b.calls.view(call.callID)?.ringing).toBe(false);
    // Cancelling again is refused with a reason, and nothing changes.
    await expect(alice.calls.callCancel(call.callID)).rejects.toMatchObject({ code: 'call_ended' });
  });

  it('invite → timeout: the callee hears its own timeout, the caller gets a record with a missed call', async () => {
    const [alice, b] = [await client('alice'), await client('bob')];
    const timedOut = once(b.calls, 'callInvitationTimeout');
    const rec = once(alice.calls, 'callRecord');
    const { call } = await alice.calls.callInvite([bob], { timeout: 1 });
    await timedOut;
    const [r] = await rec;
    expect(r.record).toMatchObject({ callID: call.callID, endReason: 'allAnswered', durationMs: 0 });
    expect(r.record.participants.map((p) => p.outcome)).toEqual(['noAnswer', 'missed']);
  });
});

describe('several invitees and delivery', () => {
  it('three invitees with mixed answers: accept, reject, timeout', async () => {
    const [alice, b, c, d] = [await client('alice'), await client('bob'), await client('carol'), await client('dave')];
    const rings = Promise.all([b, c, d].map((x) => once(x.calls, 'callInvitationReceived')));
    // 4 s: room for bob and carol to answer first on a busy machine; dave's ring runs out on its own.
    const { call } = await alice.calls.callInvite([bob, carol, dave], { timeout: 4 });
    await rings;
    await b.calls.callAccept(call.callID);
    await c.calls.callReject(call.callID);
    const daveTimedOut = once(alice.calls, 'callUserStateChanged', (ch) => ch.users.some((u) => u.userId === dave && u.state === 'timeout'));
    await once(d.calls, 'callInvitationTimeout');
    await daveTimedOut; // alice hears it on her own socket: wait for that, not for a guessed 100 ms
    expect(alice.calls.view(call.callID)?.call.users.map((u) => u.state)).toEqual(['accepted', 'accepted', 'rejected', 'timeout']);
    expect(alice.calls.view(call.callID)?.call.callState).toBe('started');
  });

  it('an invitee with no connected device turns NotYetReceived after 5 s, then Received when they sign in', async () => {
    const alice = await client('alice');
    const nyr = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'notYetReceived'));
    const { call } = await alice.calls.callInvite([bob], { timeout: 30 });
    expect(call.users[1]?.delivery).toEqual({ online: false, ringingDevices: 0 });
    await nyr;
    const received = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'received'));
    const b = await connect(srv.url, 'bob');
    clients.push(b);
    await received;
    expect(b.calls.view(call.callID)?.ringing).toBe(true);
  });

  it('an offline invitee who signs in after the timeout is not rung, but finds the missed call in the list', async () => {
    const alice = await client('alice');
    const rec = once(alice.calls, 'callRecord');
    const { call } = await alice.calls.callInvite([bob], { timeout: 1 });
    await rec;
    const b = await connect(srv.url, 'bob');
    clients.push(b);
    await sleep(200);
    expect(b.heard).not.toContain('callInvitationReceived');
    const list = await b.calls.queryCallInvitationList(10);
    expect(list.calls[0]).toMatchObject({ callID: call.callID, callState: 'ended' });
    expect(list.calls[0]?.users[1]?.state).toBe('timeout');
  });

  it('the caller drops before anyone accepted: after the heartbeat grace the call is cancelled', async () => {
    const graceMs = 2000;
    await srv.close();
    srv = await startTestServer(['alice', 'bob'], { heartbeatTimeoutMs: graceMs, heartbeatIntervalMs: 500 });
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    const { call } = await alice.calls.callInvite([bob], { timeout: 30 });
    await rang;
    const cancelled = once(b.calls, 'callInvitationCancelled', () => true);
    alice.sig.close();
    const t0 = Date.now();
    const [c] = await cancelled;
    expect(c.callID).toBe(call.callID);
    // No sooner than the grace: it starts when the server sees the drop, after t0 (a lower bound holds at any load).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(graceMs - 5);
  });

  it('a caller who comes back within the grace keeps the call ringing', async () => {
    // A grace long enough that signing in again fits in it on a busy machine (a sign-in can take seconds
    // there); the test then waits past it, measured from before the drop, so the server's timer was due.
    const graceMs = 5000;
    await srv.close();
    srv = await startTestServer(['alice', 'bob'], { heartbeatTimeoutMs: graceMs });
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    const { call } = await alice.calls.callInvite([bob], { timeout: 60 });
    await rang;
    const dropped = Date.now();
    alice.sig.close();
    await until(() => !srv.server.services.sessions.isOnline(asUserId('alice')), undefined, 'the server saw alice drop'); // so the grace runs
    const again = await client('alice'); // same device id: resumes the caller's main device
    const back = Date.now() - dropped;
    expect(back, 'signing in again took longer than the grace: raise graceMs').toBeLessThan(graceMs);
    await sleep(graceMs + 500 - (Date.now() - dropped));
    await b.sig.request('heartbeat', {}); // a round trip: a cancel the server pushed before answering it has arrived
    expect(b.heard).not.toContain('callInvitationCancelled');
    expect(again.calls.view(call.callID)?.call.callState).toBe('started');
  });
});
