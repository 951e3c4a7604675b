import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '../log/Logger.ts';
import { deepLinkFromArgv, parseProfileArg, profileDirName, startElectronApp, toAppPlatform, type ElectronApp } from './electronApp.ts';
import { BrowserWindow, FakeEvent, Tray, app, dialog, resetFake } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => resetFake());

describe('parseProfileArg', () => {
  it('is the default profile without the flag', () => {
    expect(parseProfileArg(['electron', '.'])).toEqual({ ok: true, profile: null });
  });
  it('takes a valid name', () => {
    expect(parseProfileArg(['x', '--profile=demo2'])).toEqual({ ok: true, profile: 'demo2' });
    expect(parseProfileArg(['x', `--profile=${'a'.repeat(32)}`])).toEqual({ ok: true, profile: 'a'.repeat(32) });
  });
  it.each(['Demo', 'a_b', 'a.b', '../x', '', 'a'.repeat(33), 'a b'])('refuses %j with an example of a good name', (name) => {
    const r = parseProfileArg(['x', `--profile=${name}`]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('--profile=demo2');
  });
  it('refuses the space-separated form', () => {
    expect(parseProfileArg(['x', '--profile', 'demo2']).ok).toBe(false);
  });
});

describe('small helpers', () => {
  it('profile folders', () => {
    expect(profileDirName(null)).toBe('Ringdesk');
    expect(profileDirName('demo2')).toBe('Ringdesk-demo2');
  });
  it('finds our link in argv, whatever else is there', () => {
    expect(deepLinkFromArgv(['C:\\Ringdesk.exe', '--allow-file-access-from-files', 'ringdesk://call/bob'])).toBe('ringdesk://call/bob');
    expect(deepLinkFromArgv(['Ringdesk.exe', 'RINGDESK://call/bob'])).toBe('RINGDESK://call/bob');
    expect(deepLinkFromArgv(['Ringdesk.exe', '--hidden', 'https://x.example/'])).toBeNull();
  });
  it('maps the OS to the three platforms the app knows', () => {
    expect(toAppPlatform('win32')).toBe('win32');
    expect(toAppPlatform('darwin')).toBe('darwin');
    expect(toAppPlatform('freebsd')).toBe('linux');
  });
});

/** Resolves to 'pending' when the promise has not settled after a few turns of the event loop. */
async function settles<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 20))]);
}

const mainWindow = (): BrowserWindow => {
  const w = BrowserWindow.all[0];
  if (!w) throw new Error('no main window');
  return w;
};

