import { describe, expect, it } from 'vitest';
import { SettingsSchema, type CallView, type Settings } from '../../shared/ipc/model.ts';
import { asCallId, asDeviceId, type CallId } from '../../shared/protocol/index.ts';
import { HeadlessPlatform } from '../platform/headless.ts';
import { NotificationNonces } from '../ringing/NotificationNonces.ts';
import { DesktopInputs, type InputTarget } from './DesktopInputs.ts';

/** Records what the desktop's buttons asked the core to do. */
function setup(o: { signedIn?: boolean; ringing?: CallId | null; settings?: Partial<Settings> } = {}) {
  const p = new HeadlessPlatform({ userDataDir: '/nonexistent' });
  const did: string[] = [];
  let signedIn = o.signedIn ?? true;
  let deviceId = asDeviceId('d-desk');
  const nonces = new NotificationNonces(() => deviceId);
  const view = (id: string): CallView => ({ call: { callID: asCallId(id) } }) as unknown as CallView; // only callID is read
  const target: InputTarget = {
    p,
    settings: () => SettingsSchema.parse({ ...o.settings }),
    signedIn: () => signedIn,
    nonces,
    accept: (id, media) => (did.push(`accept ${id} ${media}`), Promise.resolve(view(id))),
    reject: (id) => (did.push(`reject ${id}`), Promise.resolve(view(id))),
    toggleDnd: () => (did.push('toggleDnd'), Promise.resolve()),
    installUpdate: () => {
      did.push('installUpdate');
      throw new Error('nothing to install');
    },
    ringingCall: () => o.ringing ?? null,
    navigate: (to) => did.push(`navigate ${to.to}${to.callID ? ` ${to.callID}` : ''}${to.userId ? ` ${to.userId}` : ''}${to.media ? ` ${to.media}` : ''}`),
    shortcut: (a) => did.push(`shortcut ${a}`),
    notice: (code) => did.push(`notice ${code}`),
    close: () => did.push('close'),
  };
  const moveDevice = (): void => void (deviceId = asDeviceId('d-other'));
  return { inputs: new DesktopInputs(target), did, p, nonces, moveDevice, signIn: () => (signedIn = true) };
}

