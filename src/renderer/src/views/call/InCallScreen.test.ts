import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asUserId } from '../../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeSnapshot, makeView, T0 } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../../testing/mountApp.ts';

let m: Mounted | null = null;
beforeEach(() => {
  // Only the clock and intervals: promises and setTimeout stay real so replies land.
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(T0 + 65_000);
});
afterEach(() => {
  m?.unmount();
  m = null;
  vi.useRealTimers();
});

const contacts = [makeContact('bob', 'online', false, 'Bob Stone'), makeContact('carol'), makeContact('dave')];
const advanced = makeCall({
  callID: 'live1',
  mode: 'advanced',
  createdAt: T0,
  users: [
    { userId: 'bob', state: 'accepted' },
    { userId: 'carol', state: 'received' },
  ],
});

function open(call = advanced): Promise<Mounted> {
  const fake = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(call, 'alice')] }), contacts });
  fake.handle('callEnd', () => ({ call: makeView({ ...call, version: 9, callState: 'ended', endReason: 'ended', endedAt: Date.now() }, 'alice', { endedBy: asUserId('alice') }) }));
  fake.handle('callQuit', () => ({ call: makeView({ ...call, version: 9, users: call.users.map((u) => (u.userId === 'alice' ? { ...u, state: 'quit' as const } : u)) }, 'alice') }));
  fake.handle('callingInvite', (a) => ({ call: makeView({ ...call, version: 9, users: [...call.users, ...a.invitees.map((userId) => ({ userId, state: 'inviting' as const, extendedData: '', invitedBy: call.inviter, reason: null, delivery: null }))] }, 'alice') }));
  return mountApp({ fake, path: '/call/live1' });
}

