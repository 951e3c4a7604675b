import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConnection, makeSnapshot, T0 } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
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

describe('connection banner', () => {
  it('says Connected', async () => {
    m = await mountApp();
    expect(m.get('connection-banner').getAttribute('data-state')).toBe('connected');
    expect(m.text('connection-banner')).toBe('Connected');
  });

  it('counts down to the next attempt from at + retryInMs', async () => {
    m = await mountApp();
    m.fake.emit('connection', makeConnection('reconnecting', { at: T0 - 1000, retryInMs: 5000 }));
    await settle();
    const banner = m.get('connection-banner');
    expect(banner.getAttribute('data-state')).toBe('reconnecting');
    expect(m.text('connection-banner')).toBe('Reconnecting in 4 s');
    vi.advanceTimersByTime(1000);
    await settle();
    expect(m.text('connection-banner')).toBe('Reconnecting in 3 s');
    vi.advanceTimersByTime(2500);
    await settle();
    expect(m.text('connection-banner')).toBe('Reconnecting in 1 s');
    vi.advanceTimersByTime(1000);
    await settle();
    expect(m.text('connection-banner')).toBe('Reconnecting…');
    m.fake.emit('connection', makeConnection('connected', { at: Date.now() }));
    await settle();
    expect(banner.getAttribute('data-state')).toBe('connected');
    expect(m.text('connection-banner')).toBe('Connected');
  });

  it('says Offline when closed', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ connection: makeConnection('closed') }) }) });
    expect(m.text('connection-banner')).toBe('Offline');
    expect(m.get('connection-banner').getAttribute('data-state')).toBe('closed');
  });
});
