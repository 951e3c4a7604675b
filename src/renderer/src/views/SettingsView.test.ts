import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSettings } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, typeInto, type Mounted } from '../testing/mountApp.ts';

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
  vi.unstubAllGlobals();
});

const open = (fake = new FakeBridge()): Promise<Mounted> => mountApp({ fake, path: '/settings' });
const input = (mm: Mounted, id: string): HTMLInputElement => mm.get(id) as HTMLInputElement; // test ids of <input>s

describe('settings', () => {
  it('shows the current settings', async () => {
    const fake = new FakeBridge();
    fake.snapshot = { ...fake.snapshot, settings: makeSettings({ ringtone: 'chime', ringtoneVolume: 0.4, startAtLogin: false, language: 'en' }) };
    m = await open(fake);
    expect((m.get('settings-ringtone') as HTMLSelectElement).value).toBe('chime');
    expect([...(m.get('settings-ringtone') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['classic', 'chime', 'pulse']);
    expect(input(m, 'settings-volume').value).toBe('40');
    expect(input(m, 'settings-start-at-login').checked).toBe(false);
    expect((m.get('settings-language') as HTMLSelectElement).value).toBe('en');
    expect(input(m, 'settings-dnd-follows-os').checked).toBe(true);
    expect(input(m, 'settings-device-name').value).toBe('this-pc');
  });

  it('saves each change through updateSettings', async () => {
    m = await open();
    typeInto(m.get('settings-ringtone'), 'pulse');
    typeInto(m.get('settings-volume'), '25');
    const login = input(m, 'settings-start-at-login');
    login.checked = false;
    login.dispatchEvent(new Event('change'));
    typeInto(m.get('settings-language'), 'zh-CN');
    await settle();
    expect(m.fake.argsOf('updateSettings')).toEqual([{ ringtone: 'pulse' }, { ringtoneVolume: 0.25 }, { startAtLogin: false }, { language: 'zh-CN' }]);
    expect(m.fake.refused).toEqual([]);
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(m.text('settings-logout')).toBe('退出登录');
  });

  it('checks shortcut accelerators before saving them', async () => {
    m = await open();
    const enabled = input(m, 'settings-shortcuts-enabled');
    enabled.checked = true;
    enabled.dispatchEvent(new Event('change'));
    await settle();
    typeInto(m.get('settings-shortcut-answer'), 'banana');
    await settle();
    expect(m.text('screen-settings')).toContain('Shortcuts look like CommandOrControl+Shift+A');
    typeInto(m.get('settings-shortcut-answer'), 'CommandOrControl+Alt+J');
    await settle();
    const saves = m.fake.argsOf('updateSettings');
    expect(saves).toHaveLength(2);
    expect(saves[1]).toEqual({ shortcuts: { enabled: true, answer: 'CommandOrControl+Alt+J', decline: 'CommandOrControl+Shift+D', toggleMute: 'CommandOrControl+Shift+M' } });
  });

  it('says once how to record a shortcut, and every shortcut field points to it', async () => {
    m = await open();
    const hints = [...document.querySelectorAll('.hint')].filter((e) => e.textContent.includes('press the new shortcut'));
    expect(hints).toHaveLength(1);
    const hintId = hints[0]?.id;
    expect(hintId).toBeTruthy();
    for (const k of ['answer', 'decline', 'toggleMute']) expect(m.get(`settings-shortcut-${k}`).getAttribute('aria-describedby')).toBe(hintId);
  });

  it('records a shortcut from the keys pressed, shows it readably and stores the accelerator', async () => {
    m = await open();
    const enabled = input(m, 'settings-shortcuts-enabled');
    enabled.checked = true;
    enabled.dispatchEvent(new Event('change'));
    await settle();
    const field = m.get('settings-shortcut-decline');
    field.dispatchEvent(new Event('focus'));
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Control', ctrlKey: true }));
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', code: 'KeyK', ctrlKey: true, altKey: true }));
    await settle();
    const saves = m.fake.argsOf('updateSettings');
    expect(saves.at(-1)).toEqual({ shortcuts: { enabled: true, answer: 'CommandOrControl+Shift+A', decline: 'CommandOrControl+Alt+K', toggleMute: 'CommandOrControl+Shift+M' } });
    expect(input(m, 'settings-shortcut-decline').value).toBe('Ctrl+Alt+K');
    expect(field.getAttribute('data-accelerator')).toBe('CommandOrControl+Alt+K');
    // A plain letter would steal typing everywhere: refused, nothing saved.
    const n = m.fake.argsOf('updateSettings').length;
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'q', code: 'KeyQ' }));
    await settle();
    expect(m.fake.argsOf('updateSettings')).toHaveLength(n);
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });

  it('renames the device', async () => {
    m = await open();
    typeInto(m.get('settings-device-name'), 'Desk PC');
    click(m.get('settings-device-name-save'));
    await settle();
    expect(m.fake.argsOf('setDeviceName')).toEqual([{ deviceName: 'Desk PC' }]);
  });

  it('tests notifications and words each problem and its fix from the codes', async () => {
    const fake = new FakeBridge();
    fake.handle('testNotification', () => ({
      ok: false,
      problems: [
        { code: 'focusMode', fix: 'focusModeAllowList' },
        { code: 'permissionDenied', fix: 'permissionDeniedDarwin' },
      ],
    }));
    m = await open(fake);
    click(m.get('settings-test-notification'));
    await settle();
    const problems = [...document.querySelectorAll('[data-testid="notification-problem"]')];
    expect(problems.map((p) => p.getAttribute('data-code'))).toEqual(['focusMode', 'permissionDenied']);
    expect(problems[0]?.textContent).toContain('A focus mode hides notifications.');
    expect(problems[0]?.textContent).toContain('The OS focus mode is on: calls ring only for contacts on your allow-list.');
    expect(problems[1]?.textContent).toContain('Open System Settings › Notifications › Ringdesk');
  });

  it('exports diagnostics and shows where, or why not', async () => {
    m = await open();
    click(m.get('settings-export-diagnostics'));
    await settle();
    expect(m.text('settings-exported-path')).toBe('Saved to /tmp/ringdesk-diagnostics.json');
    m.fake.fail('exportDiagnostics', 'internal');
    click(m.get('settings-export-diagnostics'));
    await settle();
    expect(m.find('settings-exported-path')).toBeNull();
    expect(m.text('screen-settings')).toContain('Something went wrong inside the app.');
  });

  it('fills the device pickers from enumerateDevices', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      language: 'en-US',
      mediaDevices: {
        enumerateDevices: async () => [
          { kind: 'audioinput', deviceId: 'mic-1', label: 'USB Mic', groupId: '' },
          { kind: 'videoinput', deviceId: 'cam-1', label: 'FaceTime HD', groupId: '' },
          { kind: 'audiooutput', deviceId: 'spk-1', label: '', groupId: '' },
        ],
      },
    });
    m = await open();
    const mics = [...(m.get('settings-microphoneId') as HTMLSelectElement).options].map((o) => o.textContent?.trim());
    expect(mics).toEqual(['System default', 'USB Mic']);
    expect([...(m.get('settings-speakerId') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'spk-1']);
    typeInto(m.get('settings-cameraId'), 'cam-1');
    await settle();
    expect(m.fake.argsOf('updateSettings')).toEqual([{ media: { microphoneId: null, cameraId: 'cam-1', speakerId: null } }]);
  });

  it('signs out everywhere', async () => {
    m = await open();
    click(m.get('settings-signout-everywhere'));
    await settle();
    expect(m.fake.argsOf('signOutEverywhere')).toEqual([{}]);
    expect(m.fake.argsOf('logout')).toEqual([]);
    expect(m.find('screen-signin')).not.toBeNull();
  });

  it('signs out', async () => {
    m = await open();
    click(m.get('settings-logout'));
    await settle();
    expect(m.fake.argsOf('logout')).toEqual([{}]);
    expect(m.find('screen-signin')).not.toBeNull();
  });
});
