import { afterEach, describe, expect, it } from 'vitest';
import { SEARCH_DEBOUNCE_MS } from '../stores/contacts.ts';
import { makeCall, makeContact, makeView } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, key, mountApp, settle, typeInto, type Mounted } from '../testing/mountApp.ts';

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

describe('directory', () => {
  it('typing in the shell\'s search box on home opens the directory with the server\'s answer', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    typeInto(m.get('contact-search'), 'd');
    await settle();
    expect(m.router.currentRoute.value.name).toBe('directory');
    typeInto(m.get('contact-search'), 'disturb');
    await pause();
    expect(m.fake.argsOf('directorySearch')).toEqual([{ query: 'disturb', limit: 20 }]); // one request, for the last text
    expect(m.text('section-results')).toContain('People matching “disturb”');
    expect(m.find('contact-dave')).not.toBeNull();
    expect(m.find('contact-bob')).toBeNull();
    expect(m.get('nav-directory').getAttribute('aria-current')).toBe('page');
    typeInto(m.get('contact-search'), 'zed');
    await pause();
    expect(m.text('contacts-empty')).toBe('Nobody in the directory matches “zed”.');
    typeInto(m.get('contact-search'), '');
    await pause();
    expect(m.fake.argsOf('directoryClear')).toHaveLength(1); // main stops watching the results
    expect(m.find('directory-hint')).not.toBeNull();
    expect(m.router.currentRoute.value.name).toBe('directory'); // clearing stays here
  });

  it('from the rail: an empty directory focuses the search box; leaving it ends the search', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    click(m.get('nav-directory'));
    await settle();
    expect(m.find('screen-directory')).not.toBeNull();
    expect(document.activeElement).toBe(m.get('contact-search'));
    typeInto(m.get('contact-search'), 'bob');
    await pause();
    expect(m.find('contact-bob')).not.toBeNull();
    click(m.get('nav-calls'));
    await settle();
    await pause();
    expect(m.find('screen-home')).not.toBeNull();
    expect((m.get('contact-search') as HTMLInputElement).value).toBe('');
    expect(m.fake.argsOf('directoryClear')).toHaveLength(1);
  });

  it('Esc in the search box clears it', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    typeInto(m.get('contact-search'), 'bob');
    await pause();
    key(m.get('contact-search'), 'Escape');
    await settle();
    expect((m.get('contact-search') as HTMLInputElement).value).toBe('');
    expect(m.find('directory-hint')).not.toBeNull();
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

  it('calls someone found in the directory', async () => {
    const fake = new FakeBridge({ contacts });
    fake.handle('callInvite', (a) => ({ call: makeView(makeCall({ callID: 'c-new', media: a.media, users: a.invitees.map((userId) => ({ userId, state: 'inviting' as const })) }), 'alice'), errorInvitees: [] }));
    m = await mountApp({ fake });
    typeInto(m.get('contact-search'), 'carol');
    await pause();
    click(m.get('call-video-carol'));
    await settle();
    expect(m.fake.argsOf('callInvite')).toEqual([{ invitees: ['carol'], media: 'video', mode: 'normal' }]);
    expect(m.router.currentRoute.value.fullPath).toBe('/call/c-new');
    expect(m.find('app-shell')).toBeNull(); // call screens take the whole window
  });
});
