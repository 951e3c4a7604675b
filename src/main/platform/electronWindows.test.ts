import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { asCallId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import {
  CONTENT_SECURITY_POLICY,
  ElectronMainWindow,
  ElectronRingingWindow,
  RENDERER_FILE,
  handleWindowOpen,
  hardenSession,
  hardenWebContents,
  isPermissionAllowed,
  isTrustedRendererUrl,
} from './electronWindows.ts';
import { BrowserWindow, FakeEvent, FakeSession, FakeWebContents, resetFake } from './fakeElectron.ts';

vi.mock('electron', () => import('./fakeElectron.ts'));

beforeAll(() => Logger.configure({ stderr: false }));
beforeEach(() => resetFake());

const FILE = '/opt/Ringdesk/resources/app.asar/out/renderer/index.html';
const FILE_URL = 'file:///opt/Ringdesk/resources/app.asar/out/renderer/index.html';
const DEV = 'http://localhost:5173';

// The fake's listener/handler types are loose: these casts hand Electron-typed objects the fakes.
type AnyWc = Parameters<typeof hardenWebContents>[0];
type AnySession = Parameters<typeof hardenSession>[0];

describe('isTrustedRendererUrl', () => {
  it('trusts the packaged renderer file with any hash or query', () => {
    expect(isTrustedRendererUrl(FILE_URL, null, FILE)).toBe(true);
    expect(isTrustedRendererUrl(`${FILE_URL}#/ringing/c1`, null, FILE)).toBe(true);
    expect(isTrustedRendererUrl(`${FILE_URL}?x=1#/`, null, FILE)).toBe(true);
  });
  it('does not trust other files, even another out/renderer/index.html', () => {
    expect(isTrustedRendererUrl('file:///tmp/evil/out/renderer/index.html', null, FILE)).toBe(false);
    expect(isTrustedRendererUrl('file:///opt/Ringdesk/resources/app.asar/out/renderer/other.html', null, FILE)).toBe(false);
    expect(isTrustedRendererUrl('file://evil-host/opt/Ringdesk/resources/app.asar/out/renderer/index.html', null, FILE)).toBe(false);
  });
  it('trusts the dev server origin only, and only when there is one', () => {
    expect(isTrustedRendererUrl(`${DEV}/#/history`, DEV, FILE)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', DEV, FILE)).toBe(false);
    expect(isTrustedRendererUrl('https://localhost:5173/', DEV, FILE)).toBe(false);
    expect(isTrustedRendererUrl(`${DEV}/`, null, FILE)).toBe(false);
  });
  it('trusts nothing else', () => {
    for (const url of ['https://evil.example/', '', 'not a url', 'javascript:alert(1)', 'data:text/html,hi', 'about:blank']) {
      expect(isTrustedRendererUrl(url, DEV, FILE)).toBe(false);
    }
  });
  it('defaults to the renderer next to the main bundle', () => {
    expect(RENDERER_FILE.replace(/\\/g, '/')).toMatch(/\/renderer\/index\.html$/);
  });
});

describe('permissions', () => {
  it('grants media and notifications to our pages only', () => {
    expect(isPermissionAllowed('media', `${FILE_URL}#/`, null, FILE)).toBe(true);
    expect(isPermissionAllowed('notifications', `${DEV}/`, DEV, FILE)).toBe(true);
    expect(isPermissionAllowed('media', 'https://evil.example/', DEV, FILE)).toBe(false);
    expect(isPermissionAllowed('geolocation', `${FILE_URL}#/`, null, FILE)).toBe(false);
    expect(isPermissionAllowed('display-capture', `${DEV}/`, DEV, FILE)).toBe(false);
  });

  it('the session request handler answers through the callback', () => {
    const ses = new FakeSession();
    hardenSession(ses as unknown as AnySession /* fake session */, { rendererUrl: DEV, openExternal: () => undefined });
    const answers: boolean[] = [];
    const wc = new FakeWebContents();
    wc.url = 'https://evil.example/';
    ses.requestHandler?.(wc, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: `${DEV}/#/call` });
    ses.requestHandler?.(wc, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: 'https://evil.example/' });
    ses.requestHandler?.(wc, 'geolocation', (ok: boolean) => answers.push(ok), { requestingUrl: `${DEV}/` });
    // No requestingUrl: fall back to the page's URL.
    ses.requestHandler?.(wc, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: '' });
    expect(answers).toEqual([true, false, false, false]);
  });

  it('the check handler uses the requesting URL, then the page URL', () => {
    const ses = new FakeSession();
    hardenSession(ses as unknown as AnySession /* fake session */, { rendererUrl: DEV, openExternal: () => undefined });
    const wc = new FakeWebContents();
    wc.url = `${DEV}/`;
    expect(ses.checkHandler?.(wc, 'media', DEV, { requestingUrl: `${DEV}/` })).toBe(true);
    expect(ses.checkHandler?.(wc, 'media', DEV, {})).toBe(true);
    expect(ses.checkHandler?.(null, 'media', 'https://evil.example', {})).toBe(false);
    expect(ses.checkHandler?.(wc, 'geolocation', DEV, {})).toBe(false);
  });

  it('adds the CSP header to our pages only', () => {
    const ses = new FakeSession();
    hardenSession(ses as unknown as AnySession /* fake session */, { rendererUrl: DEV, openExternal: () => undefined });
    const answer = (url: string, resourceType: string): unknown => {
      let r: unknown;
      ses.headersListener?.({ url, resourceType, responseHeaders: { 'X-A': ['1'] } }, (x) => (r = x));
      return r;
    };
    expect(answer(`${DEV}/`, 'mainFrame')).toEqual({ responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    expect(answer('https://cdn.example/x.js', 'script')).toEqual({});
    expect(answer('https://evil.example/', 'subFrame')).toEqual({});
  });

  it('the CSP header is the policy of src/renderer/index.html', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('navigation and pop-ups', () => {
  it('window.open is always denied; web links open in the browser, other schemes nowhere', () => {
    const opened: string[] = [];
    expect(handleWindowOpen('https://ringdesk.example/help', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(handleWindowOpen('file:///etc/passwd', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(handleWindowOpen('smb://host/share', (u) => opened.push(u))).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://ringdesk.example/help']);
  });

  it('blocks navigation and redirects away from our pages, and webviews', () => {
    const wc = new FakeWebContents();
    const opened: string[] = [];
    hardenWebContents(wc as unknown as AnyWc /* fake webContents */, { rendererUrl: null, rendererFile: FILE, openExternal: (u) => opened.push(u) });
    const nav = (event: string, url: string): boolean => {
      const e = new FakeEvent({ url });
      wc.emit(event, e);
      return e.defaultPrevented;
    };
    expect(nav('will-navigate', 'https://evil.example/')).toBe(true);
    expect(nav('will-navigate', `${FILE_URL}#/settings`)).toBe(false);
    expect(nav('will-redirect', 'http://evil.example/')).toBe(true);
    const wv = new FakeEvent();
    wc.emit('will-attach-webview', wv);
    expect(wv.defaultPrevented).toBe(true);
    expect(wc.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://x.example/']);
  });
});

const security = { rendererUrl: null, openExternal: () => undefined };
const onlyWindow = (): BrowserWindow => {
  const w = BrowserWindow.all.at(-1);
  if (!w) throw new Error('no window');
  return w;
};

describe('ElectronMainWindow', () => {
  it('is sandboxed with the CJS preload and shows once painted', () => {
    new ElectronMainWindow({ ...security, startHidden: false, isQuitting: () => false });
    const w = onlyWindow();
    expect(w.options['show']).toBe(false);
    expect(w.options['webPreferences']).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    // options is a loose record in the fake; webPreferences was just checked to be an object.
    expect(String((w.options['webPreferences'] as { preload: string }).preload).replace(/\\/g, '/')).toMatch(/\/preload\/index\.cjs$/);
    expect(w.loaded).toMatchObject({ hash: '/' });
    w.emit('ready-to-show');
    expect(w.visible).toBe(true);
  });

  it('started hidden stays hidden when painted', () => {
    const port = new ElectronMainWindow({ ...security, startHidden: true, isQuitting: () => false });
    onlyWindow().emit('ready-to-show');
    expect(port.isVisible()).toBe(false);
  });

  it('closing hides it (tray-first) unless the app is quitting', () => {
    let quitting = false;
    const port = new ElectronMainWindow({ ...security, startHidden: false, isQuitting: () => quitting });
    const w = onlyWindow();
    port.show();
    w.close();
    expect(w.destroyed).toBe(false);
    expect(port.isVisible()).toBe(false);
    quitting = true;
    w.close();
    expect(w.destroyed).toBe(true);
    expect(port.window).toBeNull();
  });

  it('show() restores a minimized window, and recreates a destroyed one', () => {
    const port = new ElectronMainWindow({ ...security, startHidden: true, isQuitting: () => true });
    const first = onlyWindow();
    first.minimized = true;
    port.show();
    expect(first.calls).toEqual([['restore'], ['show'], ['focus']]);
    first.destroy();
    port.show();
    expect(BrowserWindow.all).toHaveLength(2);
    expect(port.isVisible()).toBe(true);
  });

  it('loads the dev server URL with the route as a hash', () => {
    new ElectronMainWindow({ rendererUrl: DEV, openExternal: () => undefined, startHidden: true, isQuitting: () => false });
    expect(onlyWindow().loaded).toEqual({ url: `${DEV}#/` });
  });
});

describe('ElectronRingingWindow', () => {
  it('is a small frameless always-on-top window at the screen-saver level, out of the taskbar', () => {
    new ElectronRingingWindow(security).open(asCallId('c1'));
    const w = onlyWindow();
    expect(w.options).toMatchObject({ width: 380, height: 240, frame: false, resizable: false, skipTaskbar: true, alwaysOnTop: true, show: false });
    expect(w.options['webPreferences']).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, autoplayPolicy: 'no-user-gesture-required' });
    expect(w.calls).toContainEqual(['setAlwaysOnTop', true, 'screen-saver']);
    expect(w.calls).toContainEqual(['setVisibleOnAllWorkspaces', true, { visibleOnFullScreen: true }]);
    // Bottom-right of the 1920x1040 work area, 16 px in.
    expect([w.options['x'], w.options['y']]).toEqual([1920 - 380 - 16, 1040 - 240 - 16]);
  });

  it('renders the ringing route and appears without taking focus', () => {
    new ElectronRingingWindow(security).open(asCallId('c1'));
    const w = onlyWindow();
    expect(w.loaded).toMatchObject({ hash: '/ringing/c1' });
    w.emit('ready-to-show');
    expect(w.visible).toBe(true);
    expect(w.calls.map((c) => c[0])).not.toContain('focus');
    expect(w.calls.map((c) => c[0])).not.toContain('show');
    expect(w.calls.map((c) => c[0])).toContain('showInactive');
  });

  it('reuses the window: same call refocuses, another call switches route', () => {
    const port = new ElectronRingingWindow({ rendererUrl: DEV, openExternal: () => undefined });
    port.open(asCallId('c1'));
    port.open(asCallId('c1'));
    expect(onlyWindow().loaded).toEqual({ url: `${DEV}#/ringing/c1` });
    port.open(asCallId('c2'));
    expect(BrowserWindow.all).toHaveLength(1);
    expect(onlyWindow().loaded).toEqual({ url: `${DEV}#/ringing/c2` });
  });

  it('close() destroys it; the next call gets a new one', () => {
    const port = new ElectronRingingWindow(security);
    port.open(asCallId('c1'));
    port.close();
    port.close();
    expect(BrowserWindow.all[0]?.destroyed).toBe(true);
    port.open(asCallId('c2'));
    expect(BrowserWindow.all).toHaveLength(2);
    expect(port.window).toBe(BrowserWindow.all[1]);
  });
});
