import { afterEach, describe, expect, it } from 'vitest';
import { asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { connect, once, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

const bob = asUserId('bob');
const carol = asUserId('carol');

let srv: TestServer;
const clients: TestClient[] = [];
async function client(user: string, device?: string): Promise<TestClient> {
  const c = await connect(srv.url, user, device);
  clients.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

describe('devices, busy and DND', () => {
  it('two devices ring; one accepts; the other stops at once and is told which device', async () => {
    srv = await startTestServer(['alice', 'bob']);
    const [alice, laptop, phone] = [await client('alice'), await client('bob', 'laptop'), await client('bob', 'phone')];
    const rings = Promise.all([once(laptop.calls, 'callInvitationReceived'), once(phone.calls, 'callInvitationReceived')]);
    const twoRinging = once(alice.calls, 'callDeliveryChanged', (d) => d.users[0]?.delivery.ringingDevices === 2);
    const { call } = await alice.calls.callInvite([bob]);
    await rings;
    await twoRinging;
    const told = once(phone.calls, 'handledOnOtherDevice');
    await laptop.calls.callAccept(call.callID);
    const [h] = await told;
    expect(h).toEqual({ callID: call.callID, deviceId: 'laptop', deviceName: "bob's laptop", action: 'accepted', version: laptop.calls.view(call.callID)?.call.version });
    expect(phone.calls.view(call.callID)).toMatchObject({ ringing: false, handledElsewhere: { deviceId: 'laptop' } });
    // Only the main device hears what follows.
    const before = phone.heard.length;
    const ended = once(laptop.calls, 'callInvitationEnded');
    await alice.calls.callEnd(call.callID);
    await ended;
    await phone.sig.request('heartbeat', {}); // a round trip: anything the server pushed to the phone with the end has arrived
    // The record is history for every device; presence is not about this call.
    expect(phone.heard.slice(before).filter((t) => t.startsWith('call') && t !== 'callRecord')).toEqual([]);
  });

  it('busy: an invitee already in a call is answered with reason busy; a caller in a call cannot invite', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol']);
    const [alice, b, c] = [await client('alice'), await client('bob'), await client('carol')];
    const rang = once(b.calls, 'callInvitationReceived');
    const first = await alice.calls.callInvite([bob]);
    await rang;
    await b.calls.callAccept(first.call.callID);
    const r = await c.calls.callInvite([bob]);
    expect(r.call.users[1]).toMatchObject({ userId: 'bob', state: 'rejected', reason: 'busy' });
    expect(r.call.callState).toBe('ended');
    await expect(b.calls.callInvite([carol])).rejects.toMatchObject({ code: 'already_in_call' });
  });

  it('DND: callers are rejected with reason dnd unless on the allow-list', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol']);
    const [alice, b, c] = [await client('alice'), await client('bob'), await client('carol')];
    await alice.sig.request('presenceSubscribe', { userIds: [bob] });
    const seen = once(alice.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === bob && u.dnd));
    await b.calls.setDNDStatus({ enabled: true, allowList: [carol] });
    await seen;
    const r = await alice.calls.callInvite([bob]);
    expect(r.call.users[1]).toMatchObject({ state: 'rejected', reason: 'dnd' });
    const rang = once(b.calls, 'callInvitationReceived');
    const vip = await c.calls.callInvite([bob]);
    await rang;
    expect(vip.call.users[1]?.state).toBe('inviting');
    expect((await alice.sig.request('presenceSubscribe', { userIds: [bob] })).users[0]).toMatchObject({ presence: 'online', dnd: true });
  });
});

