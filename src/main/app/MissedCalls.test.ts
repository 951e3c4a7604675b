import { describe, expect, it } from 'vitest';
import { isMissedCall } from '../../shared/ipc/missed.ts';
import { asCallId, asUserId, type CallInfo, type CallOutcome, type CallRecord, type CallUserState } from '../../shared/protocol/index.ts';
import { MissedCalls } from './MissedCalls.ts';

const ME = asUserId('bob');

function call(
  id: string,
  o: { at?: number; endedAt?: number; inviter?: string; mine?: CallUserState | null; ended?: boolean; video?: boolean; endReason?: CallInfo['endReason'] } = {},
): CallInfo {
  const inviter = asUserId(o.inviter ?? 'alice');
  const at = o.at ?? 1000;
  const ended = o.ended ?? true;
  const member = (userId: string, state: CallUserState) => ({ userId: asUserId(userId), state, extendedData: '', invitedBy: null, reason: null, delivery: null });
  const users = [member(inviter, 'accepted')];
  if (o.mine !== null) users.push(member(ME, o.mine ?? 'timeout'));
  if (inviter === ME) users.push(member('carol', 'timeout'));
  return {
    callID: asCallId(id),
    inviter,
    mode: 'normal',
    timeout: 60,
    extendedData: o.video ? '{"media":"video"}' : '',
    callState: ended ? 'ended' : 'started',
    createdAt: at,
    endedAt: ended ? (o.endedAt ?? at) : null,
    endReason: ended ? (o.endReason ?? 'ended') : null,
    users,
    version: 3,
  };
}

/** The record the server keeps for an ended call (buildRecord's outcomes, as seen by ME); started calls have none. */
function recordsOf(calls: readonly CallInfo[]): CallRecord[] {
  const outcome = (state: CallUserState): CallOutcome =>
    state === 'accepted' || state === 'quit' ? 'answered' : state === 'rejected' ? 'rejected' : state === 'cancelled' ? 'cancelled' : 'missed';
  return calls
    .filter((c) => c.callState === 'ended')
    .map((c) => ({
      callID: c.callID,
      inviter: c.inviter,
      mode: c.mode,
      extendedData: c.extendedData,
      createdAt: c.createdAt,
      endedAt: c.endedAt ?? c.createdAt,
      durationMs: 0,
      endReason: c.endReason ?? 'ended',
      participants: c.users.map((u) => ({ userId: u.userId, role: u.userId === c.inviter ? 'inviter' : 'invitee', outcome: outcome(u.state), deviceId: null })),
    }));
}

function record(id: string, o: { at?: number; role?: 'inviter' | 'invitee'; outcome?: CallOutcome; inviter?: string } = {}): CallRecord {
  const at = o.at ?? 1000;
  return {
    callID: asCallId(id),
    inviter: asUserId(o.inviter ?? (o.role === 'inviter' ? 'bob' : 'alice')),
    mode: 'normal',
    createdAt: at,
    endedAt: at + 60_000,
    durationMs: 0,
    endReason: 'cancelled',
    participants: [{ userId: ME, role: o.role ?? 'invitee', outcome: o.outcome ?? 'missed', deviceId: null }],
  };
}

const mixed: CallInfo[] = [
  call('outgoing', { at: 900, inviter: 'bob', mine: 'accepted' }),
  call('answered', { at: 800, mine: 'quit' }),
  call('accepted', { at: 750, mine: 'accepted' }),
  call('rejected', { at: 700, mine: 'rejected' }),
  call('timedOut', { at: 600, mine: 'timeout', video: true }),
  call('callerCancelled', { at: 500, mine: 'cancelled', endReason: 'cancelled' }),
  call('ringingWhenCancelled', { at: 450, mine: 'received', endReason: 'cancelled' }),
  call('neverDelivered', { at: 420, mine: 'notYetReceived', endReason: 'callerLost' }),
  call('stillStarted', { at: 400, mine: 'received', ended: false }),
  call('notMine', { at: 300, mine: null }),
];

describe('isMissedCall', () => {
  it.each(mixed.map((c) => [c.callID, c] as const))('%s', (id, c) => {
    const missed = ['timedOut', 'callerCancelled', 'ringingWhenCancelled', 'neverDelivered'];
    expect(isMissedCall(c, ME)).toBe(missed.includes(id));
  });
});

describe('MissedCalls: loadRecords (queryCallRecords at sign-in)', () => {
  it('keeps only the missed calls, newest first, with media and caller', () => {
    const m = new MissedCalls(0);
    const fresh = m.loadRecords(recordsOf([...mixed].reverse()), ME);
    expect(m.state.calls).toEqual([
      { callID: 'timedOut', from: 'alice', at: 600, media: 'video' },
      { callID: 'callerCancelled', from: 'alice', at: 500, media: 'audio' },
      { callID: 'ringingWhenCancelled', from: 'alice', at: 450, media: 'audio' },
      { callID: 'neverDelivered', from: 'alice', at: 420, media: 'audio' },
    ]);
    expect(m.state.count).toBe(4);
    expect(fresh.map((c) => c.callID).toSorted()).toEqual(['callerCancelled', 'neverDelivered', 'ringingWhenCancelled', 'timedOut']);
  });

  it('caps the list at the 50 newest', () => {
    const m = new MissedCalls(0);
    m.loadRecords(recordsOf(Array.from({ length: 60 }, (_, i) => call(`m${i}`, { at: 1000 + i }))), ME);
    expect(m.state.calls).toHaveLength(50);
    expect(m.state.calls[0]?.callID).toBe('m59');
    expect(m.state.calls.at(-1)?.callID).toBe('m10');
    expect(m.state.count).toBe(50);
  });

  it('counts only calls after seenAt but still lists the seen ones', () => {
    const m = new MissedCalls(500);
    m.loadRecords(recordsOf(mixed), ME);
    expect(m.state.calls).toHaveLength(4);
    expect(m.state.count).toBe(1);
  });

  it('returns only calls new since seen and not already known', () => {
    const m = new MissedCalls(550);
    const first = m.loadRecords(recordsOf([call('a', { at: 600 }), call('b', { at: 500 })]), ME);
    expect(first.map((c) => c.callID)).toEqual(['a']);
    const second = m.loadRecords(recordsOf([call('c', { at: 700 }), call('a', { at: 600 }), call('b', { at: 500 })]), ME);
    expect(second.map((c) => c.callID)).toEqual(['c']);
    expect(m.state.calls.map((c) => c.callID)).toEqual(['c', 'a', 'b']);
    expect(m.state.count).toBe(2);
  });

  it('keeps calls learnt from records when a later page does not hold them', () => {
    const m = new MissedCalls(0);
    m.onRecord(record('r1', { at: 2000 }), ME);
    m.loadRecords(recordsOf([call('a', { at: 600 })]), ME);
    expect(m.state.calls.map((c) => c.callID)).toEqual(['r1', 'a']);
  });
});

