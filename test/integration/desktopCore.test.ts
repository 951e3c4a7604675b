// The desktop main-process core (DesktopCore) on the headless platform, against a real server:
// ringing, stopping, missed calls, saved sessions, deep links and the one DND policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DesktopCore } from '../../src/main/app/DesktopCore.ts';
import { HeadlessPlatform } from '../../src/main/platform/headless.ts';
import { asUserId, type CallId } from '../../src/shared/protocol/index.ts';
import { createHandlers } from '../../src/main/ipc/handlers.ts';
import { RingdeskError } from '../../src/shared/errors.ts';
import { PASSWORD, sleep, startTestServer, until, type TestServer } from './harness.ts';

let t: TestServer;
const made: { core: DesktopCore; dir: string }[] = [];

// A server per test: calls left started by one test would make its users busy in the next.
beforeEach(async () => {
  t = await startTestServer(['alice', 'bob', 'carol']);
});
afterEach(async () => {
  for (const m of made.splice(0)) {
    m.core.close();
    rmSync(m.dir, { recursive: true, force: true });
  }
  await t.close();
});

interface Desk {
  core: DesktopCore;
  p: HeadlessPlatform;
  dir: string;
}

async function desk(name: string, dir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'))): Promise<Desk> {
  const p = new HeadlessPlatform({ userDataDir: dir, hostName: name });
  const core = new DesktopCore({ platform: p, backoff: { initialMs: 50, maxMs: 300, jitter: 0.2 } });
  made.push({ core, dir });
  await core.start();
  return { core, p, dir };
}

async function signedIn(user: string, device = `${user}-laptop`): Promise<Desk> {
  const d = await desk(device);
  await d.core.login({ serverUrl: t.url, userId: asUserId(user), password: PASSWORD });
  return d;
}

const ringingCallOf = (d: Desk): CallId | null => d.p.ringingCall;