describe('startElectronApp', () => {
  let links: string[];
  let started: ElectronApp | null = null;
  const start = async (argv: string[], rendererUrl?: string): Promise<ElectronApp> => {
    links = [];
    started = await startElectronApp({ argv, rendererUrl, onDeepLink: (u) => links.push(u) });
    return started;
  };
  afterEach(() => {
    started = null;
  });

  it('sets the profile folder before the lock and before ready', async () => {
    await start(['electron', '.', '--profile=demo2']);
    const names = app.calls.map((c) => c[0]);
    expect(app.calls).toContainEqual(['setPath', 'userData', join('/home/u/.config', 'Ringdesk-demo2')]);
    expect(names.indexOf('setPath')).toBeLessThan(names.indexOf('requestSingleInstanceLock'));
    expect(names.indexOf('requestSingleInstanceLock')).toBeLessThan(names.indexOf('whenReady'));
  });

  it('uses <appData>/Ringdesk for the default profile and reports the platform info', async () => {
    const h = await start(['electron', '.']);
    expect(app.calls).toContainEqual(['setPath', 'userData', join('/home/u/.config', 'Ringdesk')]);
    expect(h.profile).toBeNull();
    expect(h.platform.info).toMatchObject({
      platform: 'linux',
      version: '1.2.3',
      osLocale: 'zh-CN',
      userDataDir: join('/home/u/.config', 'Ringdesk'),
      exportDir: '/home/u/Downloads',
    });
    expect(h.platform.info.hostName.length).toBeGreaterThan(0);
    expect(app.calls).toContainEqual(['setAsDefaultProtocolClient', 'ringdesk']);
    expect(Tray.all).toHaveLength(1);
  });

  it('a bad profile name shows an error and exits without ever resolving', async () => {
    const p = startElectronApp({ argv: ['x', '--profile=Bad_Name'], onDeepLink: () => undefined });
    expect(await settles(p)).toBe('pending');
    expect(dialog.errors[0]?.content).toMatch(/"Bad_Name" is not a valid profile name/);
    expect(app.calls).toContainEqual(['exit', 2]);
    expect(app.calls.map((c) => c[0])).not.toContain('setPath');
  });

  it('a second instance quits without ever resolving', async () => {
    app.gotLock = false;
    const p = startElectronApp({ argv: ['x'], onDeepLink: () => undefined });
    expect(await settles(p)).toBe('pending');
    expect(app.calls.map((c) => c[0])).toContain('quit');
    expect(app.calls.map((c) => c[0])).not.toContain('whenReady');
    expect(BrowserWindow.all).toHaveLength(0);
  });

  it('routes links: own argv and early ones are initial, later ones go to onDeepLink', async () => {
    const p = startElectronApp({ argv: ['Ringdesk.exe', 'ringdesk://call/bob'], onDeepLink: (u) => links.push(u) });
    links = [];
    const early = new FakeEvent();
    app.emit('open-url', early, 'ringdesk://call/carol');
    const h = await p;
    started = h;
    expect(early.defaultPrevented).toBe(true);
    expect(h.initialDeepLinks).toEqual(['ringdesk://call/bob', 'ringdesk://call/carol']);
    expect(links).toEqual([]);
    app.emit('second-instance', new FakeEvent(), ['Ringdesk.exe', 'ringdesk://notification/accept?callID=c1&media=video'], '/', {});
    app.emit('open-url', new FakeEvent(), 'ringdesk://call/dave');
    expect(links).toEqual(['ringdesk://notification/accept?callID=c1&media=video', 'ringdesk://call/dave']);
  });

  it('a second instance without a link brings the main window back', async () => {
    await start(['x', '--hidden']);
    expect(mainWindow().visible).toBe(false);
    app.emit('second-instance', new FakeEvent(), ['Ringdesk.exe'], '/', {});
    expect(mainWindow().visible).toBe(true);
    expect(links).toEqual([]);
  });

  it('--hidden creates the main window without showing it', async () => {
    const h = await start(['x', '--hidden']);
    mainWindow().emit('ready-to-show');
    expect(h.startedHidden).toBe(true);
    expect(h.platform.mainWindow.isVisible()).toBe(false);
  });

  it('is tray-first: closing hides, all windows closed does not quit, before-quit lets close through', async () => {
    const h = await start(['x']);
    const w = mainWindow();
    h.platform.mainWindow.show();
    w.close();
    expect(w.destroyed).toBe(false);
    expect(app.listenerCount('window-all-closed')).toBe(1);
    app.emit('window-all-closed');
    expect(app.calls.map((c) => c[0])).not.toContain('quit');
    app.emit('before-quit');
    w.close();
    expect(w.destroyed).toBe(true);
  });

  it('quit() quits for real', async () => {
    const h = await start(['x']);
    h.platform.quit();
    expect(app.calls.at(-1)).toEqual(['quit']);
    mainWindow().close();
    expect(mainWindow().destroyed).toBe(true);
  });

  it('trusts the dev server only in an unpackaged app', async () => {
    const dev = await start(['x'], 'http://localhost:5173');
    expect(dev.isTrustedSender('http://localhost:5173/#/')).toBe(true);
    expect(dev.isTrustedSender('https://evil.example/')).toBe(false);
    expect(mainWindow().loaded).toEqual({ url: 'http://localhost:5173#/' });
    resetFake();
    app.isPackaged = true;
    const packaged = await start(['x'], 'http://localhost:5173');
    expect(packaged.isTrustedSender('http://localhost:5173/#/')).toBe(false);
    expect(mainWindow().loaded).toMatchObject({ hash: '/' });
  });

  it('sets the AppUserModelID on Windows', async () => {
    const real = process.platform;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      const h = await start(['x']);
      expect(app.calls).toContainEqual(['setAppUserModelId', 'com.ringdesk.app']);
      expect(h.platform.info.platform).toBe('win32');
    } finally {
      Object.defineProperty(process, 'platform', { value: real });
    }
  });

  it('exposes the IPC transport and the argv parser', async () => {
    const h = await start(['x']);
    expect(typeof h.transport.serve).toBe('function');
    expect(h.deepLinkFromArgv(['a', 'ringdesk://call/x'])).toBe('ringdesk://call/x');
  });
});
