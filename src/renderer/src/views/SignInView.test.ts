import { afterEach, describe, expect, it } from 'vitest';
import { makeSettings, makeSnapshot } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, typeInto, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const signedOut = (): FakeBridge =>
  new FakeBridge({ snapshot: makeSnapshot({ session: null, connection: { state: 'signedOut', retryInMs: null, at: 0, reason: null }, settings: makeSettings({ serverUrl: 'ws://calls.example:8787/ws', lastUserId: 'bob' }) }) });

async function fillAndSubmit(mm: Mounted, user: string, password: string): Promise<void> {
  typeInto(mm.get('signin-user'), user);
  typeInto(mm.get('signin-password'), password);
  await settle();
  click(mm.get('signin-submit'));
  await settle();
}

describe('sign-in', () => {
  it('opens on sign-in when nobody is signed in, prefilled from the settings', async () => {
    m = await mountApp({ fake: signedOut() });
    expect(m.find('screen-signin')).not.toBeNull();
    expect(m.find('screen-home')).toBeNull();
    expect((m.get('signin-server') as HTMLInputElement).value).toBe('ws://calls.example:8787/ws');
    expect((m.get('signin-user') as HTMLInputElement).value).toBe('bob');
    expect(m.text('signin-submit')).toBe('Sign in');
  });

  it('signs in with what was typed, then shows home', async () => {
    m = await mountApp({ fake: signedOut() });
    typeInto(m.get('signin-server'), 'ws://127.0.0.1:9000/ws');
    await fillAndSubmit(m, 'Carol', 'secret-pw');
    expect(m.fake.argsOf('login')).toEqual([{ serverUrl: 'ws://127.0.0.1:9000/ws', userId: 'carol', password: 'secret-pw' }]);
    expect(m.fake.refused).toEqual([]);
    expect(m.find('screen-home')).not.toBeNull();
    expect(m.router.currentRoute.value.name).toBe('home');
    expect(m.fake.argsOf('getPeople')).toHaveLength(1);
  });

  it('shows the translated error for the reply code and stays on sign-in', async () => {
    m = await mountApp({ fake: signedOut() });
    m.fake.fail('login', 'auth_failed', 'bad password for bob');
    await fillAndSubmit(m, 'bob', 'nope');
    expect(m.text('signin-error')).toBe('Wrong user name or password.');
    expect(m.get('signin-error').getAttribute('role')).toBe('alert');
    expect(m.text('signin-error')).not.toContain('bad password');
    expect(m.find('screen-home')).toBeNull();
    expect(m.router.currentRoute.value.name).toBe('signin');
  });

  it('names an unknown code instead of showing a message or stack', async () => {
    m = await mountApp({ fake: signedOut() });
    m.fake.fail('login', 'weird_new_code', 'Error: at foo.ts:12');
    await fillAndSubmit(m, 'bob', 'pw');
    expect(m.text('signin-error')).toBe('Something went wrong (weird_new_code).');
  });

  it('refuses a server address that is not ws:// or wss:// before asking main', async () => {
    m = await mountApp({ fake: signedOut() });
    typeInto(m.get('signin-server'), 'http://example.com');
    await fillAndSubmit(m, 'bob', 'pw');
    expect(m.text('signin-error')).toBe('The server address starts with ws:// or wss://.');
    expect(m.fake.argsOf('login')).toEqual([]);
  });

  it('goes back to sign-in when main says the session ended', async () => {
    m = await mountApp();
    expect(m.find('screen-home')).not.toBeNull();
    m.fake.emit('session', null);
    await settle();
    expect(m.find('screen-signin')).not.toBeNull();
    expect(m.router.currentRoute.value.name).toBe('signin');
  });
});