describe('MissedCalls: onEnded and onRecord', () => {
  it('onEnded adds a missed call once and returns it', () => {
    const m = new MissedCalls(0);
    const c = call('x', { at: 1500, video: true });
    expect(m.onEnded(c, ME)).toEqual({ callID: 'x', from: 'alice', at: 1500, media: 'video' });
    expect(m.onEnded(c, ME)).toBeNull();
    expect(m.state).toEqual({ count: 1, calls: [{ callID: 'x', from: 'alice', at: 1500, media: 'video' }] });
  });

  it.each(['outgoing', 'answered', 'rejected', 'stillStarted', 'notMine'])('onEnded ignores %s', (id) => {
    const m = new MissedCalls(0);
    const c = mixed.find((x) => x.callID === id);
    if (!c) throw new Error(id);
    expect(m.onEnded(c, ME)).toBeNull();
    expect(m.state).toEqual({ count: 0, calls: [] });
  });

  it('onEnded skips a call loadRecords already knows', () => {
    const m = new MissedCalls(0);
    m.loadRecords(recordsOf([call('x')]), ME);
    expect(m.onEnded(call('x'), ME)).toBeNull();
    expect(m.state.calls).toHaveLength(1);
  });

  it('records say the media too (the inviter\'s extendedData)', () => {
    const m = new MissedCalls(0);
    expect(m.onRecord({ ...record('v', { at: 10 }), extendedData: '{"media":"video"}' }, ME)?.media).toBe('video');
  });

  it('onRecord counts missed and cancelled invitee outcomes, as audio', () => {
    const m = new MissedCalls(0);
    expect(m.onRecord(record('r1', { at: 10, outcome: 'missed' }), ME)).toEqual({ callID: 'r1', from: 'alice', at: 10, media: 'audio' });
    expect(m.onRecord(record('r2', { at: 20, outcome: 'cancelled' }), ME)?.callID).toBe('r2');
    expect(m.state.calls.map((c) => c.callID)).toEqual(['r2', 'r1']);
  });

  it.each<[string, Parameters<typeof record>[1]]>([
    ['an answered call', { outcome: 'answered' }],
    ['a declined call', { outcome: 'rejected' }],
    ['a busy reject', { outcome: 'busy' }],
    ['a DND reject', { outcome: 'dnd' }],
    ['my own outgoing call', { role: 'inviter', outcome: 'noAnswer' }],
  ])('onRecord ignores %s', (_name, o) => {
    const m = new MissedCalls(0);
    expect(m.onRecord(record('r', o), ME)).toBeNull();
    expect(m.state.calls).toEqual([]);
  });

  it('onRecord ignores a record I am not in', () => {
    const m = new MissedCalls(0);
    expect(m.onRecord(record('r'), asUserId('zed'))).toBeNull();
  });

  it('onRecord and onEnded dedupe each other', () => {
    const m = new MissedCalls(0);
    expect(m.onEnded(call('x'), ME)).not.toBeNull();
    expect(m.onRecord(record('x'), ME)).toBeNull();
    expect(m.onRecord(record('y'), ME)).not.toBeNull();
    expect(m.onEnded(call('y'), ME)).toBeNull();
    expect(m.state.calls).toHaveLength(2);
  });
});

describe('MissedCalls: markSeen', () => {
  it('zeroes the count and returns the new seenAt', () => {
    const m = new MissedCalls(0);
    m.loadRecords(recordsOf([call('a', { at: 600 }), call('b', { at: 500 })]), ME);
    expect(m.markSeen(5000)).toBe(5000);
    expect(m.state.count).toBe(0);
    expect(m.state.calls).toHaveLength(2);
    m.onEnded(call('c', { at: 6000 }), ME);
    expect(m.state.count).toBe(1);
  });

  it('never sets seenAt before a listed call (server clock ahead of ours)', () => {
    const m = new MissedCalls(0);
    m.loadRecords(recordsOf([call('a', { at: 9000 })]), ME);
    expect(m.markSeen(5000)).toBe(9000);
    expect(m.state.count).toBe(0);
  });

  it('a call ringing when markSeen ran and missed afterwards is counted', () => {
    const m = new MissedCalls(0);
    const ringingSince = 1000;
    m.markSeen(2000);
    expect(m.onEnded(call('late', { at: ringingSince, endedAt: 3000 }), ME)).not.toBeNull();
    expect(m.state.count).toBe(1);
    expect(m.state.calls[0]?.at).toBe(ringingSince); // listed by when it came in
  });
});
