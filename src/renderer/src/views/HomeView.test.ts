import { afterEach, describe, expect, it } from 'vitest';
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

  it('filters by name or id, with an empty state', async () => {
    m = await mountApp({ fake: new FakeBridge({ contacts }) });
    typeInto(m.get('contact-search'), 'disturb');
    await settle();
    expect(m.find('contact-dave')).not.toBeNull();
    expect(m.find('contact-bob')).toBeNull();
    typeInto(m.get('contact-search'), 'zed');
    await settle();
    expect(m.text('contacts-empty')).toBe('No contact matches “zed”.');
  });

  it('says so when there are no contacts, and shows a failed load with a retry', async () => {
    const fake = new FakeBridge();
    fake.fail('listContacts', 'request_timeout');
    m = await mountApp({ fake });
    expect(m.text('contacts-error')).toContain('The server took too long to answer.');
    click(m.get('contacts-error').querySelector('button') as HTMLElement); // the retry button is the only one
    await settle();
    expect(m.find('contacts-error')).toBeNull();
    expect(m.text('contacts-empty')).toBe('No contacts yet.');
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
