import { afterEach, describe, expect, it } from 'vitest';
import type { CallView } from '../../../../shared/ipc/model.ts';
import { makeCall, makeContact, makeSnapshot, makeView } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, key, mountApp, settle, type Mounted } from '../../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const ringing = makeCall({ callID: 'in1', inviter: 'bob', media: 'video', users: [{ userId: 'alice', state: 'received' }] });
const view = makeView(ringing, 'alice');

function fake(): FakeBridge {
  const f = new FakeBridge({ snapshot: makeSnapshot({ calls: [view] }), contacts: [makeContact('bob', 'online', false, 'Bob Stone')] });
  const answered = (state: 'accepted' | 'rejected'): CallView =>
    makeView({ ...ringing, version: 2, users: ringing.users.map((u) => (u.userId === 'alice' ? { ...u, state, delivery: null } : u)) }, 'alice');
  f.handle('callAccept', () => ({ call: answered('accepted') }));
  f.handle('callReject', () => ({ call: makeView({ ...answered('rejected').call, callState: 'ended', endReason: 'allAnswered', endedAt: ringing.createdAt + 1000 }, 'alice') }));
  return f;
}

async function open(): Promise<Mounted> {
  return mountApp({ fake: fake(), path: '/call/in1' });
}

describe('incoming call', () => {
  it('shows the caller and the call type, with labelled buttons', async () => {
    m = await open();
    expect(m.find('screen-incoming')).not.toBeNull();
    expect(m.text('incoming-caller')).toBe('Bob Stone');
    expect(m.text('incoming-media')).toBe('Video call');
    expect(m.get('accept-audio').getAttribute('aria-label')).toBe('Accept audio from Bob Stone') // the visible label is part of the name (axe label-content-name-mismatch);
    expect(m.get('accept-video').getAttribute('aria-label')).toBe('Accept video from Bob Stone');
    expect(m.get('decline').getAttribute('aria-label')).toBe('Decline the call from Bob Stone');
    for (const id of ['accept-audio', 'accept-video', 'decline']) {
      expect(m.get(id).tagName).toBe('BUTTON');
      expect(m.get(id).tabIndex).toBe(0);
    }
  });

  it('moves focus to Accept', async () => {
    m = await open();
    expect(document.activeElement).toBe(m.get('accept-audio'));
  });

  it('accepts as audio by click and shows the in-call screen', async () => {
    m = await open();
    click(m.get('accept-audio'));
    await settle();
    expect(m.fake.argsOf('callAccept')).toEqual([{ callID: 'in1', media: 'audio' }]);
    expect(m.find('screen-in-call')).not.toBeNull();
    expect(m.router.currentRoute.value.fullPath).toBe('/call/in1');
  });

  it('accepts as video by click', async () => {
    m = await open();
    click(m.get('accept-video'));
    await settle();
    expect(m.fake.argsOf('callAccept')).toEqual([{ callID: 'in1', media: 'video' }]);
  });

  it('accepts with Enter on the focused Accept button, once', async () => {
    m = await open();
    const accept = m.get('accept-audio');
    expect(document.activeElement).toBe(accept);
    key(accept, 'Enter');
    await settle();
    expect(m.fake.argsOf('callAccept')).toEqual([{ callID: 'in1', media: 'audio' }]);
    expect(m.fake.argsOf('callReject')).toEqual([]);
  });

  it('declines by click, and goes back home: no "You declined the call — Close" page to dismiss', async () => {
    m = await open();
    click(m.get('decline'));
    await settle();
    expect(m.fake.argsOf('callReject')).toEqual([{ callID: 'in1' }]);
    expect(m.find('screen-call-ended')).toBeNull();
    expect(m.router.currentRoute.value.name).toBe('home');
    expect(m.fake.argsOf('dismissCall')).toEqual([{ callID: 'in1' }]);
  });

  it('declining a group call that goes on leaves its ended page up, which offers to join', async () => {
    const group = makeCall({ callID: 'g1', inviter: 'bob', mode: 'advanced', users: [{ userId: 'alice', state: 'received' }, { userId: 'carol', state: 'accepted' }] });
    const f = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(group, 'alice')] }), contacts: [makeContact('bob')] });
    f.handle('callReject', () => ({ call: makeView({ ...group, version: 2, users: group.users.map((u) => (u.userId === 'alice' ? { ...u, state: 'rejected' as const } : u)) }, 'alice') }));
    m = await mountApp({ fake: f, path: '/call/g1' });
    click(m.get('decline'));
    await settle();
    expect(m.text('call-ended-reason')).toBe('You declined the call');
    expect(m.find('rejoin-call')).not.toBeNull();
    expect(m.fake.argsOf('dismissCall')).toEqual([]);
  });

  it('declines with Enter on Decline (reached by Tab order) and with Escape anywhere', async () => {
    m = await open();
    const decline = m.get('decline');
    decline.focus();
    key(decline, 'Enter');
    await settle();
    expect(m.fake.argsOf('callReject')).toEqual([{ callID: 'in1' }]);
    m.unmount();

    m = await open();
    key(document.body, 'Escape');
    await settle();
    expect(m.fake.argsOf('callReject')).toEqual([{ callID: 'in1' }]);
    expect(m.fake.argsOf('callAccept')).toEqual([]);
  });

  it('shows why an accept failed', async () => {
    m = await open();
    m.fake.fail('callAccept', 'already_answered');
    click(m.get('accept-audio'));
    await settle();
    expect(m.text('incoming-error')).toBe('The call was already answered.');
  });

  it('goes away when the caller cancels: a missed call is a badge and a history entry, not a blocking screen', async () => {
    m = await open();
    const cancelled = { ...ringing, version: 3, callState: 'ended' as const, endReason: 'cancelled' as const, endedAt: ringing.createdAt + 2000, users: ringing.users.map((u) => (u.userId === 'alice' ? { ...u, state: 'cancelled' as const } : u)) };
    m.fake.emit('calls', { calls: [makeView(cancelled, 'alice')] });
    await settle();
    expect(m.find('screen-incoming')).toBeNull();
    expect(m.find('screen-call-ended')).toBeNull();
    expect(m.router.currentRoute.value.name).toBe('home');
    expect(m.fake.argsOf('dismissCall')).toEqual([{ callID: ringing.callID }]);
  });
});

