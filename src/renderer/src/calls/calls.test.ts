import { describe, expect, it } from 'vitest';
import { asDeviceId, asUserId } from '../../../shared/protocol/common.ts';
import { makeCall, makeUser, makeView } from '../testing/fixtures.ts';
import { deliveryText, endedReason, finishedDuration, formatDuration } from './describe.ts';
import { historyOutcome, isMissed, peersOf } from './outcome.ts';
import { callPhase, seatsTaken } from './phase.ts';

const alice = asUserId('alice');
const nameOf = (id: string): string => id.toUpperCase();

describe('callPhase', () => {
  it('tells the four screens apart', () => {
    const ringing = makeCall({ inviter: 'bob', users: [{ userId: 'alice', state: 'received' }] });
    expect(callPhase(makeView(ringing, 'alice'))).toBe('incoming');
    expect(callPhase(makeView(ringing, 'bob'))).toBe('outgoing');
    const answered = makeCall({ inviter: 'bob', users: [{ userId: 'alice', state: 'accepted' }] });
    expect(callPhase(makeView(answered, 'alice'))).toBe('inCall');
    expect(callPhase(makeView(answered, 'bob'))).toBe('inCall');
    expect(callPhase(makeView({ ...answered, callState: 'ended' }, 'alice'))).toBe('ended');
    expect(callPhase(makeView(ringing, 'alice', { handledElsewhere: { deviceId: asDeviceId('d2'), deviceName: 'desk', action: 'accepted' } }))).toBe('ended');
  });

  it('keeps the caller on "calling" while someone still rings and nobody answered', () => {
    const some = makeCall({ users: [{ userId: 'bob', state: 'rejected', reason: 'busy' }, { userId: 'carol', state: 'received' }] });
    expect(callPhase(makeView(some, 'alice'))).toBe('outgoing');
    const oneIn = makeCall({ mode: 'advanced', users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'received' }] });
    expect(callPhase(makeView(oneIn, 'alice'))).toBe('inCall');
    const emptyRoom = makeCall({ mode: 'advanced', users: [] });
    expect(callPhase(makeView(emptyRoom, 'alice'))).toBe('inCall');
  });

  it('counts the seats a call holds', () => {
    expect(seatsTaken(makeCall({ users: [{ userId: 'b', state: 'accepted' }, { userId: 'c', state: 'received' }, { userId: 'd', state: 'rejected' }] }))).toBe(3);
  });
});

describe('deliveryText', () => {
  it('puts offline before not-yet-reached, and counts ringing devices', () => {
    expect(deliveryText(makeUser({ userId: 'b', state: 'notYetReceived', delivery: { online: false, ringingDevices: 0 } })).key).toBe('delivery.offline');
    expect(deliveryText(makeUser({ userId: 'b', state: 'notYetReceived', delivery: { online: true, ringingDevices: 0 } })).key).toBe('delivery.notYetReceived');
    expect(deliveryText(makeUser({ userId: 'b', state: 'received', delivery: { online: true, ringingDevices: 2 } }))).toEqual({ key: 'delivery.ringing', params: { n: 2 }, count: 2 });
    expect(deliveryText(makeUser({ userId: 'b', state: 'inviting', delivery: null })).key).toBe('delivery.calling');
    expect(deliveryText(makeUser({ userId: 'b', state: 'rejected' })).key).toBe('delivery.declined');
  });
});

