import { describe, expect, it } from 'vitest';
import { SettingsSchema, type CallView, type MediaKind, type Settings } from '../../shared/ipc/model.ts';
import { asCallId, type CallId, type UserId } from '../../shared/protocol/index.ts';
import { HeadlessPlatform } from '../platform/headless.ts';
import { DesktopInputs, type InputTarget } from './DesktopInputs.ts';

/** Records what the desktop's buttons asked the core to do. */
function setup(o: { signedIn?: boolean; ringing?: CallId | null; settings?: Partial<Settings>; failInvite?: boolean } = {}) {
  const p = new HeadlessPlatform({ userDataDir: '/nonexistent' });
  const did: string[] = [];
  let signedIn = o.signedIn ?? true;
  const view = (id: string): CallView => ({ call: { callID: asCallId(id) } }) as unknown as CallView; // only callID is read
  const target: InputTarget = {
    p,
    settings: () => SettingsSchema.parse({ ...o.settings }),
    signedIn: () => signedIn,
    invite: (invitees: UserId[], media: MediaKind) => {
      did.push(`invite ${invitees.join(',')} ${media}`);
      return o.failInvite ? Promise.reject(new Error('offline')) : Promise.resolve({ call: view('c9') });
    },
    accept: (id, media) => (did.push(`accept ${id} ${media}`), Promise.resolve(view(id))),
    reject: (id) => (did.push(`reject ${id}`), Promise.resolve(view(id))),
    toggleDnd: () => (did.push('toggleDnd'), Promise.resolve()),
    installUpdate: () => {
      did.push('installUpdate');
      throw new Error('nothing to install');
    },
    ringingCall: () => o.ringing ?? null,
    navigate: (to) => did.push(`navigate ${to.to}${to.callID ? ` ${to.callID}` : ''}${to.userId ? ` ${to.userId}` : ''}`),
    shortcut: (a) => did.push(`shortcut ${a}`),
    notice: (code) => did.push(`notice ${code}`),
    close: () => did.push('close'),
  };
  return { inputs: new DesktopInputs(target), did, p, signIn: () => (signedIn = true) };
}

describe('DesktopInputs', () => {
  it.each<[string, string[]]>([
    ['ringdesk://call/bob', ['invite bob audio', 'navigate call c9']],
    ['ringdesk://call/bob?media=video', ['invite bob video', 'navigate call c9']],
    ['ringdesk://notification/accept?callID=c1&media=video', ['accept c1 video']],
    ['ringdesk://notification/decline?callID=c1', ['reject c1']],
    ['ringdesk://notification/open?callID=c1', ['navigate call c1']],
    ['ringdesk://call/../admin', []],
    ['https://evil.example/call/bob', []],
  ])('deep link %s → %j', async (link, expected) => {
    const { inputs, did } = setup();
    await inputs.openDeepLink(link);
    expect(did).toEqual(expected);
  });

  it('a dial link before sign-in waits for the session, then dials once', async () => {
    const { inputs, did, signIn } = setup({ signedIn: false });
    await inputs.openDeepLink('ringdesk://call/carol');
    expect(did).toEqual([]);
    signIn();
    await inputs.afterSignIn();
    await inputs.afterSignIn();
    expect(did).toEqual(['invite carol audio', 'navigate call c9']);
  });

  it('a dial that fails opens the dialer for that user instead', async () => {
    const { inputs, did } = setup({ failInvite: true });
    await inputs.openDeepLink('ringdesk://call/bob');
    expect(did).toEqual(['invite bob audio', 'navigate dial bob']);
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
