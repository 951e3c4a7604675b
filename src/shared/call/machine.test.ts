import { describe, expect, it } from 'vitest';
import { LIMITS, asDeviceId, asUserId } from '../protocol/common.ts';
import { createCall } from './machine.ts';
import { nextWakeAt, type Call } from './model.ts';
import { a1, alice, avail, b1, b2, bob, c1, carol, ctxAt, d1, dave, ok, pushesTo, start, step, T0 } from './testkit.ts';

const state = (call: Call, u: string): string | undefined => call.members.find((m) => m.userId === u)?.state;
const records = (effects: { type: string }[]): number => effects.filter((e) => e.type === 'record').length;

describe('normal mode', () => {
  it('invite rings every invitee on all devices and tells the inviter', () => {
    const { call, effects } = start('normal');
    expect(call.members.map((m) => [m.userId, m.state])).toEqual([
      ['alice', 'accepted'],
      ['bob', 'inviting'],
      ['carol', 'inviting'],
    ]);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'push', userId: bob, device: null }));
    expect(pushesTo(effects, alice)).toEqual(['callInvitationCreated']);
    expect(nextWakeAt(call)).toBe(T0 + LIMITS.notReceivedCheckMs);
  });

  it('every transition bumps the version, and every call push carries the version it produced', () => {
    const { call } = start('normal');
    expect(call.version).toBe(1);
    const acked = ok(step(call, { type: 'ack', by: bob, device: b1 }));
    const accepted = ok(step(acked.call, { type: 'accept', by: bob, device: b1, extendedData: '' }));
    expect([acked.call.version, accepted.call.version]).toEqual([2, 3]);
    const versions = accepted.effects.flatMap((e) => (e.type === 'push' && 'version' in e.push.data ? [e.push.data.version] : []));
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([3]));
  });

  it('an ack makes the invitee Received and the caller sees one ringing device', () => {
    const { call } = start('normal');
    const r = ok(step(call, { type: 'ack', by: bob, device: b1 }));
    expect(state(r.call, 'bob')).toBe('received');
    const again = ok(step(r.call, { type: 'ack', by: bob, device: b2 }, T0 + 1500));
    const delivery = again.effects.find((e) => e.type === 'push' && e.push.type === 'callDeliveryChanged');
    expect(delivery && delivery.type === 'push' && delivery.push.data).toMatchObject({ users: [{ userId: 'bob', delivery: { ringingDevices: 2 } }] });
  });

  it('no ack within 5 s: NotYetReceived; an ack later still makes it Received', () => {
    const { call } = start('normal');
    const r = ok(step(call, { type: 'tick' }, T0 + LIMITS.notReceivedCheckMs));
    expect(state(r.call, 'bob')).toBe('notYetReceived');
    expect(ok(step(r.call, { type: 'ack', by: bob, device: b1 }, T0 + 9000)).call.members[1]?.state).toBe('received');
  });

  it('accept on one device: the other devices are told, the main device gets later events, the call stays up', () => {
    const { call } = start('normal', avail(bob));
    const r = ok(step(call, { type: 'accept', by: bob, device: b2, extendedData: 'hi' }));
    expect(r.effects).toContainEqual({ type: 'handledElsewhere', callID: call.callID, userId: bob, device: b2, action: 'accepted', version: r.call.version });
    expect(r.call.callState).toBe('started');
    expect(r.call.firstAcceptedAt).toBe(T0 + 1000);
    const end = ok(step(r.call, { type: 'end', by: alice, device: a1, extendedData: '' }, T0 + 61_000));
    expect(end.effects).toContainEqual(expect.objectContaining({ type: 'push', userId: bob, device: b2 }));
    const rec = end.effects.find((e) => e.type === 'record');
    expect(rec?.type === 'record' && rec.record).toMatchObject({
      durationMs: 60_000,
      endReason: 'ended',
      participants: [
        { userId: 'alice', outcome: 'answered' },
        { userId: 'bob', outcome: 'answered', deviceId: 'b2' },
      ],
    });
  });

  it('everyone declines: the call ends on its own with one record', () => {
    const { call } = start('normal');
    const r1 = ok(step(call, { type: 'reject', by: bob, device: b1, extendedData: '' }));
    expect(r1.call.callState).toBe('started');
    const r2 = ok(step(r1.call, { type: 'reject', by: carol, device: c1, extendedData: 'busy later' }));
    expect(r2.call).toMatchObject({ callState: 'ended', endReason: 'allAnswered' });
    expect(records(r2.effects)).toBe(1);
    expect(pushesTo(r2.effects, alice)).toEqual(['callUserStateChanged', 'callInvitationEnded']);
  });

  it('timeout: the invitee hears it, the caller sees the state, the call ends with missed outcomes', () => {
    const { call } = start('normal', avail(bob), 30);
    const r = ok(step(call, { type: 'tick' }, T0 + 30_000));
    expect(pushesTo(r.effects, bob)).toContain('callInvitationTimeout');
    expect(r.call.endReason).toBe('allAnswered');
    const rec = r.effects.find((e) => e.type === 'record');
    expect(rec?.type === 'record' && rec.record.participants.map((p) => p.outcome)).toEqual(['noAnswer', 'missed']);
    expect(nextWakeAt(r.call)).toBeNull();
  });

  it('mixed answers with three invitees', () => {
    let { call } = start('normal', avail(bob, carol, dave), 20);
    call = ok(step(call, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
    call = ok(step(call, { type: 'reject', by: carol, device: c1, extendedData: '' })).call;
    const r = ok(step(call, { type: 'tick' }, T0 + 20_000));
    expect(r.call.members.map((m) => m.state)).toEqual(['accepted', 'accepted', 'rejected', 'timeout']);
    expect(r.call.callState).toBe('started');
  });

  it('busy and DND invitees are rejected at once with the reason', () => {
    const { call, effects } = start('normal', [
      { userId: bob, availability: 'busy' },
      { userId: carol, availability: 'dnd' },
    ]);
    expect(call.members.slice(1).map((m) => [m.state, m.reason])).toEqual([
      ['rejected', 'busy'],
      ['rejected', 'dnd'],
    ]);
    expect(call.callState).toBe('ended');
    const rec = effects.find((e) => e.type === 'record');
    expect(rec?.type === 'record' && rec.record.participants.map((p) => p.outcome)).toEqual(['noAnswer', 'busy', 'dnd']);
  });

  it('cancel a subset, then the rest: the call ends as cancelled', () => {
    const { call } = start('normal');
    const r1 = ok(step(call, { type: 'cancel', by: alice, device: a1, invitees: [bob], extendedData: 'oops' }));
    // Bob was Inviting when it happened, so he also hears the state change (event × state table).
    expect(pushesTo(r1.effects, bob)).toEqual(['callInvitationCancelled', 'callUserStateChanged']);
    expect(r1.call.callState).toBe('started');
    const r2 = ok(step(r1.call, { type: 'cancel', by: alice, device: a1, invitees: null, extendedData: '' }));
    expect(r2.call).toMatchObject({ callState: 'ended', endReason: 'cancelled' });
  });

  it('the caller is lost before anyone accepted: every pending invitee is cancelled', () => {
    const { call } = start('normal');
    const r = ok(step(call, { type: 'memberLost', userId: alice }));
    expect(r.call.members.slice(1).map((m) => m.state)).toEqual(['cancelled', 'cancelled']);
    expect(r.call.endReason).toBe('callerLost');
    const bobLost = ok(step(call, { type: 'memberLost', userId: bob }));
    expect(bobLost.effects).toEqual([]);
  });

  it('after an accept, a lost member ends a normal call and quits an advanced one', () => {
    for (const mode of ['normal', 'advanced'] as const) {
      const accepted = ok(step(start(mode, avail(bob, carol)).call, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
      const r = ok(step(accepted, { type: 'memberLost', userId: bob }));
      if (mode === 'normal') expect(r.call).toMatchObject({ callState: 'ended', endReason: 'connectionLost' });
      else expect([r.call.callState, state(r.call, 'bob')]).toEqual(['started', 'quit']);
    }
  });

  it('an ended call refuses everything with call_ended', () => {
    const { call } = start('normal', avail(bob));
    const ended = ok(step(call, { type: 'reject', by: bob, device: b1, extendedData: '' })).call;
    const r = step(ended, { type: 'accept', by: bob, device: b1, extendedData: '' });
    expect(!r.ok && r.error.code).toBe('call_ended');
    expect(!r.ok || r.call).toBe(true);
  });

  it('a normal call needs an invitee; an advanced one may start empty (a room)', () => {
    const mk = (mode: 'normal' | 'advanced') =>
      createCall({ callID: call1(), inviter: alice, device: a1, invitees: [], mode, timeoutSec: 60, extendedData: '' }, ctxAt(T0));
    const n = mk('normal');
    expect(!n.ok && n.error.code).toBe('bad_request');
    expect(mk('advanced').ok && ok(mk('advanced')).call.callState).toBe('started');
  });

  it('a stranger is not a member', () => {
    const r = step(start('normal').call, { type: 'accept', by: asUserId('zed'), device: d1, extendedData: '' });
    expect(!r.ok && r.error.code).toBe('not_a_member');
  });
});

const call1 = () => start('advanced').call.callID;

describe('advanced mode', () => {
  function acceptedCall(): Call {
    return ok(step(start('advanced', avail(bob)).call, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
  }

  it('up to 10 participants; the 11th is refused', () => {
    let call = acceptedCall();
    const more = Array.from({ length: 8 }, (_, i) => asUserId(`u${i}`));
    call = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(...more), extendedData: '' })).call;
    expect(call.members).toHaveLength(10);
    const r = step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(asUserId('u9')), extendedData: '' });
    expect(!r.ok && r.error.code).toBe('too_many_participants');
  });

  it(`keeps at most ${LIMITS.maxMembersEver} members ever: past that a new person is refused, a former member may still be invited again`, () => {
    let call = acceptedCall(); // alice and bob
    let n = 0;
    while (call.members.length < LIMITS.maxMembersEver) {
      const batch = Array.from({ length: Math.min(8, LIMITS.maxMembersEver - call.members.length) }, () => asUserId(`p${n++}`));
      call = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(...batch), extendedData: '' })).call;
      // They decline: the call holds two again, and the list keeps them.
      for (const u of batch) call = ok(step(call, { type: 'reject', by: u, device: asDeviceId(`${u}-d`), extendedData: '' })).call;
    }
    expect(call.callState).toBe('started');
    const r = step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(asUserId('newcomer')), extendedData: '' });
    expect(!r.ok && r.error).toMatchObject({ code: 'too_many_participants', message: expect.stringContaining(`${LIMITS.maxMembersEver} members`) });
    const again = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(asUserId('p0')), extendedData: '' })).call;
    expect(again.members).toHaveLength(LIMITS.maxMembersEver);
  });

  it('a member already in the call cannot be invited again', () => {
    const r = step(acceptedCall(), { type: 'callingInvite', by: bob, device: b1, invitees: avail(alice), extendedData: '' });
    expect(!r.ok && r.error.code).toBe('invalid_invitee');
  });

  it('callJoin from another device moves the main device and tells the old one', () => {
    const r = ok(step(acceptedCall(), { type: 'join', by: bob, device: b2, extendedData: '' }));
    expect(r.call.members[1]?.mainDevice).toBe('b2');
    expect(r.effects).toEqual([{ type: 'handledElsewhere', callID: r.call.callID, userId: bob, device: b2, action: 'joined', version: r.call.version }]);
    const same = step(r.call, { type: 'join', by: bob, device: b2, extendedData: '' });
    expect(!same.ok && same.error.code).toBe('state_forbids');
  });

  it('a former member can join again; a stranger cannot', () => {
    const quit = ok(step(acceptedCall(), { type: 'quit', by: bob, device: b1, extendedData: 'bye' }));
    expect(pushesTo(quit.effects, bob)).toEqual(['callUserStateChanged']);
    expect(quit.call.callState).toBe('started');
    const back = ok(step(quit.call, { type: 'join', by: bob, device: b1, extendedData: '' }));
    expect(state(back.call, 'bob')).toBe('accepted');
    const r = step(quit.call, { type: 'join', by: dave, device: d1, extendedData: '' });
    expect(!r.ok && r.error.code).toBe('not_a_member');
  });

  it('when the last accepted member quits, the call ends for those still ringing', () => {
    let call = acceptedCall();
    call = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(carol), extendedData: '' })).call;
    call = ok(step(call, { type: 'quit', by: alice, device: a1, extendedData: '' })).call;
    const r = ok(step(call, { type: 'quit', by: bob, device: b1, extendedData: '' }));
    expect(r.call.endReason).toBe('everyoneLeft');
    expect(pushesTo(r.effects, carol)).toContain('callInvitationEnded');
  });

  it('callEnd keeps everyone’s state and tells inviting, received and accepted members', () => {
    let call = acceptedCall();
    call = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(carol), extendedData: '' })).call;
    const r = ok(step(call, { type: 'end', by: bob, device: b1, extendedData: 'done' }));
    expect(r.call.members.map((m) => m.state)).toEqual(['accepted', 'accepted', 'inviting']);
    expect(['alice', 'bob', 'carol'].map((u) => pushesTo(r.effects, asUserId(u)))).toEqual([
      ['callInvitationEnded'],
      ['callInvitationEnded'],
      ['callInvitationEnded'],
    ]);
    expect(records(r.effects)).toBe(1);
  });

  it('a callee who accepted may cancel the people they invited, while none of them answered', () => {
    let call = acceptedCall();
    call = ok(step(call, { type: 'callingInvite', by: bob, device: b1, invitees: avail(carol), extendedData: '' })).call;
    expect(ok(step(call, { type: 'cancel', by: bob, device: b1, invitees: null, extendedData: '' })).call.members[2]?.state).toBe('cancelled');
    const r = step(call, { type: 'cancel', by: alice, device: a1, invitees: null, extendedData: '' });
    expect(!r.ok && r.error.code).toBe('already_answered');
  });

  it('a device that goes away stops counting as ringing', () => {
    let call = start('advanced', avail(bob)).call;
    call = ok(step(call, { type: 'ack', by: bob, device: b1 })).call;
    const r = ok(step(call, { type: 'deliveryChanged', userId: bob, goneDevice: b1 }));
    expect(r.call.members[1]?.ackedDevices).toEqual([]);
    expect(pushesTo(r.effects, alice)).toEqual(['callDeliveryChanged']);
  });
});
