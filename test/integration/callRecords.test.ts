// Issue 14 item 10: call records can be read back. A device that was offline when a call ended
// learns its outcome and duration with queryCallRecords (paged, newest first, ≤ 100 a page).
import { afterEach, expect, it } from 'vitest';
import { asCallId, asUserId, type CallRecord } from '../../src/shared/protocol/index.ts';
import { connect, once, sleep, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let t: TestServer;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await t.close();
});
const client = async (user: string, device?: string): Promise<TestClient> => {
  const c = await connect(t.url, user, device);
  clients.push(c);
  return c;
};
const bob = asUserId('bob');
const mine = (r: CallRecord, user: string) => r.participants.find((p) => p.userId === user);

it('bob, offline when two calls ended, reads their outcomes and durations page by page, newest first', async () => {
  t = await startTestServer(['alice', 'bob', 'carol']);
  const alice = await client('alice');

  // 1. bob answers on his laptop, which then drops; alice hangs up while he is offline.
  const bobLaptop = await client('bob', 'bob-laptop');
  const rang = once(bobLaptop.calls, 'callInvitationReceived');
  const answered = (await alice.calls.callInvite([bob], { extendedData: '{"media":"video"}' })).call.callID;
  await rang;
  await bobLaptop.calls.callAccept(answered);
  await sleep(50); // a measurable duration
  bobLaptop.sig.close();
  await until(() => !t.server.services.sessions.isOnline(bob), undefined, 'bob offline');
  await alice.calls.callEnd(answered);

  // 2. a call to bob while none of his devices is connected: it times out unanswered.
  const missed = (await alice.calls.callInvite([bob], { timeout: 1 })).call.callID;
  await until(() => t.server.services.calls.startedCall(missed) === undefined, 8000, 'the missed call ends');

  // 3. a call that still rings for bob and carol: the newest of bob's calls, but started, so it has no record yet.
  const ringing = (await alice.calls.callInvite([bob, asUserId('carol')], { timeout: 60 })).call.callID;
  const later = await client('bob', 'bob-desktop');
  expect((await later.calls.queryCallInvitationList(1)).calls.map((c) => c.callID)).toEqual([ringing]);
  const one = await later.calls.queryCallRecords(1);
  expect(one.records.map((r) => r.callID)).toEqual([missed]);
  expect(mine(one.records[0]!, 'bob')).toMatchObject({ role: 'invitee', outcome: 'missed', deviceId: null });
  expect(one.records[0]).toMatchObject({ durationMs: 0, endReason: 'allAnswered', inviter: 'alice' });
  expect(one.nextFlag).toBeGreaterThan(0);

  const two = await later.calls.queryCallRecords(1, one.nextFlag);
  expect(two.records.map((r) => r.callID)).toEqual([answered]);
  expect(mine(two.records[0]!, 'bob')).toMatchObject({ outcome: 'answered', deviceId: 'bob-laptop' });
  expect(two.records[0]!.durationMs).toBeGreaterThanOrEqual(50);
  expect(two.records[0]).toMatchObject({ endReason: 'ended', extendedData: '{"media":"video"}' });
  expect(two.nextFlag).toBe(0);

  // The same records as the callRecord push alice got, and a count over 100 is read as 100, not refused.
  const all = await later.calls.queryCallRecords(500);
  expect(all).toEqual({ records: [one.records[0], two.records[0]], nextFlag: 0 });
  expect(await t.server.services.store.getRecord(asCallId(answered))).toEqual(two.records[0]);
  // carol was never in these calls: her list is empty.
  expect(await (await client('carol')).calls.queryCallRecords(10)).toEqual({ records: [], nextFlag: 0 });
});
