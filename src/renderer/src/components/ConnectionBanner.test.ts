import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeCall, makeConnection, makeContact, makeSnapshot, makeView, T0 } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { useMediaStore } from '../stores/media.ts';
import { mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  m?.unmount();
  m = null;
  vi.useRealTimers();
});

describe('connection state: a quiet dot, a banner only when the server is out of reach', () => {
  it('connected: the dot says so and there is no banner', async () => {
    m = await mountApp();
    expect(m.get('connection-status').getAttribute('data-state')).toBe('connected');
    expect(m.get('connection-status').getAttribute('aria-label')).toBe('Connection: Connected');
    expect(m.find('connection-banner')).toBeNull();
  });

  it('in a call, the banner says the call goes on instead of "calls are unavailable"', async () => {
    m = await mountApp();
    m.fake.emit('connection', makeConnection('reconnecting', { at: T0 - 1000, retryInMs: 5000 }));
    await settle();
    expect(m.text('connection-banner-hint')).toBe('Calls are unavailable until the connection is back.');
    const ringing = makeCall({ callID: 'c1', inviter: 'bob', users: [{ userId: 'alice', state: 'received' }] });
    m.fake.emit('calls', { calls: [makeView(ringing, 'alice')] });
    const media = useMediaStore(m.pinia);
    media.callID = 'c1'; // pre-warmed while it rings: in the room, not in the call
    media.state = 'connected';
    await settle();
    expect(m.text('connection-banner-hint')).toBe('Calls are unavailable until the connection is back.');
    const answered = { ...ringing, version: 2, users: ringing.users.map((u) => ({ ...u, state: 'accepted' as const })) };
    m.fake.emit('calls', { calls: [makeView(answered, 'alice')] });
    await settle();
    expect(m.text('connection-banner-hint')).toBe('You are still in the call; Ringdesk reconnects by itself.');
    m.fake.emit('calls', { calls: [makeView({ ...answered, version: 3, callState: 'ended' }, 'alice')] }); // the call ended: calls are what is unavailable again
    await settle();
    expect(m.text('connection-banner-hint')).toBe('Calls are unavailable until the connection is back.');
  });

  it('reconnecting: a banner counts down to the next attempt from at + retryInMs, and goes when connected', async () => {
    m = await mountApp();
    m.fake.emit('connection', makeConnection('reconnecting', { at: T0 - 1000, retryInMs: 5000 }));
    await settle();
    expect(m.get('connection-banner').getAttribute('data-state')).toBe('reconnecting');
    expect(m.get('connection-status').getAttribute('data-state')).toBe('reconnecting');
    expect(m.text('connection-banner-text')).toBe('Reconnecting in 4 s');
    expect(m.text('connection-banner')).toContain('Calls are unavailable until the connection is back.');
    vi.advanceTimersByTime(1000);
    await settle();
    expect(m.text('connection-banner-text')).toBe('Reconnecting in 3 s');
    // A retry passes through 'connecting': the banner stays, it does not blink away.
    m.fake.emit('connection', makeConnection('connecting', { at: Date.now() }));
    await settle();
    expect(m.text('connection-banner-text')).toBe('Reconnecting…');
    m.fake.emit('connection', makeConnection('reconnecting', { at: T0 - 1000, retryInMs: 5000 }));
    await settle();
    vi.advanceTimersByTime(2500);
    await settle();
    expect(m.text('connection-banner-text')).toBe('Reconnecting in 1 s');
    vi.advanceTimersByTime(1000);
    await settle();
    expect(m.text('connection-banner-text')).toBe('Reconnecting…');
    m.fake.emit('connection', makeConnection('connected', { at: Date.now() }));
    await settle();
    expect(m.find('connection-banner')).toBeNull();
    expect(m.get('connection-status').getAttribute('data-state')).toBe('connected');
  });

  it('offline: the banner says so, and call buttons are disabled', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts: [makeContact('bob')], snapshot: makeSnapshot({ connection: makeConnection('closed') }) }) });
    expect(m.text('connection-banner-text')).toBe('Offline');
    expect((m.get('call-audio-bob') as HTMLButtonElement).disabled).toBe(true);
    expect((m.get('call-video-bob') as HTMLButtonElement).disabled).toBe(true);
    expect(m.get('connection-banner').getAttribute('data-state')).toBe('closed');
    expect(m.get('connection-status').getAttribute('aria-label')).toBe('Connection: Offline');
    expect(m.find('screen-home')).not.toBeNull(); // non-blocking: the screen is still there
  });

  it('first connect: the dot is pending, no banner (it would flash at every start)', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ connection: makeConnection('connecting') }) }) });
    expect(m.get('connection-status').getAttribute('aria-label')).toBe('Connection: Connecting…');
    expect(m.find('connection-banner')).toBeNull();
  });
});
