import { afterEach, describe, expect, it } from 'vitest';
import { SEARCH_DEBOUNCE_MS } from '../stores/contacts.ts';
import { asCallId, asUserId } from '../../../shared/protocol/common.ts';
import { makeCall, makeContact, makeDnd, makeSnapshot, makeView } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, typeInto, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const contacts = [makeContact('bob', 'online'), makeContact('carol', 'offline'), makeContact('dave', 'online', true, 'Dave Do-Not-Disturb')];

/** Past the search debounce, then the answer. */
async function pause(): Promise<void> {
  await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 30));
  await settle();
}

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

  it('searches the server once typing pauses, with an empty state, and back to favorites when cleared', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    typeInto(m.get('contact-search'), 'd');
    typeInto(m.get('contact-search'), 'disturb');
    await pause();
    expect(m.fake.argsOf('directorySearch')).toEqual([{ query: 'disturb', limit: 20 }]); // one request, for the last text
    expect(m.find('section-results')).not.toBeNull();
    expect(m.find('contact-dave')).not.toBeNull();
    expect(m.find('contact-bob')).toBeNull();
    typeInto(m.get('contact-search'), 'zed');
    await pause();
    expect(m.text('contacts-empty')).toBe('Nobody in the directory matches “zed”.');
    typeInto(m.get('contact-search'), '');
    await pause();
    expect(m.fake.argsOf('directoryClear')).toHaveLength(1); // main stops watching the results
    expect(m.find('section-favorites')).not.toBeNull();
  });

  it('pages search results with "Show more"', async () => {
    const many = Array.from({ length: 25 }, (_, i) => makeContact(`user${String(i).padStart(2, '0')}`, 'offline'));
    m = await mountApp({ fake: new FakeBridge({ contacts: many }) });
    typeInto(m.get('contact-search'), 'user');
    await pause();
    expect(m.get('section-results').querySelectorAll('li')).toHaveLength(20);
    click(m.get('load-more'));
    await settle();
    expect(m.get('section-results').querySelectorAll('li')).toHaveLength(25);
    expect(m.find('load-more')).toBeNull();
    expect(m.fake.argsOf('directorySearch')[1]).toEqual({ query: 'user', limit: 20, cursor: '20' });
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

  it('toggles DND and says which DND is in force', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    expect(m.text('dnd-state')).toBe('Do not disturb is off');
    const toggle = m.get('dnd-toggle') as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    toggle.checked = true;
    toggle.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(m.fake.argsOf('setDnd')).toEqual([{ enabled: true, allowList: [] }]);
    expect(m.text('dnd-state')).toBe('Do not disturb is on');
    m.fake.emit('dnd', makeDnd({ os: { active: true, source: 'macFocus' }, effective: 'os' }));
    await settle();
    expect(m.text('dnd-state')).toBe('On: OS focus mode');
    expect(toggle.checked).toBe(false);
  });

  it('shows the missed-call count and links to the missed calls', async () => {
    const fake = new FakeBridge({ snapshot: makeSnapshot({ missed: { count: 2, calls: [] } }) });
    m = await mountApp({ fake });
    expect(m.text('missed-count')).toBe('2');
    expect(m.get('missed-count').getAttribute('aria-label')).toBe('Missed calls: 2');
    m.fake.emit('missedCalls', { count: 3, calls: [{ callID: asCallId('m1'), from: asUserId('bob'), at: 1, media: 'audio' }] });
    await settle();
    expect(m.text('missed-count')).toBe('3');
    expect(m.get('missed-count').getAttribute('href')).toContain('/history?filter=missed');
  });

  it('hides the missed badge at zero and has links to history and settings', async () => {
    m = await mountApp();
    expect(m.find('missed-count')).toBeNull();
    click(m.get('nav-settings'));
    await settle();
    expect(m.find('screen-settings')).not.toBeNull();
  });
});
