import { afterEach, describe, expect, it } from 'vitest';
import { useAutoCloseTimer } from '../../calls/autoClose.ts';
import { asDeviceId, asUserId } from '../../../../shared/protocol/common.ts';
import type { CallView } from '../../../../shared/ipc/model.ts';
import { makeCall, makeContact, makeSnapshot, makeView } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

function open(view: CallView, me = 'alice'): Promise<Mounted> {
  const fake = new FakeBridge({ snapshot: makeSnapshot({ calls: [view], session: null }), contacts: [makeContact('bob', 'online', false, 'Bob Stone')] });
  fake.snapshot = { ...fake.snapshot, session: { serverUrl: 'ws://x/ws', userId: view.call.users.find((u) => u.userId === me)?.userId ?? view.call.inviter, displayName: me, deviceId: asDeviceId('d1'), deviceName: 'this-pc' } };
  return mountApp({ fake, path: `/call/${view.call.callID}` });
}

describe('call ended', () => {
  it('says which other device answered', async () => {
    const call = makeCall({ callID: 'e1', inviter: 'alice', users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'bob', { handledElsewhere: { deviceId: asDeviceId('bob-desk'), deviceName: 'bob-desk', action: 'accepted' } }), 'bob');
    expect(m.find('screen-call-ended')).not.toBeNull();
    expect(m.text('handled-elsewhere')).toBe('Answered on bob-desk');
    // The call goes on on the desk: this card says where, never "Call ended".
    expect(m.get('handled-elsewhere').tagName).toBe('H1');
    expect(m.text('screen-call-ended')).not.toContain('Call ended');
    expect(m.find('call-ended-reason')).toBeNull();
  });

  it('a window opened after the call (re-created) still says how long it lasted, from main\'s connectedAt', async () => {
    const call = makeCall({ callID: 'e9', inviter: 'alice', callState: 'ended', endReason: 'ended', endedAt: 1_000_000 + 65_000, users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'alice', { connectedAt: 1_000_000, endedBy: asUserId('alice') }));
    expect(m.text('call-ended-duration')).toContain('1:05');
    m.unmount();
    // Never connected here: no duration line.
    m = await open(makeView({ ...call, callID: 'e10' as typeof call.callID }, 'alice', { connectedAt: null, endedBy: asUserId('alice') }));
    expect(m.find('call-ended-duration')).toBeNull();
    m.unmount();
    // Connected and ended within a second: no "Duration 00:00", which reads as a call that never connected.
    m = await open(makeView({ ...call, callID: 'e11' as typeof call.callID, endedAt: 1_000_000 + 400 }, 'alice', { connectedAt: 1_000_000, endedBy: asUserId('alice') }));
    expect(m.find('screen-call-ended')).not.toBeNull();
    expect(m.find('call-ended-duration')).toBeNull();
  });

  it('says which other device declined', async () => {
    const call = makeCall({ callID: 'e2', inviter: 'alice', callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'rejected', reason: 'declined' }] });
    m = await open(makeView(call, 'bob', { handledElsewhere: { deviceId: asDeviceId('bob-laptop'), deviceName: 'bob-laptop', action: 'rejected' } }), 'bob');
    expect(m.text('handled-elsewhere')).toBe('Declined on bob-laptop');
  });

  it('has no handled-elsewhere line for a call handled here', async () => {
    const call = makeCall({ callID: 'e3', callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'rejected', reason: 'declined' }] });
    m = await open(makeView(call, 'alice'));
    expect(m.find('handled-elsewhere')).toBeNull();
    expect(m.text('call-ended-reason')).toBe('Bob Stone declined');
    // 1:1: the reason names them; a list saying "Bob Stone declined" again would repeat it.
    expect(m.find('ended-participant-bob')).toBeNull();
    expect(m.text('screen-call-ended').match(/Bob Stone/g)).toHaveLength(1);
  });

  it('a group call\'s caller sees how each invitee answered', async () => {
    const call = makeCall({ callID: 'e3g', callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'rejected', reason: 'busy' }, { userId: 'carol', state: 'timeout' }] });
    m = await open(makeView(call, 'alice'));
    expect(m.get('ended-participant-bob').getAttribute('data-state')).toBe('rejected');
    expect(m.text('ended-participant-bob')).toContain('busy');
    expect(m.get('ended-participant-carol').getAttribute('data-state')).toBe('timeout');
  });

  it('tells busy and DND apart for the caller', async () => {
    const call = makeCall({ callID: 'e4', callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'bob', state: 'rejected', reason: 'dnd' }] });
    m = await open(makeView(call, 'alice'));
    expect(m.text('call-ended-reason')).toBe('Bob Stone is in do not disturb');
  });

  it('calls a timed-out invitation a missed call', async () => {
    const call = makeCall({ callID: 'e5', inviter: 'bob', callState: 'ended', endReason: 'allAnswered', users: [{ userId: 'alice', state: 'timeout' }] });
    m = await open(makeView(call, 'alice'));
    expect(m.text('call-ended-reason')).toBe('Missed call from Bob Stone');
  });

  it('names who ended the call, from main\'s view (a re-created window opens on the snapshot and still knows)', async () => {
    const call = makeCall({ callID: 'e5b', callState: 'ended', endReason: 'ended', endedAt: 2, users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'alice', { endedBy: asUserId('bob') }));
    expect(m.text('call-ended-reason')).toBe('Bob Stone ended the call');
    m.unmount();
    m = await open(makeView(call, 'alice', { endedBy: asUserId('alice') }));
    expect(m.text('call-ended-reason')).toBe('You ended the call');
  });

  it('dismisses: tells main and goes home', async () => {
    const call = makeCall({ callID: 'e6', callState: 'ended', endReason: 'ended', users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'alice'));
    expect(document.activeElement).toBe(m.get('dismiss-call'));
    click(m.get('dismiss-call'));
    await settle();
    expect(m.fake.argsOf('dismissCall')).toEqual([{ callID: 'e6' }]);
    expect(m.router.currentRoute.value.name).toBe('home');
    expect(m.find('screen-home')).not.toBeNull();
  });

  it('a dismiss answered after the user moved on (a new call\'s screen, history) leaves them there', async () => {
    const call = makeCall({ callID: 'e8', callState: 'ended', endReason: 'ended', users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'alice'));
    const reply: { answer?: () => void } = {};
    m.fake.handle('dismissCall', () => new Promise((resolve) => (reply.answer = () => resolve({}))));
    click(m.get('dismiss-call'));
    await settle();
    await m.router.push({ name: 'history' });
    await settle();
    reply.answer?.();
    await settle();
    expect(m.router.currentRoute.value.name).toBe('history');
  });

  it('"Answered on <device>" closes by itself after a few seconds (injected timer)', async () => {
    const timers: { ms: number; fire: () => void; stopped: boolean }[] = [];
    const restore = useAutoCloseTimer({
      start(ms, fire) {
        const t = { ms, fire, stopped: false };
        timers.push(t);
        return () => {
          t.stopped = true;
        };
      },
    });
    try {
      const call = makeCall({ callID: 'e7', inviter: 'alice', users: [{ userId: 'bob', state: 'accepted' }] });
      m = await open(makeView(call, 'bob', { handledElsewhere: { deviceId: asDeviceId('bob-desk'), deviceName: 'bob-desk', action: 'accepted' } }), 'bob');
      expect(m.text('handled-elsewhere')).toBe('Answered on bob-desk');
      expect(m.find('call-back')).toBeNull();
      expect(timers).toHaveLength(1);
      expect(timers[0]?.ms).toBeGreaterThanOrEqual(2000);
      expect(m.fake.argsOf('dismissCall')).toEqual([]);
      timers[0]?.fire();
      await settle();
      expect(m.fake.argsOf('dismissCall')).toEqual([{ callID: 'e7' }]);
      expect(m.router.currentRoute.value.name).toBe('home');
    } finally {
      restore();
    }
  });

  it('an ended call of mine offers Call back with the same kind, and no auto-close', async () => {
    const call = makeCall({ callID: 'e8', callState: 'ended', endReason: 'ended', media: 'video', endedAt: 1_000, users: [{ userId: 'bob', state: 'accepted' }] });
    m = await open(makeView(call, 'alice'));
    expect(m.find('ended-participant-bob')).toBeNull();
    expect(m.text('screen-call-ended')).not.toContain('in the call');
    // Ended by someone else: the title says it all; "The call has ended" under "Call ended" would repeat it.
    expect(m.find('call-ended-reason')).toBeNull();
    m.fake.handle('callInvite', (a) => ({ call: makeView(makeCall({ callID: 'c-back', media: a.media, users: a.invitees.map((userId) => ({ userId, state: 'inviting' as const })) }), 'alice'), errorInvitees: [] }));
    click(m.get('call-back'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob'], media: 'video', mode: 'normal' }]);
    expect(m.router.currentRoute.value.fullPath).toBe('/call/c-back');
  });

  it('shows an empty state for an unknown call', async () => {
    m = await mountApp({ path: '/call/nope' });
    expect(m.text('call-not-found')).toContain('This call is no longer here.');
  });
});