describe('DesktopInputs', () => {
  it.each<[string, string[]]>([
    // A call link never dials: it opens the contact with Call focused, and the user presses it.
    ['ringdesk://call/bob', ['navigate dial bob audio']],
    ['ringdesk://call/bob?media=video', ['navigate dial bob video']],
    ['ringdesk://notification/open?callID=c1', ['navigate call c1']],
    // Forged: a web page knows the callID but holds no nonce from our notification.
    ['ringdesk://notification/accept?callID=c1&media=video', []],
    ['ringdesk://notification/decline?callID=c1', []],
    [`ringdesk://notification/accept?callID=c1&media=video&nonce=${'A'.repeat(22)}`, []],
    ['ringdesk://notification/accept?callID=c1&nonce=short', []],
    ['ringdesk://call/../admin', []],
    ['https://evil.example/call/bob', []],
  ])('deep link %s → %j', async (link, expected) => {
    const { inputs, did } = setup();
    await inputs.openDeepLink(link);
    expect(did).toEqual(expected);
  });

  type NonceCase = [name: string, run: (t: ReturnType<typeof setup>) => Promise<void>, expected: string[]];
  const c1 = asCallId('c1');
  const link = (action: string, callID: string, nonce: string, media = 'video'): string =>
    `ringdesk://notification/${action}?callID=${callID}&media=${media}&nonce=${nonce}`;
  it.each<NonceCase>([
    ['the live nonce of our notification accepts, with its media', async ({ inputs, nonces }) => inputs.openDeepLink(link('accept', 'c1', nonces.issue(c1))), ['accept c1 video']],
    ['the live nonce declines', async ({ inputs, nonces }) => inputs.openDeepLink(link('decline', 'c1', nonces.issue(c1))), ['reject c1']],
    [
      'a replayed nonce acts once',
      async ({ inputs, nonces }) => {
        const n = nonces.issue(c1);
        await inputs.openDeepLink(link('accept', 'c1', n));
        await inputs.openDeepLink(link('accept', 'c1', n));
        await inputs.openDeepLink(link('decline', 'c1', n));
      },
      ['accept c1 video'],
    ],
    ["another call's nonce does nothing", async ({ inputs, nonces }) => inputs.openDeepLink(link('accept', 'c1', nonces.issue(asCallId('c2')))), []],
    [
      "another call's nonce is not spent by the attempt: that call's own button still works",
      async ({ inputs, nonces }) => {
        const n = nonces.issue(asCallId('c2'));
        await inputs.openDeepLink(link('accept', 'c1', n));
        await inputs.openDeepLink(link('accept', 'c2', n));
      },
      ['accept c2 video'],
    ],
    [
      'an expired nonce (the call stopped ringing) does nothing',
      async ({ inputs, nonces }) => {
        const n = nonces.issue(c1);
        nonces.expire(c1);
        await inputs.openDeepLink(link('accept', 'c1', n));
      },
      [],
    ],
    [
      'a nonce issued for another device identity does nothing',
      async ({ inputs, nonces, moveDevice }) => {
        const n = nonces.issue(c1);
        moveDevice();
        await inputs.openDeepLink(link('accept', 'c1', n));
      },
      [],
    ],
  ])('notification link: %s', async (_name, run, expected) => {
    const t = setup();
    await run(t);
    expect(t.did).toEqual(expected);
  });

  it('a call link before sign-in waits for the session, then opens the contact once, still without dialling', async () => {
    const { inputs, did, signIn, p } = setup({ signedIn: false });
    await inputs.openDeepLink('ringdesk://call/carol?media=video');
    expect(did).toEqual([]);
    expect(p.records.at(-1)).toEqual({ kind: 'mainWindow', visible: true });
    signIn();
    inputs.afterSignIn();
    inputs.afterSignIn();
    expect(did).toEqual(['navigate dial carol video']);
  });

  it.each<[Parameters<DesktopInputs['trayAction']>[0], string[]]>([
    ['show', []],
    ['toggleDnd', ['toggleDnd']],
    ['missedCalls', ['navigate missed']],
    ['restartToUpdate', ['installUpdate']], // its error is logged, not thrown out of the tray
    ['quit', ['close']],
  ])('tray %s → %j', (action, expected) => {
    const { inputs, did, p } = setup();
    inputs.trayAction(action);
    expect(did).toEqual(expected);
    if (action === 'show' || action === 'missedCalls') expect(p.records.at(-1)).toEqual({ kind: 'mainWindow', visible: true });
  });

  it('shortcuts answer and decline only while ringing; mute goes to the renderer; taken keys are a notice', async () => {
    const ringing = setup({ ringing: asCallId('c1'), settings: { shortcuts: { enabled: true, answer: 'Ctrl+Shift+A', decline: 'Ctrl+Shift+D', toggleMute: 'Ctrl+Shift+M' } } });
    ringing.p.takenShortcuts.add('Ctrl+Shift+M');
    ringing.inputs.applySettings();
    ringing.p.pressShortcut('answer');
    ringing.p.pressShortcut('decline');
    ringing.p.pressShortcut('toggleMute');
    await Promise.resolve();
    expect(ringing.did).toEqual(['notice shortcutsTaken', 'accept c1 audio', 'reject c1', 'shortcut toggleMute']);
    const idle = setup({ settings: { shortcuts: { enabled: true, answer: 'Ctrl+Shift+A', decline: 'Ctrl+Shift+D', toggleMute: 'Ctrl+Shift+M' } } });
    idle.inputs.applySettings();
    idle.p.pressShortcut('answer');
    expect(idle.did).toEqual([]);
  });

  it('start at login follows the setting, and shortcuts stay off unless enabled', () => {
    const { inputs, p } = setup({ settings: { startAtLogin: true } });
    inputs.applySettings();
    expect(p.autoLaunch.isEnabled()).toBe(true);
    expect(p.records.filter((r) => r.kind === 'shortcuts')).toEqual([{ kind: 'shortcuts', map: null }]);
  });
});