describe('in call', () => {
  it('lists the participants with their states', async () => {
    m = await open();
    expect(m.find('screen-in-call')).not.toBeNull();
    expect(m.get('participant-alice').getAttribute('data-state')).toBe('accepted');
    expect(m.get('participant-bob').getAttribute('data-state')).toBe('accepted');
    expect(m.text('participant-bob')).toContain('Bob Stone');
    expect(m.get('participant-carol').getAttribute('data-state')).toBe('received');
    expect(m.text('participant-carol')).toContain('ringing');
  });

  it('counts the call time in mm:ss', async () => {
    m = await open();
    expect(m.text('call-timer')).toBe('01:05');
    vi.advanceTimersByTime(2000);
    await settle();
    expect(m.text('call-timer')).toBe('01:07');
  });

  it('starts the timer when the call is answered, not when it was placed', async () => {
    const ringing = makeCall({ callID: 'live1', createdAt: T0, users: [{ userId: 'bob', state: 'received' }] });
    const fake = new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(ringing, 'alice')] }), contacts });
    m = await mountApp({ fake, path: '/call/live1' });
    expect(m.find('screen-outgoing')).not.toBeNull();
    m.fake.emit('calls', { calls: [makeView({ ...ringing, version: 2, users: ringing.users.map((u) => (u.userId === 'bob' ? { ...u, state: 'accepted' as const, delivery: null } : u)) }, 'alice')] });
    await settle();
    expect(m.text('call-timer')).toBe('00:00');
    vi.advanceTimersByTime(3000);
    await settle();
    expect(m.text('call-timer')).toBe('00:03');
  });

  it('toggles mute and camera, and mute follows the global shortcut', async () => {
    m = await open();
    const mute = m.get('mute');
    // One name that says what the button does; the state is aria-pressed; the tooltip names the next action and its keys.
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    expect(mute.getAttribute('aria-label')).toBe('Mute');
    expect(mute.textContent?.trim()).toBe('Mute');
    expect(mute.getAttribute('title')).toBe('Mute (Ctrl+Shift+M)');
    expect(mute.getAttribute('aria-keyshortcuts')).toBe('Control+Shift+M');
    click(mute);
    await settle();
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    expect(mute.getAttribute('aria-label')).toBe('Mute');
    expect(mute.getAttribute('title')).toBe('Unmute (Ctrl+Shift+M)');
    m.fake.emit('shortcut', { action: 'toggleMute' });
    await settle();
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    // The in-app shortcut, while the window has focus.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'M', code: 'KeyM', ctrlKey: true, shiftKey: true }));
    await settle();
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'M', code: 'KeyM', ctrlKey: true }));
    await settle();
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    const camera = m.get('camera');
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    expect(camera.getAttribute('aria-label')).toBe('Camera');
    expect(camera.getAttribute('title')).toBe('Turn camera on (Ctrl+Shift+O)');
    click(camera);
    await settle();
    // happy-dom has no camera: the button stays off and the screen says why.
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    expect(m.get('media-problem-camera').getAttribute('data-problem')).toBe('unsupported');
  });

  it('stops listening to the shortcut when the screen goes', async () => {
    m = await open();
    expect(m.fake.listeners('shortcut')).toBe(1);
    await m.router.push('/');
    await settle();
    expect(m.fake.listeners('shortcut')).toBe(0);
  });

  it('ends the call', async () => {
    m = await open();
    click(m.get('end-call'));
    await settle();
    expect(m.fake.argsOf('callEnd')).toEqual([{ callID: 'live1' }]);
    expect(m.find('screen-call-ended')).not.toBeNull();
    expect(m.text('call-ended-reason')).toBe('You ended the call');
  });

  it('the control bar holds every control, each with an icon and a name', async () => {
    m = await open();
    for (const id of ['mute', 'camera', 'screen-share', 'devices-toggle', 'quality-toggle', 'more', 'end-call']) {
      const b = m.get(id);
      expect(b.closest('[data-testid="control-bar"]'), id).not.toBeNull();
      expect(b.querySelector('svg'), id).not.toBeNull();
      expect(b.getAttribute('aria-label'), id).toBeTruthy();
      expect(b.getAttribute('title'), id).toBeTruthy();
    }
    expect(m.get('screen-share').getAttribute('title')).toBe('Share your screen (Ctrl+Shift+E)');
  });

  it('shows the user by display name, and a group call started with video as a video call', async () => {
    m = await open(makeCall({ callID: 'live1', createdAt: T0, mode: 'advanced', media: 'video', users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] }));
    expect(m.text('screen-in-call')).toContain('Video call');
    expect(m.text('participant-alice')).toContain('ALICE'); // the session's display name (fixtures upper-case it)
    expect(m.text('participant-alice')).not.toContain('alice (you)');
  });

  it('in advanced mode, invites more (excluding members) and quits', async () => {
    m = await open();
    click(m.get('more'));
    await settle();
    click(m.get('invite-more'));
    await settle();
    expect(m.find('pick-bob')).toBeNull();
    expect(m.find('pick-carol')).toBeNull();
    expect(m.text('picker-confirm')).toContain('(0/7)');
    click(m.get('pick-dave'));
    await settle();
    click(m.get('picker-confirm'));
    await settle();
    expect(m.fake.argsOf('callingInvite')).toEqual([{ callID: 'live1', invitees: ['dave'] }]);
    expect(m.get('participant-dave').getAttribute('data-state')).toBe('inviting');
    click(m.get('more'));
    await settle();
    click(m.get('quit-call'));
    await settle();
    expect(m.fake.argsOf('callQuit')).toEqual([{ callID: 'live1' }]);
    expect(m.text('call-ended-reason')).toBe('You left the call');
  });

  it('in normal mode, offers end but not invite or quit', async () => {
    m = await open(makeCall({ callID: 'live1', createdAt: T0, users: [{ userId: 'bob', state: 'accepted' }] }));
    expect(m.find('screen-in-call')).not.toBeNull();
    expect(m.find('invite-more')).toBeNull();
    expect(m.find('quit-call')).toBeNull();
    expect(m.find('end-call')).not.toBeNull();
  });
});
