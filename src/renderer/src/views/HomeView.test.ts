import { afterEach, describe, expect, it } from 'vitest';
import { asCallId, asUserId } from '../../../shared/protocol/common.ts';
import { makeCall, makeConnection, makeContact, makeDnd, makeSnapshot, makeView } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const contacts = [makeContact('bob', 'online'), makeContact('carol', 'offline'), makeContact('dave', 'online', true, 'Dave Do-Not-Disturb')];

function withCalls(): FakeBridge {
  const fake = new FakeBridge({ contacts });
  fake.handle('callInvite', (a) => {
    const call = makeCall({ callID: 'c-new', mode: a.mode, media: a.media, users: a.invitees.map((userId) => ({ userId, state: 'inviting' as const })) });
    return { call: makeView(call, 'alice'), errorInvitees: [] };
  });
  return fake;
}

describe('home', () => {
  it('lists contacts with their presence', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    expect(m.find('screen-home')).not.toBeNull();
    expect(m.text('presence-bob')).toBe('online');
    expect(m.text('presence-carol')).toBe('offline');
    expect(m.text('presence-dave')).toBe('DND');
    expect(m.text('contact-carol')).toContain('CAROL');
    expect(m.get('call-audio-bob').getAttribute('aria-label')).toBe('Audio call BOB');
    expect(m.get('call-video-carol').getAttribute('aria-label')).toBe('Video call CAROL');
  });

  it('patches presence from presence events', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    m.fake.emit('presence', { users: [{ userId: asUserId('carol'), presence: 'online', dnd: false }, { userId: asUserId('bob'), presence: 'online', dnd: true }] });
    await settle();
    expect(m.text('presence-carol')).toBe('online');
    expect(m.text('presence-bob')).toBe('DND');
  });

  it('shows presence as unknown while the connection is down, and as it is once back', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    m.fake.emit('connection', makeConnection('reconnecting', { retryInMs: 5000 }));
    await settle();
    expect(m.text('presence-bob')).toBe('status unknown'); // not the "online" of before the drop
    expect(m.get('contact-bob').querySelector('[data-presence]')).toBeNull(); // no ring on the avatar
    m.fake.emit('connection', makeConnection('connected'));
    await settle();
    expect(m.text('presence-bob')).toBe('online');
    expect(m.get('contact-bob').querySelector('[data-presence]')?.getAttribute('data-presence')).toBe('online');
  });

  it('shows favorites and recents in their own sections, and stars and un-stars people', async () => {
    const fake = new FakeBridge({ contacts: [makeContact('bob')], recents: [makeContact('erin', 'offline'), makeContact('bob')] });
    m = await mountApp({ fake });
    expect(m.get('section-favorites').textContent).toContain('BOB');
    expect(m.get('section-recents').textContent).toContain('ERIN');
    expect(m.get('section-recents').textContent).not.toContain('BOB'); // shown once, as a favorite
    expect(m.get('favorite-erin').getAttribute('aria-label')).toBe('Add ERIN to favorites');
    click(m.get('favorite-erin'));
    await settle();
    expect(m.fake.argsOf('favoriteAdd')).toEqual([{ userId: 'erin' }]);
    expect(m.get('section-favorites').textContent).toContain('ERIN');
    expect(m.get('favorite-erin').getAttribute('aria-pressed')).toBe('true');
    click(m.get('favorite-bob'));
    await settle();
    expect(m.fake.argsOf('favoriteRemove')).toEqual([{ userId: 'bob' }]);
    // Another device changed the favorites: main says so with a people event.
    m.fake.emit('people', { favorites: [], recents: [makeContact('bob')] });
    await settle();
    expect(m.find('section-favorites')).toBeNull();
    expect(m.get('section-recents').textContent).toContain('BOB');
  });

  it('says so when there is nobody to show yet, and shows a failed load with a retry', async () => {
    const fake = new FakeBridge();
    fake.fail('getPeople', 'request_timeout');
    m = await mountApp({ fake });
    expect(m.text('contacts-error')).toContain('The server took too long to answer.');
    click(m.get('contacts-error').querySelector('button') as HTMLElement); // the retry button is the only one
    await settle();
    expect(m.find('contacts-error')).toBeNull();
    expect(m.text('contacts-empty')).toBe('No favorites or recent calls yet. Search the directory to find people.');
    click(m.get('find-people'));
    await settle();
    expect(m.router.currentRoute.value.name).toBe('directory');
  });

  it('places an audio call and opens the outgoing screen', async () => {
    m = await mountApp({ fake: withCalls() });
    click(m.get('call-audio-bob'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob'], media: 'audio', mode: 'normal' }]);
    expect(m.fake.refused).toEqual([]);
    expect(m.router.currentRoute.value.fullPath).toBe('/call/c-new');
    expect(m.find('screen-outgoing')).not.toBeNull();
    expect(m.get('invitee-bob').getAttribute('data-state')).toBe('inviting');
  });

  it('places a video call', async () => {
    m = await mountApp({ fake: withCalls() });
    click(m.get('call-video-carol'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['carol'], media: 'video', mode: 'normal' }]);
  });

  it('shows why a call could not be placed', async () => {
    m = await mountApp({ fake: withCalls() });
    m.fake.fail('callInvite', 'already_in_call');
    click(m.get('call-audio-bob'));
    await settle();
    expect(m.text('home-error')).toBe('You are already in a call.');
    expect(m.router.currentRoute.value.name).toBe('home');
  });

  it('starts a multi-party (advanced) call with the picked contacts', async () => {
    m = await mountApp({ fake: withCalls() });
    click(m.get('multi-party'));
    await settle();
    click(m.get('pick-bob'));
    click(m.get('pick-carol'));
    await settle();
    expect(m.text('picker-confirm')).toContain('(2/9)');
    click(m.get('picker-confirm'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob', 'carol'], media: 'audio', mode: 'advanced' }]);
    expect(m.router.currentRoute.value.fullPath).toBe('/call/c-new');
  });

  it('the picker keeps who is picked in sight as chips, each removable', async () => {
    m = await mountApp({ fake: withCalls() });
    click(m.get('multi-party'));
    await settle();
    expect(m.find('picked')).toBeNull();
    click(m.get('pick-bob'));
    click(m.get('pick-carol'));
    await settle();
    const names = (): string[] => [...m!.get('picked').querySelectorAll('.chip-name')].map((e) => e.textContent?.trim() ?? '');
    expect(names()).toHaveLength(2);
    expect(m.get('unpick-carol').getAttribute('aria-label')).toMatch(/^Remove /);
    click(m.get('unpick-carol'));
    await settle();
    expect(names()).toHaveLength(1);
    expect((m.get('pick-carol') as HTMLInputElement).checked).toBe(false);
    expect(m.text('picker-confirm')).toContain('(1/9)');
    click(m.get('picker-confirm'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['bob'], media: 'audio', mode: 'advanced' }]);
  });

  it('toggles DND; the line under the switch says what it does, not its own label again', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    expect(m.text('dnd-state')).toBe('Calls ring as usual.');
    const toggle = m.get('dnd-toggle') as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    expect(toggle.getAttribute('role')).toBe('switch');
    toggle.checked = true;
    toggle.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(m.fake.argsOf('setDnd')).toEqual([{ enabled: true, allowList: [] }]);
    expect(m.text('dnd-state')).toBe('Calls do not ring. Callers see that you are in do not disturb.');
    expect(m.get('shell-me').querySelector('[data-presence]')?.getAttribute('data-presence')).toBe('dnd');
    m.fake.emit('dnd', makeDnd({ os: { active: true, source: 'macFocus' }, effective: 'os' }));
    await settle();
    expect(m.text('dnd-state')).toBe('On because your system focus mode is on: calls do not ring.');
    expect(toggle.checked).toBe(false);
  });

  it('missed calls: a badge on Calls, a card on home with call back, and "Mark as seen"; no blocking screen', async () => {
    const fake = withCalls();
    fake.snapshot = makeSnapshot({ missed: { count: 2, calls: [{ callID: asCallId('m2'), from: asUserId('carol'), at: 2, media: 'video' }, { callID: asCallId('m1'), from: asUserId('bob'), at: 1, media: 'audio' }] } });
    fake.handle('markMissedSeen', () => ({ count: 0, calls: [] }));
    m = await mountApp({ fake });
    expect(m.text('missed-count')).toBe('2');
    expect(m.get('nav-calls').textContent).toContain('Missed calls: 2'); // the badge's meaning, for screen readers
    expect(m.get('missed-calls').querySelectorAll('[data-testid="missed-item"]')).toHaveLength(2);
    expect(m.text('missed-calls')).toContain('Missed video call');
    expect(m.get('missed-show').getAttribute('href')).toContain('/history?filter=missed');
    m.fake.emit('missedCalls', { count: 3, calls: [{ callID: asCallId('m3'), from: asUserId('dave'), at: 3, media: 'audio' }, { callID: asCallId('m2'), from: asUserId('carol'), at: 2, media: 'video' }, { callID: asCallId('m1'), from: asUserId('bob'), at: 1, media: 'audio' }] });
    await settle();
    expect(m.text('missed-count')).toBe('3');
    click(m.get('missed-calls').querySelector<HTMLElement>('[data-testid="missed-call-back"]') ?? document.body);
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['dave'], media: 'audio', mode: 'normal' }]);
    await m.router.push('/');
    await settle();
    click(m.get('missed-seen'));
    await settle();
    expect(m.fake.argsOf('markMissedSeen')).toHaveLength(1);
    expect(m.find('missed-calls')).toBeNull();
    expect(m.find('missed-count')).toBeNull();
  });

  it('hides the missed badge at zero; the tabs lead to the history', async () => {
    m = await mountApp();
    expect(m.find('missed-count')).toBeNull();
    expect(m.find('missed-calls')).toBeNull();
    click(m.get('nav-history'));
    await settle();
    expect(m.find('screen-history')).not.toBeNull();
    expect(m.get('nav-calls').getAttribute('aria-current')).toBe('page'); // history is part of Calls
  });
});