describe('following the calls', () => {
  it('opens a ringing call from anywhere and focuses Accept', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts: [makeContact('bob')] }), path: '/history' });
    expect(m.find('screen-history')).not.toBeNull();
    m.fake.emit('calls', { calls: [view] });
    await settle();
    expect(m.router.currentRoute.value.fullPath).toBe('/call/in1');
    expect(m.find('screen-incoming')).not.toBeNull();
    expect(document.activeElement).toBe(m.get('accept-audio'));
  });

  it('obeys navigate events; "dial" asks first, with Call focused, and calls only when Call is pressed', async () => {
    const f = new FakeBridge({ contacts: [makeContact('bob')] });
    f.handle('callInvite', (a) => ({ call: makeView(makeCall({ callID: 'd1', users: a.invitees.map((userId) => ({ userId, state: 'inviting' as const })) }), 'alice'), errorInvitees: [] }));
    m = await mountApp({ fake: f });
    m.fake.emit('navigate', { to: 'settings' });
    await settle();
    expect(m.router.currentRoute.value.name).toBe('settings');
    m.fake.emit('navigate', { to: 'missed' });
    await settle();
    expect(m.router.currentRoute.value.fullPath).toBe('/history?filter=missed');
    m.fake.emit('navigate', { to: 'dial', userId: makeContact('bob').userId, media: 'video' });
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([]);
    expect(m.router.currentRoute.value.name).toBe('home');
    expect(m.text('dial-prompt-media')).toBe('Video call');
    expect(document.activeElement).toBe(m.get('dial-prompt-call'));
    click(m.get('dial-prompt-call'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob'], media: 'video', mode: 'normal' }]);
    expect(m.find('dial-prompt')).toBeNull();
    expect(m.router.currentRoute.value.fullPath).toBe('/call/d1');
    expect(m.find('screen-outgoing')).not.toBeNull();
  });

  it('a dial prompt that is cancelled places no call', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts: [makeContact('bob')] }) });
    m.fake.emit('navigate', { to: 'dial', userId: makeContact('bob').userId });
    await settle();
    expect(m.text('dial-prompt-media')).toBe('Audio call');
    click(m.get('dial-prompt-cancel'));
    await settle();
    expect(m.find('dial-prompt')).toBeNull();
    expect(m.fake.argsOf('callInvite')).toEqual([]);
  });

  it('leaves the ringing window where it is', async () => {
    m = await mountApp({ fake: fake(), path: '/ringing/in1' });
    m.fake.emit('navigate', { to: 'settings' });
    await settle();
    expect(m.router.currentRoute.value.fullPath).toBe('/ringing/in1');
    expect(m.find('connection-banner')).toBeNull();
    expect(m.text('incoming-caller')).toBe('Bob Stone');
  });
});