describe('DesktopCore on the headless platform', () => {
  it('rings with a notification, the ringing window, tray animation and attention, and stops all of it on accept', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    // Names come from the directory: alice is one of bob's favorites, so her name is known before she calls.
    await bob.core.directory().addFavorite(asUserId('alice'));
    const { call } = await alice.core.invite([asUserId('bob')], 'video', 'normal', 30);
    const id = call.call.callID;
    await until(() => ringingCallOf(bob) === id, undefined, 'bob ringing');
    const [n] = bob.p.of('notification');
    expect(n?.alert).toMatchObject({ callID: id, callerId: 'alice', callerName: 'ALICE', media: 'video', others: 0 });
    expect(bob.p.trayState?.ringing).toBe(true);
    expect(bob.p.of('attention').at(-1)).toEqual({ kind: 'attention', on: true });

    bob.p.clickNotification(id, 'accept-video');
    await until(() => ringingCallOf(bob) === null, undefined, 'ringing stopped');
    expect(bob.p.of('notificationClosed').map((r) => r.callID)).toEqual([id]);
    expect(bob.p.of('attention').at(-1)).toEqual({ kind: 'attention', on: false });
    expect(bob.p.trayState?.ringing).toBe(false);
    await until(() => alice.core.calls().view(id)?.call.users.find((u) => u.userId === 'bob')?.state === 'accepted', undefined, 'alice sees accepted');
    expect(bob.core.calls().view(id)?.myState).toBe('accepted');
    // The members of a call in progress are shown, so their presence is watched (and the name known).
    await until(() => alice.core.directory().subscribed.has(asUserId('bob')), undefined, 'alice watches bob');
    await until(() => bob.core.directory().nameOf(asUserId('alice')) !== 'alice', undefined, "bob knows alice's name");
  });

  it('a second device of the invitee stops ringing when the first answers, and says which device did', async () => {
    const alice = await signedIn('alice');
    const bob1 = await signedIn('bob', 'bob-desk');
    const bob2 = await signedIn('bob', 'bob-laptop');
    const { call } = await alice.core.invite([asUserId('bob')], 'audio', 'normal', 30);
    const id = call.call.callID;
    await until(() => ringingCallOf(bob1) === id && ringingCallOf(bob2) === id, undefined, 'both devices ringing');
    await bob1.core.accept(id, 'audio');
    await until(() => ringingCallOf(bob2) === null, undefined, 'second device stopped');
    expect(bob2.core.calls().view(id)?.handledElsewhere).toMatchObject({ deviceName: 'bob-desk', action: 'accepted' });
    expect(bob2.p.of('notificationClosed').map((r) => r.callID)).toEqual([id]);
  });

  it('counts calls missed while the app was not running at the next start, and remembers when they were seen', async () => {
    const alice = await signedIn('alice');
    const bobDir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'));
    const first = await desk('bob-pc', bobDir);
    await first.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: PASSWORD });
    await first.core.logout(); // signed out: the app "is not running" for the server
    const { call } = await alice.core.invite([asUserId('bob')], 'video', 'normal', 1);
    await until(() => alice.core.calls().view(call.call.callID)?.call.callState === 'ended', undefined, 'call timed out');

    const bob = await desk('bob-pc', bobDir);
    await bob.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: PASSWORD });
    await until(() => bob.core.snapshot().missed.count === 1, undefined, 'missed count');
    expect(bob.core.snapshot().missed.calls[0]).toMatchObject({ callID: call.call.callID, from: 'alice', media: 'video' });
    expect(bob.p.of('badge').at(-1)).toEqual({ kind: 'badge', count: 1 });
    expect(bob.p.of('missedNotification').at(-1)).toMatchObject({ from: 'alice', count: 1 });

    bob.core.markMissedSeen();
    expect(bob.core.snapshot().missed.count).toBe(0);
    bob.core.close();
    const again = await desk('bob-pc', bobDir);
    await until(() => again.core.sessionInfo() !== null, undefined, 'resumed from the saved token');
    await until(() => again.core.snapshot().missed.calls.length === 1, undefined, 'history read');
    expect(again.core.snapshot().missed.count).toBe(0);
  });

  it('history pages carry durations from the call records, also of a call that ended while the app was closed', async () => {
    const alice = await signedIn('alice');
    const bobDir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'));
    const first = await desk('bob-pc', bobDir);
    await first.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: PASSWORD });
    const { call } = await alice.core.invite([asUserId('bob')], 'video', 'normal', 30);
    const callID = call.call.callID;
    await until(() => ringingCallOf(first) === callID, undefined, 'bob rings');
    await first.core.accept(callID, 'audio');
    await sleep(60);
    first.core.close(); // the app quits during the call
    await until(() => !t.server.services.sessions.isOnline(asUserId('bob')), undefined, 'bob offline');
    await alice.core.calls().callEnd(callID);

    const again = await desk('bob-pc', bobDir);
    await until(() => again.core.sessionInfo() !== null, undefined, 'resumed from the saved token');
    const page = await createHandlers(again.core, null).listHistory({ count: 20, nextFlag: 0 }, { url: 'test://history' });
    expect(page.calls.map((c) => [c.callID, c.callState])).toEqual([[callID, 'ended']]);
    expect(page.durations?.[callID]).toBeGreaterThanOrEqual(60);
  });

  it('resumes a saved session after a restart without the password, and logout forgets it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'));
    const first = await desk('carol-pc', dir);
    await first.core.login({ serverUrl: t.url, userId: asUserId('carol'), password: PASSWORD });
    first.core.close();
    const second = await desk('carol-pc', dir);
    await until(() => second.core.sessionInfo()?.userId === 'carol', undefined, 'resumed');
    await second.core.logout();
    second.core.close();
    const third = await desk('carol-pc', dir);
    expect(third.core.sessionInfo()).toBeNull();
    expect(third.core.snapshot().connection.state).toBe('idle');
  });

  it('refuses a wrong password with auth_failed and a closed port with server_refused', async () => {
    const d = await desk('x');
    await expect(d.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: 'wrong-password' })).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(d.core.login({ serverUrl: 'ws://127.0.0.1:9/ws', userId: asUserId('bob'), password: PASSWORD })).rejects.toMatchObject({ code: 'server_refused' });
    expect(d.core.sessionInfo()).toBeNull();
    expect(() => d.core.calls()).toThrow(expect.objectContaining({ code: 'not_signed_in' }));
  });

  it('a throttled sign-in says when to try again (retryAfterMs reaches the IPC error)', async () => {
    const d = await desk('throttled');
    let last: unknown = null;
    for (let i = 0; i < 8 && !(last instanceof RingdeskError && last.code === 'auth_throttled'); i++) {
      last = await d.core.login({ serverUrl: t.url, userId: asUserId('carol'), password: 'wrong-password' }).catch((e: unknown) => e);
    }
    expect(last).toMatchObject({ code: 'auth_throttled' });
    expect((last as RingdeskError).retryAfterMs).toBeGreaterThan(0); // checked to be a RingdeskError by the line above
    expect((last as RingdeskError).toWire()).toMatchObject({ code: 'auth_throttled', retryAfterMs: expect.any(Number) });
  });

  it('resets a corrupt settings file, keeps it aside and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringdesk-desk-'));
    writeFileSync(join(dir, 'settings.json'), '{"ringtone": "trumpet", ');
    const d = await desk('y', dir);
    const snap = d.core.snapshot();
    expect(snap.settings.ringtone).toBe('classic');
    expect(snap.notices.map((n) => n.code)).toEqual(['settingsReset']);
    expect(snap.notices[0]?.params).toMatchObject({ why: 'invalid JSON' });
  });

  it('a ringdesk://call/<user> link opens the contact with Call focused and never dials; malformed links are ignored', async () => {
    const alice = await signedIn('alice');
    await signedIn('bob');
    const navigated: unknown[] = [];
    alice.core.on('navigate', (n) => navigated.push(n));
    await alice.core.openDeepLink('ringdesk://call/../../etc');
    await alice.core.openDeepLink('https://call/bob');
    await alice.core.openDeepLink('ringdesk://call/bob?media=video');
    expect(navigated).toEqual([{ to: 'dial', userId: 'bob', media: 'video' }]);
    expect(alice.core.calls().views).toHaveLength(0);
  });

  it('a notification accept link counts only with the nonce of the notification this app showed', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    const { call } = await alice.core.invite([asUserId('bob')], 'video', 'normal', 30);
    const id = call.call.callID;
    await until(() => ringingCallOf(bob) === id, undefined, 'bob ringing');
    // What a web page can do: it knows the callID (the caller made it), not the nonce.
    await bob.core.openDeepLink(`ringdesk://notification/accept?callID=${id}&media=video`);
    await bob.core.openDeepLink(`ringdesk://notification/accept?callID=${id}&media=video&nonce=${'A'.repeat(22)}`);
    expect(bob.core.calls().view(id)?.myState).not.toBe('accepted');
    expect(ringingCallOf(bob)).toBe(id);
    const nonce = bob.p.of('notification').at(-1)?.alert.linkNonce;
    await bob.core.openDeepLink(`ringdesk://notification/accept?callID=${id}&media=video&nonce=${nonce}`);
    await until(() => bob.core.calls().view(id)?.myState === 'accepted', undefined, 'accepted from the toast link');
    expect(ringingCallOf(bob)).toBeNull();
  });

  it('the OS focus mode turns on server DND (callers see dnd) unless the caller is on the allow-list', async () => {
    const alice = await signedIn('alice');
    const carol = await signedIn('carol');
    const bob = await signedIn('bob');
    bob.p.setFocus({ active: true, source: 'focusAssist' });
    await until(() => bob.core.dndState.effective === 'os', undefined, 'os dnd');
    await until(() => bob.p.trayState?.dnd === 'os', undefined, 'tray shows os dnd');
    await bob.core.setDnd({ enabled: false, allowList: [asUserId('alice')] });
    // The core syncs DND in the background: wait until the server has it, not for a guessed 200 ms.
    await until(async () => {
      const dnd = (await t.server.services.store.getUser(asUserId('bob')))?.dnd;
      return dnd?.enabled === true && dnd.allowList.includes(asUserId('alice'));
    }, undefined, 'the server has bob in DND with alice allowed');
    const byCarol = await carol.core.invite([asUserId('bob')], 'audio', 'normal', 30);
    await until(() => carol.core.calls().view(byCarol.call.call.callID)?.call.users.find((u) => u.userId === 'bob')?.reason === 'dnd', undefined, 'carol refused with dnd');
    expect(ringingCallOf(bob)).toBeNull();
    const byAlice = await alice.core.invite([asUserId('bob')], 'audio', 'normal', 30);
    await until(() => ringingCallOf(bob) === byAlice.call.call.callID, undefined, 'alice breaks through');
    bob.p.setFocus({ active: false, source: null });
    await until(() => bob.core.dndState.effective === 'off', undefined, 'dnd off again');
  });

  it('the answer shortcut accepts the ringing call; tray "toggle DND" flips the app DND', async () => {
    const alice = await signedIn('alice');
    const bob = await desk('bob-laptop');
    bob.core.updateSettings({ shortcuts: { enabled: true, answer: 'CommandOrControl+Shift+A', decline: 'CommandOrControl+Shift+D', toggleMute: 'CommandOrControl+Shift+M' } });
    await bob.core.login({ serverUrl: t.url, userId: asUserId('bob'), password: PASSWORD });
    const { call } = await alice.core.invite([asUserId('bob')], 'audio', 'normal', 30);
    await until(() => ringingCallOf(bob) === call.call.callID, undefined, 'ringing');
    bob.p.pressShortcut('answer');
    await until(() => bob.core.calls().view(call.call.callID)?.myState === 'accepted', undefined, 'accepted by shortcut');
    bob.p.clickTray('toggleDnd');
    await until(() => bob.core.dndState.effective === 'app', undefined, 'app dnd on');
  });

  it('main speaks the language setting, and for "system" the OS locale: tray and notifications re-render on change', async () => {
    const d = await desk('lang-laptop');
    expect(d.p.trayState?.locale).toBe('en');
    d.core.updateSettings({ language: 'zh-CN' });
    expect(d.p.trayState?.locale).toBe('zh-CN');
    expect(d.p.notificationLocale).toBe('zh-CN');
    d.core.updateSettings({ language: 'system' });
    // The headless host reports en-US as the OS locale.
    expect(d.p.trayState?.locale).toBe('en');
    expect(d.p.notificationLocale).toBe('en');
  });
});
