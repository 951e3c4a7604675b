import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WakeSignal } from '../signaling/wakeSignals.ts';
import { Logger } from '../log/Logger.ts';
import {
  ElectronShell,
  ElectronWake,
  GlobalShortcuts,
  LoginItemAutoLaunch,
  NETWORK_POLL_MS,
  SafeStorageSecrets,
  autostartDesktopEntry,
  isExternalWebUrl,
} from './electronSystem.ts';
import { app, globalShortcut, net, powerMonitor, resetFake, safeStorage, shell } from './fakeElectron.ts';
import type { ShortcutAction } from './ports.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => resetFake());
afterEach(() => vi.useRealTimers());

describe('SafeStorageSecrets', () => {
  it('round-trips through safeStorage and returns plain bytes, not the text', () => {
    const s = new SafeStorageSecrets('darwin');
    const enc = s.encrypt('tok-123');
    expect(enc).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(enc).toString('utf8')).not.toContain('tok-123');
    expect(s.decrypt(enc)).toBe('tok-123');
    // A view into a larger buffer decrypts from its own bytes only.
    const padded = new Uint8Array(enc.length + 4);
    padded.set(enc, 2);
    expect(s.decrypt(padded.subarray(2, 2 + enc.length))).toBe('tok-123');
  });

  it('is unavailable without encryption, and on Linux with the basic_text fallback', () => {
    expect(new SafeStorageSecrets('linux').isAvailable()).toBe(true);
    safeStorage.backend = 'basic_text';
    expect(new SafeStorageSecrets('linux').isAvailable()).toBe(false);
    expect(new SafeStorageSecrets('win32').isAvailable()).toBe(true);
    safeStorage.available = false;
    expect(new SafeStorageSecrets('win32').isAvailable()).toBe(false);
  });
});

describe('LoginItemAutoLaunch', () => {
  it('Windows: a login item with --hidden under the profile name', () => {
    const a = new LoginItemAutoLaunch({ platform: 'win32', args: ['--hidden', '--profile=demo2'], name: 'Ringdesk-demo2' });
    a.setEnabled(true);
    expect(app.calls).toContainEqual(['setLoginItemSettings', { openAtLogin: true, args: ['--hidden', '--profile=demo2'], name: 'Ringdesk-demo2' }]);
    expect(a.isEnabled()).toBe(true);
    expect(app.calls.at(-1)).toEqual(['getLoginItemSettings', { args: ['--hidden', '--profile=demo2'] }]);
  });

  it('macOS: openAtLogin only (hidden start comes from wasOpenedAtLogin)', () => {
    const a = new LoginItemAutoLaunch({ platform: 'darwin', args: ['--hidden'], name: 'Ringdesk' });
    a.setEnabled(true);
    a.setEnabled(false);
    expect(app.calls.filter((c) => c[0] === 'setLoginItemSettings')).toEqual([
      ['setLoginItemSettings', { openAtLogin: true }],
      ['setLoginItemSettings', { openAtLogin: false }],
    ]);
    expect(a.isEnabled()).toBe(false);
  });

  it('Linux: writes and removes an XDG autostart entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringdesk-autostart-'));
    try {
      const a = new LoginItemAutoLaunch({ platform: 'linux', args: ['--hidden'], name: 'Ringdesk', autostartDir: join(dir, 'autostart') });
      expect(a.isEnabled()).toBe(false);
      a.setEnabled(true);
      expect(a.isEnabled()).toBe(true);
      const entry = readFileSync(join(dir, 'autostart', 'ringdesk.desktop'), 'utf8');
      expect(entry).toMatch(/^\[Desktop Entry\]\n/);
      expect(entry).toContain(' --hidden\n');
      a.setEnabled(false);
      expect(a.isEnabled()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes an Exec path with spaces', () => {
    expect(autostartDesktopEntry('Ringdesk', '/opt/Ring desk/ringdesk', ['--hidden'])).toContain('Exec="/opt/Ring desk/ringdesk" --hidden\n');
  });
});

describe('GlobalShortcuts', () => {
  const map: Record<ShortcutAction, string> = { answer: 'CommandOrControl+Shift+A', decline: 'CommandOrControl+Shift+D', toggleMute: 'CommandOrControl+Shift+M' };

  it('registers all three and calls back with the action', () => {
    const pressed: ShortcutAction[] = [];
    expect(new GlobalShortcuts().register(map, (a) => pressed.push(a))).toEqual([]);
    globalShortcut.registered.get('CommandOrControl+Shift+D')?.();
    globalShortcut.registered.get('CommandOrControl+Shift+M')?.();
    expect(pressed).toEqual(['decline', 'toggleMute']);
  });

  it('returns the accelerators the OS refused or could not parse', () => {
    globalShortcut.taken.add('CommandOrControl+Shift+A');
    const refused = new GlobalShortcuts().register({ ...map, toggleMute: 'Bogus+' }, () => undefined);
    expect(refused).toEqual(['CommandOrControl+Shift+A', 'Bogus+']);
    expect([...globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Shift+D']);
  });

  it('unregisterAll drops only its own shortcuts', () => {
    globalShortcut.registered.set('Alt+F1', () => undefined);
    const s = new GlobalShortcuts();
    s.register(map, () => undefined);
    s.unregisterAll();
    expect([...globalShortcut.registered.keys()]).toEqual(['Alt+F1']);
  });
});

describe('ElectronShell', () => {
  it('opens only http(s) URLs outside', () => {
    expect(isExternalWebUrl('https://a.example/x')).toBe(true);
    expect(isExternalWebUrl('file:///C:/Windows/system32/calc.exe')).toBe(false);
    const s = new ElectronShell();
    for (const u of ['https://a.example/', 'http://b.example/', 'file:///etc/passwd', 'ms-settings:privacy', 'javascript:1', 'nonsense']) s.openExternal(u);
    expect(shell.opened).toEqual(['https://a.example/', 'http://b.example/']);
    s.showItemInFolder('/tmp/diag.zip');
    expect(shell.shown).toEqual(['/tmp/diag.zip']);
  });
});

describe('ElectronWake', () => {
  it('turns resume and unlock-screen into resumed', () => {
    const seen: WakeSignal[] = [];
    new ElectronWake().on((s) => seen.push(s));
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');
    powerMonitor.emit('suspend');
    expect(seen).toEqual(['resumed', 'resumed']);
  });

  it('fires network-changed when the network comes back, every 5 s at most', () => {
    vi.useFakeTimers();
    const seen: WakeSignal[] = [];
    const off = new ElectronWake().on((s) => seen.push(s));
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    net.online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(seen).toEqual([]);
    net.online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS - 1);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['network-changed']);
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    expect(seen).toEqual(['network-changed']);
    off();
    expect(vi.getTimerCount()).toBe(0);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
  });

  it('keeps listening while one listener is left', () => {
    const wake = new ElectronWake();
    const a: WakeSignal[] = [];
    const offA = wake.on((s) => a.push(s));
    const b: WakeSignal[] = [];
    wake.on((s) => b.push(s));
    offA();
    powerMonitor.emit('resume');
    expect(a).toEqual([]);
    expect(b).toEqual(['resumed']);
  });
});