describe('advanced mode', () => {
  const names = Array.from({ length: 11 }, (_, i) => `u${i}`);

  it('grows to 10 participants with callingInvite; the 11th is refused', async () => {
    srv = await startTestServer(names);
    const [host, first] = [await client('u0'), await client('u1')];
    const rang = once(first.calls, 'callInvitationReceived');
    const { call } = await host.calls.callInvite([asUserId('u1')], { mode: 'advanced' });
    await rang;
    await first.calls.callAccept(call.callID);
    const r = await first.calls.callingInvite(call.callID, names.slice(2, 10).map(asUserId));
    expect(r.call.users).toHaveLength(10);
    await expect(host.calls.callingInvite(call.callID, [asUserId('u10')])).rejects.toMatchObject({ code: 'too_many_participants' });
  });

  it('join from another device moves the main device; quit; rejoin; end tells everyone', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol']);
    const [alice, b1, c] = [await client('alice'), await client('bob', 'b1'), await client('carol')];
    const rang = once(b1.calls, 'callInvitationReceived');
    const { call } = await alice.calls.callInvite([bob, carol], { mode: 'advanced' });
    await rang;
    await b1.calls.callAccept(call.callID);
    const b2 = await client('bob', 'b2');
    const moved = once(b1.calls, 'handledOnOtherDevice');
    await b2.calls.callJoin(call.callID);
    expect((await moved)[0]).toMatchObject({ deviceId: 'b2', action: 'joined' });

    const quitSeen = once(alice.calls, 'callUserStateChanged', (d) => d.users.some((u) => u.userId === bob && u.state === 'quit'));
    await b2.calls.callQuit(call.callID, 'brb');
    await quitSeen;
    await b2.calls.callJoin(call.callID);
    await expect(c.calls.callQuit(call.callID)).rejects.toMatchObject({ code: 'state_forbids' });

    const ends = [alice, b2, c].map((x) => once(x.calls, 'callInvitationEnded'));
    await alice.calls.callEnd(call.callID, 'done');
    const got = await Promise.all(ends);
    expect(got.map(([e]) => [e.caller, e.reason])).toEqual([
      ['alice', 'ended'],
      ['alice', 'ended'],
      ['alice', 'ended'],
    ]);
  });

  it('a room with no invitees yet (CloudRoom style), then people are called in', async () => {
    srv = await startTestServer(['alice', 'bob']);
    const [alice, b] = [await client('alice'), await client('bob')];
    const { call } = await alice.calls.callInvite([], { mode: 'advanced' });
    expect(call.callState).toBe('started');
    const rang = once(b.calls, 'callInvitationReceived');
    await alice.calls.callingInvite(call.callID, [bob]);
    await rang;
    await b.calls.callAccept(call.callID);
  });
});

describe('history and persistence', () => {
  it('pages through 250 calls newest first with nextFlag', async () => {
    // 500 requests in a row: more than the default per-connection rate limit allows.
    srv = await startTestServer(['alice', 'bob'], { rateLimitPerSec: 10_000, rateLimitBurst: 10_000 });
    const alice = await client('alice');
    const ids: CallId[] = [];
    for (let i = 0; i < 250; i++) {
      const { call } = await alice.calls.callInvite([bob], { extendedData: String(i) });
      ids.push(call.callID);
      await alice.calls.callCancel(call.callID);
    }
    const seen: CallId[] = [];
    let flag = 0;
    let pages = 0;
    do {
      const page = await alice.calls.queryCallInvitationList(100, flag);
      seen.push(...page.calls.map((c) => c.callID));
      flag = page.nextFlag;
      pages++;
    } while (flag !== 0 && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    const b = await client('bob');
    expect((await b.calls.queryCallInvitationList(5)).calls[0]).toMatchObject({ callID: ids[249], extendedData: '249' });
  });

  it('a server restart mid-invitation: the call survives, clients resume, and the timeout still fires', async () => {
    srv = await startTestServer(['alice', 'bob'], { heartbeatTimeoutMs: 10_000 });
    const [alice, b] = [await client('alice'), await client('bob')];
    const rang = once(b.calls, 'callInvitationReceived');
    // 8 s of ringing: the restart and both resumes must fit in it before the checks below, also on a busy machine.
    const { call } = await alice.calls.callInvite([bob], { timeout: 8 });
    await rang;
    const resumed = Promise.all([once(alice.sig, 'session', (_s, r) => r), once(b.sig, 'session', (_s, r) => r)]);
    await srv.restart();
    await resumed;
    expect(srv.server.services.calls.activeCallCount).toBe(1);
    expect(b.calls.view(call.callID)?.ringing).toBe(true);
    const rec = once(alice.calls, 'callRecord', () => true);
    const [r] = await rec;
    expect(r.record.participants.map((p) => p.outcome)).toEqual(['noAnswer', 'missed']);
    await until(() => srv.server.services.calls.activeCallCount === 0, undefined, 'the call to end');
  });
});
