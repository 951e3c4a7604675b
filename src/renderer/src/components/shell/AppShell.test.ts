import { afterEach, describe, expect, it } from 'vitest';
import { asCallId, asUserId } from '../../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeSnapshot, makeView } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, mountApp, settle, typeInto, type Mounted } from '../../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const current = (): string[] => [...document.querySelectorAll('nav[aria-label="Main"] a[aria-current="page"]')].map((a) => a.getAttribute('data-testid') ?? '');

describe('the app shell', () => {
  it('navigates between Calls, Directory and Settings, marking the current one', async () => {
    m = await mountApp();
    expect(m.find('app-shell')).not.toBeNull();
    expect(document.querySelector('nav[aria-label="Main"]')).not.toBeNull();
    expect(current()).toEqual(['nav-calls']);
    for (const [nav, screen, route] of [['nav-directory', 'screen-directory', 'directory'], ['nav-settings', 'screen-settings', 'settings'], ['nav-calls', 'screen-home', 'home']] as const) {
      click(m.get(nav));
      await settle();
      expect({ route: m.router.currentRoute.value.name, screen: m.find(screen) !== null, current: current() }).toEqual({ route, screen: true, current: [nav] });
    }
    expect(m.text('nav-calls')).toBe('Calls');
  });

  it('shows who is signed in and their presence in the top bar', async () => {
    m = await mountApp();
    const me = m.get('shell-me');
    expect(me.getAttribute('title')).toBe('Signed in as ALICE');
    expect(me.querySelector('[data-presence]')?.getAttribute('data-presence')).toBe('online');
  });

  it('the missed badge counts on the Calls item, capped at 99+', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ missed: { count: 120, calls: [] } }) }) });
    expect(m.text('missed-count')).toBe('99+');
    expect(m.get('nav-calls').textContent).toContain('Missed calls: 120');
    m.fake.emit('missedCalls', { count: 1, calls: [{ callID: asCallId('m1'), from: asUserId('bob'), at: 1, media: 'audio' }] });
    await settle();
    expect(m.text('missed-count')).toBe('1');
  });

  it('call screens and sign-in are not in the shell', async () => {
    const ringing = makeView(makeCall({ callID: 'c1', inviter: 'bob', users: [{ userId: 'alice', state: 'received' }] }), 'alice');
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ calls: [ringing] }) }) });
    expect(m.router.currentRoute.value.name).toBe('call');
    expect(m.find('screen-incoming')).not.toBeNull();
    expect(m.find('app-shell')).toBeNull();
    m.unmount();
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ session: null }) }) });
    expect(m.find('screen-signin')).not.toBeNull();
    expect(m.find('app-shell')).toBeNull();
  });

  it('the group-call picker on home searches without filling the shell\'s search box or leaving home', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts: [makeContact('bob'), makeContact('carol')] }) });
    click(m.get('multi-party'));
    await settle();
    typeInto(m.get('picker-search'), 'car');
    await settle();
    expect((m.get('contact-search') as HTMLInputElement).value).toBe('');
    expect(m.router.currentRoute.value.name).toBe('home');
  });
});
