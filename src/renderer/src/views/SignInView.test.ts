import { afterEach, describe, expect, it } from 'vitest';
import { makeSession, makeSettings, makeSnapshot } from '../testing/fixtures.ts';
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
    expect(m.text('signin-error')).toBe('Wrong user name or password for ws://calls.example:8787/ws. Check them and try again.');
    expect(m.get('signin-error').getAttribute('role')).toBe('alert');
    expect(m.text('signin-error')).not.toContain('bad password');
    expect(m.find('screen-home')).toBeNull();
    expect(m.router.currentRoute.value.name).toBe('signin');
  });

  it.each([
    ['server_not_found', /^Cannot find the server ws:\/\/calls\.example:8787\/ws: the name does not resolve\. Check the address/],
    ['server_refused', /^The server ws:\/\/calls\.example:8787\/ws refused the connection.*Check the address and port/],
    ['server_tls', /^The server ws:\/\/calls\.example:8787\/ws has a certificate this computer does not trust/],
    ['server_timeout', /^The server ws:\/\/calls\.example:8787\/ws did not answer in time\. Check your network/],
    ['unsupported_version', /^The server ws:\/\/calls\.example:8787\/ws does not support this version of Ringdesk\. Update Ringdesk/],
    ['insecure_server', /^The address ws:\/\/calls\.example:8787\/ws is not encrypted/],
  ])('a failed sign-in (%s) names the server and what to do, and clears the password', async (code, text) => {
    m = await mountApp({ fake: signedOut() });
    m.fake.fail('login', code, 'technical detail');
    await fillAndSubmit(m, 'bob', 'secret-pw');
    expect(m.get('signin-error').dataset['code']).toBe(code);
    expect(m.text('signin-error')).toMatch(text);
    expect(m.text('signin-error')).not.toContain('technical detail');
    expect((m.get('signin-password') as HTMLInputElement).value).toBe('');
    expect((m.get('signin-user') as HTMLInputElement).value).toBe('bob');
  });

  it('throttled: says in how many seconds to try again, in zh-CN too', async () => {
    m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ osLocale: 'zh-CN', session: null, connection: { state: 'signedOut', retryInMs: null, at: 0, reason: null }, settings: makeSettings({ serverUrl: 'wss://calls.example/ws' }) }) }) });
    m.fake.fail('login', 'auth_throttled', 'slow down', 29_500);
    await fillAndSubmit(m, 'bob', 'pw');
    expect(m.text('signin-error')).toBe('在 wss://calls.example/ws 上登录失败次数过多。请在 30 秒后重试。');
    expect((m.get('signin-password') as HTMLInputElement).value).toBe('');
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

  it('a sign-in answered after main\'s session event does not pull the user back home from where they went meanwhile', async () => {
    const fake = signedOut();
    const reply: { answer?: () => void } = {};
    const session = makeSession('bob');
    fake.handle('login', () => new Promise((resolve) => (reply.answer = () => resolve(session))));
    m = await mountApp({ fake });
    await fillAndSubmit(m, 'bob', 'secret-pw');
    // Main's session event lands first (as over a busy transport): the app is home, and the user types a name.
    fake.emit('session', session);
    await settle();
    expect(m.router.currentRoute.value.name).toBe('home');
    typeInto(m.get('contact-search'), 'ali');
    await settle();
    expect(m.router.currentRoute.value.name).toBe('directory');
    // Then the login's own reply: the sign-in screen is long gone, and must not navigate.
    reply.answer?.();
    await settle();
    expect(m.router.currentRoute.value.name).toBe('directory');
    expect((m.get('contact-search') as HTMLInputElement).value).toBe('ali');
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