describe('endedReason', () => {
  it('explains the end from this side', () => {
    const cancelled = makeCall({ callState: 'ended', endReason: 'cancelled', users: [{ userId: 'bob', state: 'cancelled' }] });
    expect(endedReason(makeView(cancelled, 'alice'), alice, nameOf).key).toBe('ended.youCancelled');
    expect(endedReason(makeView(cancelled, 'bob'), asUserId('bob'), nameOf)).toEqual({ key: 'ended.callerCancelled', params: { name: 'ALICE' } });
    const busy = makeCall({ callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'rejected', reason: 'busy' }] });
    expect(endedReason(makeView(busy, 'alice'), alice, nameOf)).toEqual({ key: 'ended.peerBusy', params: { name: 'BOB' } });
    const two = makeCall({ callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'timeout' }, { userId: 'carol', state: 'rejected' }] });
    expect(endedReason(makeView(two, 'alice'), alice, nameOf).key).toBe('ended.noAnswer');
    const talked = makeCall({ callState: 'ended', endReason: 'ended', users: [{ userId: 'bob', state: 'quit' }] });
    expect(endedReason(makeView(talked, 'alice'), alice, nameOf).key).toBe('ended.ended');
  });

  // Who ended it comes from main's view (endedBy, from the end push): [case, me, endedBy, endReason, expected].
  const bob = asUserId('bob');
  const cases: [string, string, string | null, 'ended' | 'connectionLost' | 'everyoneLeft', { key: string; params?: Record<string, string> }][] = [
    ['the caller ended it here', 'alice', 'alice', 'ended', { key: 'ended.youEnded' }],
    ['the callee ended it (this or another of their devices)', 'bob', 'bob', 'ended', { key: 'ended.youEnded' }],
    ['the caller hears the callee ended it', 'alice', 'bob', 'ended', { key: 'ended.peerEnded', params: { name: 'BOB' } }],
    ['the callee hears the caller ended it', 'bob', 'alice', 'ended', { key: 'ended.peerEnded', params: { name: 'ALICE' } }],
    ['a third member ended a group call', 'bob', 'carol', 'ended', { key: 'ended.peerEnded', params: { name: 'CAROL' } }],
    ['unknown who (ended while away): the generic line', 'bob', null, 'ended', { key: 'ended.ended' }],
    ['the server ended it: its reason', 'alice', null, 'connectionLost', { key: 'ended.connectionLost' }],
    ['the server ended it: everyone left', 'bob', null, 'everyoneLeft', { key: 'ended.everyoneLeft' }],
    // endedBy only ever comes with reason 'ended'; were it otherwise, the reason would win.
    ['an endedBy with another reason: the reason wins', 'alice', 'alice', 'connectionLost', { key: 'ended.connectionLost' }],
  ];
  it.each(cases)('%s', (_, me, endedBy, endReason, expected) => {
    const call = makeCall({ callState: 'ended', endReason, users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] });
    expect(endedReason(makeView(call, me, { endedBy: endedBy === null ? null : asUserId(endedBy) }), asUserId(me), nameOf)).toEqual(expected);
  });

  it('handled on another device wins over who ended it', () => {
    const call = makeCall({ callState: 'ended', endReason: 'ended', users: [{ userId: 'bob', state: 'accepted' }] });
    const v = makeView(call, 'bob', { endedBy: bob, handledElsewhere: { deviceId: asDeviceId('d2'), deviceName: 'desk', action: 'accepted' } });
    expect(endedReason(v, bob, nameOf).key).toBe('ended.handledElsewhere');
  });
});

describe('history outcome', () => {
  const ended = { callState: 'ended' as const, endReason: 'allAnswered' as const, endedAt: 1 };
  it('reads answered, missed, rejected, busy, dnd, cancelled and no answer', () => {
    expect(historyOutcome(makeCall({ ...ended, users: [{ userId: 'bob', state: 'quit' }] }), alice)).toBe('answered');
    expect(historyOutcome(makeCall({ ...ended, users: [{ userId: 'bob', state: 'timeout' }] }), alice)).toBe('noAnswer');
    expect(historyOutcome(makeCall({ ...ended, users: [{ userId: 'bob', state: 'rejected', reason: 'dnd' }] }), alice)).toBe('dnd');
    expect(historyOutcome(makeCall({ ...ended, endReason: 'cancelled', users: [{ userId: 'bob', state: 'cancelled' }] }), alice)).toBe('cancelled');
    expect(historyOutcome(makeCall({ ...ended, inviter: 'bob', users: [{ userId: 'alice', state: 'cancelled' }] }), alice)).toBe('missed');
    expect(historyOutcome(makeCall({ ...ended, inviter: 'bob', users: [{ userId: 'alice', state: 'rejected', reason: 'busy' }] }), alice)).toBe('busy');
    expect(historyOutcome(makeCall({ inviter: 'bob', users: [{ userId: 'alice', state: 'received' }] }), alice)).toBe('ongoing');
  });

  it('counts as missed only calls to me that I neither answered nor declined', () => {
    expect(isMissed(makeCall({ ...ended, inviter: 'bob', users: [{ userId: 'alice', state: 'timeout' }] }), alice)).toBe(true);
    expect(isMissed(makeCall({ ...ended, inviter: 'bob', users: [{ userId: 'alice', state: 'rejected' }] }), alice)).toBe(false);
    expect(isMissed(makeCall({ ...ended, inviter: 'bob', users: [{ userId: 'alice', state: 'quit' }] }), alice)).toBe(false);
    expect(isMissed(makeCall({ ...ended, users: [{ userId: 'bob', state: 'timeout' }] }), alice)).toBe(false);
  });

  it('names the peers as I see them', () => {
    expect(peersOf(makeCall({ users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] }), alice)).toEqual(['bob', 'carol']);
    expect(peersOf(makeCall({ inviter: 'bob', users: [{ userId: 'alice', state: 'accepted' }] }), alice)).toEqual(['bob']);
  });
});

describe('formatDuration', () => {
  it('is mm:ss, and h:mm:ss past the hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_999)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('00:00');
  });

  it('shows a finished call\'s length only from one second on', () => {
    expect(finishedDuration(undefined)).toBeNull();
    expect(finishedDuration(-5)).toBeNull();
    expect(finishedDuration(999)).toBeNull();
    expect(finishedDuration(1000)).toBe('00:01');
  });
});
