// Alice and Bob as users see them: the built renderer in Chromium, each on its own headless host
// (the real main-process core with the recording platform), against the real server.
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../server/transport/ClientConnection.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { until } from '../integration/harness.ts';
import { screenshot, signIn, type Desktop } from './harness.ts';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite();
const desktop = (name: string, user: string): Promise<Desktop> => suite.desktop(name, user);

/** Alice finds Bob in the directory (a server search) and calls him. */
async function aliceCallsBob(alice: Desktop, media: 'audio' | 'video' = 'audio'): Promise<void> {
  await alice.page.getByTestId('contact-search').fill('bo');
  await alice.page.getByTestId(`call-${media}-bob`).click();
  await alice.page.getByTestId('screen-outgoing').waitFor();
}

describe('calling between two desktops', () => {
  it('Alice calls Bob: Bob rings (screen, notification, ringing window), accepts, and both are in the call', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await screenshot(alice.page, 'home');
    await aliceCallsBob(alice, 'video');
    await bob.page.getByTestId('screen-incoming').waitFor();
    // bob has never seen alice: her name arrives with the presence snapshot of the call's members.
    await bob.page.getByTestId('incoming-caller').filter({ hasText: 'ALICE' }).waitFor({ timeout: 15_000 });
    await until(() => bob.host.platform.ringingCall !== null, undefined, 'ringing window');
    expect(bob.host.platform.of('notification')[0]?.alert).toMatchObject({ callerId: 'alice', media: 'video' });
    expect(bob.host.platform.trayState?.ringing).toBe(true);
    await until(() => alice.host.core.calls().views[0]?.call.users.find((u) => u.userId === 'bob')?.state === 'received', undefined, 'received');
    await expect(alice.page.getByTestId('invitee-bob').getAttribute('data-state')).resolves.toBe('received');
    await expect(alice.page.getByTestId('invitee-delivery-bob').innerText()).resolves.toMatch(/ringing on 1 device/i);
    await screenshot(alice.page, 'outgoing');
    await screenshot(bob.page, 'incoming');

    await bob.page.getByTestId('accept-audio').click();
    await bob.page.getByTestId('screen-in-call').waitFor();
    await alice.page.getByTestId('screen-in-call').waitFor();
    await until(() => bob.host.platform.ringingCall === null, undefined, 'ringing stopped');
    expect(bob.host.platform.trayState?.ringing).toBe(false);
    await screenshot(bob.page, 'in-call');
  });

  it('Bob declines: Alice sees "declined" and the call ends on both sides', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await aliceCallsBob(alice);
    await bob.page.getByTestId('screen-incoming').waitFor();
    await bob.page.getByTestId('decline').click();
    await alice.page.getByTestId('screen-call-ended').waitFor();
    await expect(alice.page.getByTestId('screen-call-ended').innerText()).resolves.toMatch(/declined/i);
    await until(() => bob.host.platform.ringingCall === null, undefined, 'ringing stopped');
    await screenshot(alice.page, 'ended-declined');
  });

  it('Alice hangs up: her card says she ended the call, Bob\'s names her, in English and Chinese, also after his window is re-created', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await aliceCallsBob(alice);
    await bob.page.getByTestId('screen-incoming').waitFor();
    await bob.page.getByTestId('accept-audio').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
    // Past a second, so the ended cards have a length to show (under one they show none).
    await bob.page.getByTestId('call-timer').filter({ hasNotText: '00:00' }).waitFor();
    await alice.page.getByTestId('end-call').click();
    await alice.page.getByTestId('screen-call-ended').waitFor();
    await expect(alice.page.getByTestId('call-ended-reason').innerText()).resolves.toBe('You ended the call');
    await bob.page.getByTestId('screen-call-ended').waitFor();
    // Main's view says who ended it (the end push's caller); nothing of it lives in Bob's page.
    const callID = await bob.page.getByTestId('screen-call-ended').getAttribute('data-call-id');
    expect(bob.host.core.calls().views.find((v) => v.call.callID === callID)?.endedBy).toBe('alice');
    await expect(bob.page.getByTestId('call-ended-reason').innerText()).resolves.toMatch(/^alice ended the call$/i);
    await screenshot(alice.page, 'ended-by-me-en');
    await screenshot(bob.page, 'ended-by-peer-en');
    // A new page on the same host (as a re-created window): it paints from main's snapshot and still knows.
    const lasted = await bob.page.getByTestId('call-ended-duration').innerText();
    await bob.page.reload();
    await bob.page.getByTestId('screen-call-ended').waitFor();
    await expect(bob.page.getByTestId('call-ended-reason').innerText()).resolves.toMatch(/^alice ended the call$/i);
    // How long it lasted is main's too (CallView.connectedAt): the new page shows the same line.
    await expect(bob.page.getByTestId('call-ended-duration').innerText()).resolves.toBe(lasted);
    for (const d of [alice, bob]) {
      d.host.core.updateSettings({ language: 'zh-CN' });
      await d.page.waitForFunction(() => Reflect.get(Reflect.get(globalThis, 'document'), 'documentElement').lang === 'zh-CN');
    }
    await expect(alice.page.getByTestId('call-ended-reason').innerText()).resolves.toBe('你结束了通话');
    await expect(bob.page.getByTestId('call-ended-reason').innerText()).resolves.toMatch(/^alice 结束了通话$/i);
    await screenshot(alice.page, 'ended-by-me-zh-CN');
    await screenshot(bob.page, 'ended-by-peer-zh-CN');
  });

  it('Alice cancels: Bob stops ringing and his incoming screen goes away', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await aliceCallsBob(alice);
    await bob.page.getByTestId('screen-incoming').waitFor();
    await alice.page.getByTestId('cancel-call').click();
    await until(() => bob.host.platform.ringingCall === null, undefined, 'ringing stopped');
    await bob.page.getByTestId('screen-incoming').waitFor({ state: 'detached' });
    expect(bob.host.platform.of('notificationClosed')).toHaveLength(1);
  });

  it('nobody answers: the invitation times out on both sides and Bob has a missed call', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await alice.host.core.invite([asUserId('bob')], 'audio', 'normal', 2);
    await bob.page.getByTestId('screen-incoming').waitFor();
    await bob.page.getByTestId('screen-incoming').waitFor({ state: 'detached', timeout: 6000 });
    await until(() => bob.host.platform.ringingCall === null, undefined, 'ringing stopped');
    await until(() => bob.host.core.snapshot().missed.count === 1, undefined, 'missed call counted');
    await bob.page.getByTestId('dismiss-call').click({ timeout: 3000 }).catch(() => undefined);
    await bob.page.getByTestId('screen-home').waitFor();
    await expect(bob.page.getByTestId('missed-count').innerText()).resolves.toContain('1');
  });

  it('Bob on two devices: one accepts, the other stops ringing and says which device answered', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const desk = await desktop('bob-desk', 'bob');
    const laptop = await desktop('bob-laptop', 'bob');
    await aliceCallsBob(alice);
    await desk.page.getByTestId('screen-incoming').waitFor();
    await laptop.page.getByTestId('screen-incoming').waitFor();
    await desk.page.getByTestId('accept-audio').click();
    await until(() => laptop.host.platform.ringingCall === null, undefined, 'laptop stopped ringing');
    await expect(laptop.page.getByTestId('handled-elsewhere').innerText()).resolves.toContain('Answered on bob-desk');
    await desk.page.getByTestId('screen-in-call').waitFor();
    await screenshot(laptop.page, 'answered-elsewhere');
  });

  it('a dropped connection while an invitation is pending: after the reconnect Bob still sees it ringing', async () => {
    const alice = await desktop('alice-pc', 'alice');
    const bob = await desktop('bob-pc', 'bob');
    await aliceCallsBob(alice);
    await bob.page.getByTestId('screen-incoming').waitFor();
    const dropped = suite.t.server.services.sessions.devices(asUserId('bob'));
    for (const c of dropped) if (c instanceof ClientConnection) c.terminate(); // a dead network, not a clean close
    // The app reconnects by itself (full jitter: it may take 100 ms, too fast to see the banner reliably): a new connection of bob's on the server.
    await until(() => suite.t.server.services.sessions.devices(asUserId('bob')).some((c) => !dropped.includes(c)), undefined, 'bob reconnected');
    // The incoming screen is outside the app shell (no connection dot there): connected, and no banner left.
    await until(() => bob.host.core.snapshot().connection.state === 'connected', 15_000, 'bob connected');
    await bob.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await bob.page.getByTestId('screen-incoming').waitFor();
    await bob.page.getByTestId('accept-audio').click();
    await alice.page.getByTestId('screen-in-call').waitFor();
  });

  it('the page reconnects to its host and repaints the same state (the host restarts the page socket)', async () => {
    const bob = await desktop('bob-pc', 'bob');
    await bob.page.getByTestId('screen-home').waitFor();
    await bob.host.core.directory().addFavorite(asUserId('alice'));
    await bob.page.getByTestId('section-favorites').getByTestId('contact-alice').waitFor({ timeout: 5000 });
    bob.host.transport.dropPages();
    await until(() => bob.host.transport.pageCount === 1, undefined, 'page reconnected');
    await bob.page.getByTestId('screen-home').waitFor();
    await bob.page.getByTestId('section-favorites').getByTestId('contact-alice').waitFor({ timeout: 5000 });
  });

  it('renders in Chinese when the OS locale is zh-CN', async () => {
    const d = await suite.desktop('zh-pc', null, { locale: 'zh-CN' });
    await d.page.getByTestId('screen-signin').waitFor();
    await expect(d.page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await expect(d.page.getByTestId('signin-submit').innerText()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(d.page, 'signin-zh-CN');
    await signIn(d, suite.t.url, 'carol');
    await expect(d.page.getByTestId('screen-home').innerText()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(d.page, 'home-zh-CN');
  });

  it('renders in English for an English OS', async () => {
    const d = await suite.desktop('en-pc', null);
    await d.page.getByTestId('screen-signin').waitFor();
    await expect(d.page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(d.page.getByTestId('signin-submit').innerText()).resolves.toMatch(/sign in/i);
    await screenshot(d.page, 'signin-en');
  });

  it('a ringdesk://call link only asks: the prompt has Call focused, and the call starts when the user presses it', async () => {
    const alice = await desktop('alice-pc', 'alice');
    await desktop('bob-pc', 'bob');
    await alice.host.core.openDeepLink('ringdesk://call/bob?media=video');
    await alice.page.getByTestId('dial-prompt').waitFor();
    expect(alice.host.core.calls().views).toHaveLength(0);
    await expect(alice.page.getByTestId('dial-prompt-call').evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await screenshot(alice.page, 'dial-prompt');
    await alice.page.keyboard.press('Enter');
    await alice.page.getByTestId('screen-outgoing').waitFor();
    expect(alice.host.core.calls().views[0]).toMatchObject({ direction: 'outgoing', media: 'video' });
  });
});
