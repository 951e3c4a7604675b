import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, screen, type Session, type WebContents, type WebPreferences } from 'electron';
import { translate, type AppLocale } from '../../shared/i18n/index.ts';
import type { CallId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import { installDisplayMediaHandler } from './electronDisplayMedia.ts';
import type { MainWindowPort, RingingWindowPort } from './ports.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('Windows');

// Paths are relative to the bundle in out/main (electron-vite puts main, preload and renderer side by side).
const here = fileURLToPath(new URL('.', import.meta.url));
export const PRELOAD_FILE = join(here, '../preload/index.cjs');
export const RENDERER_FILE = join(here, '../renderer/index.html');

/** Same policy as src/renderer/index.html's meta tag; sent as a header too where there are headers (the dev server). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** What pages may ask for: the microphone/camera for calls, and notifications. Nothing else. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'notifications']);

const RINGING_SIZE = { width: 380, height: 240 } as const;
const RINGING_MARGIN = 16;

/**
 * Our own pages: the packaged renderer file (any hash or query: the ringing route is a hash) or,
 * in development, the electron-vite dev server's origin. Used for IPC senders, navigation and
 * permissions alike.
 */
export function isTrustedRendererUrl(
  url: string,
  rendererUrl: string | null = process.env['ELECTRON_RENDERER_URL'] ?? null,
  rendererFile: string = RENDERER_FILE,
): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'file:') {
    if (u.host !== '') return false;
    // Compare decoded paths: the one file we load, not any index.html somewhere on disk.
    const want = decodeURIComponent(pathToFileURL(rendererFile).pathname);
    const got = decodeURIComponent(u.pathname);
    return process.platform === 'win32' ? got.toLowerCase() === want.toLowerCase() : got === want;
  }
  if (rendererUrl === null || rendererUrl === '') return false;
  try {
    const dev = new URL(rendererUrl);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === dev.origin;
  } catch {
    return false;
  }
}

/** Whether a page may have `permission`: only ours, and only what a calling app needs. */
export function isPermissionAllowed(permission: string, requestingUrl: string, rendererUrl: string | null, rendererFile?: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isTrustedRendererUrl(requestingUrl, rendererUrl, rendererFile);
}

/** window.open and target=_blank never open an Electron window; web links go to the browser. */
export function handleWindowOpen(url: string, openExternal: (url: string) => void): { action: 'deny' } {
  if (/^https?:\/\//i.test(url)) openExternal(url);
  else log.warn('blocked window.open of a non-web URL');
  return { action: 'deny' };
}

export interface SecurityOptions {
  /** The dev server, or null for the packaged file (null, not undefined: undefined would mean "read the env"). */
  rendererUrl: string | null;
  rendererFile?: string;
  openExternal(url: string): void;
  /** The UI language for what main draws itself (window title, screen picker); English if absent. */
  locale?: () => AppLocale;
}

/** Navigation and pop-up rules for one page. */
export function hardenWebContents(wc: WebContents, o: SecurityOptions): void {
  const stay = (e: { url: string; preventDefault(): void }): void => {
    if (isTrustedRendererUrl(e.url, o.rendererUrl, o.rendererFile)) return;
    e.preventDefault();
    log.warn('blocked navigation away from the app');
  };
  wc.on('will-navigate', stay);
  wc.on('will-redirect', stay);
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler((d) => handleWindowOpen(d.url, o.openExternal));
}

const hardenedSessions = new WeakSet<Session>();

/** Permissions and the CSP header, once per session (both windows share the default one). */
export function hardenSession(ses: Session, o: SecurityOptions): void {
  if (hardenedSessions.has(ses)) return;
  hardenedSessions.add(ses);
  ses.setPermissionRequestHandler((wc, permission, callback, details) => {
    const ok = isPermissionAllowed(permission, details.requestingUrl || wc.getURL(), o.rendererUrl, o.rendererFile);
    if (!ok) log.warn('denied permission %s', permission);
    callback(ok);
  });
  ses.setPermissionCheckHandler((wc, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? wc?.getURL() ?? '', o.rendererUrl, o.rendererFile),
  );
  // Screen sharing in a call: our pages only, through a source picker.
  installDisplayMediaHandler(ses, { isTrusted: (url) => isTrustedRendererUrl(url, o.rendererUrl, o.rendererFile), locale: o.locale });
  // file:// responses have no headers (the meta tag covers them); the dev server's do.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const ours = (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame') && isTrustedRendererUrl(details.url, o.rendererUrl, o.rendererFile);
    if (!ours) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Same for every window: the renderer is untrusted web content with a narrow bridge. */
function webPreferences(extra: Partial<WebPreferences> = {}): WebPreferences {
  return { preload: PRELOAD_FILE, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false, ...extra };
}

/** Loads the renderer at a hash route (`/ringing/<id>`), from the dev server or the packaged file. */
function loadRoute(win: BrowserWindow, rendererUrl: string | null, route: string): void {
  const done = rendererUrl ? win.loadURL(`${rendererUrl.replace(/#.*$/, '')}#${route}`) : win.loadFile(RENDERER_FILE, { hash: route });
  done.catch((e: unknown) => log.error('loading %s failed: %s', route, errorMessage(e)));
}

export interface WindowsOptions extends SecurityOptions {
  /** Started with --hidden (login item): create the window but do not show it. */
  startHidden: boolean;
  /** True once the app is quitting for real: then closing the main window closes it. */
  isQuitting(): boolean;
}

/** The main window, tray-first: closing hides it; it is recreated if it was ever destroyed. */
export class ElectronMainWindow implements MainWindowPort {
  #win: BrowserWindow | null = null;
  readonly #o: WindowsOptions;

  constructor(o: WindowsOptions) {
    this.#o = o;
    this.#create(!o.startHidden);
  }

  /** The live window, for the taskbar flash and the overlay badge. */
  get window(): BrowserWindow | null {
    return this.#win && !this.#win.isDestroyed() ? this.#win : null;
  }

  #create(show: boolean): BrowserWindow {
    const win = new BrowserWindow({
      width: 1024,
      height: 720,
      minWidth: 720,
      minHeight: 480,
      title: 'Ringdesk',
      show: false,
      webPreferences: webPreferences(),
    });
    hardenSession(win.webContents.session, this.#o);
    hardenWebContents(win.webContents, this.#o);
    // Shown when painted, so the user never sees a white frame.
    if (show) win.once('ready-to-show', () => win.show());
    win.on('close', (e) => {
      if (this.#o.isQuitting()) return;
      e.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      if (this.#win === win) this.#win = null;
    });
    loadRoute(win, this.#o.rendererUrl, '/');
    this.#win = win;
    return win;
  }

  show(): void {
    const win = this.window ?? this.#create(false);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  hide(): void {
    this.window?.hide();
  }

  isVisible(): boolean {
    return this.window?.isVisible() ?? false;
  }
}

/**
 * The ringing window: small, frameless and above everything, fullscreen apps included. It is
 * shown without taking focus, so a keystroke meant for another app never answers a call and a
 * macOS fullscreen app keeps its space; a click (or a global shortcut) acts on it.
 */
export class ElectronRingingWindow implements RingingWindowPort {
  #win: BrowserWindow | null = null;
  #callID: CallId | null = null;
  readonly #o: SecurityOptions;

  constructor(o: SecurityOptions) {
    this.#o = o;
  }

  get window(): BrowserWindow | null {
    return this.#win && !this.#win.isDestroyed() ? this.#win : null;
  }

  open(callID: CallId): void {
    const route = `/ringing/${encodeURIComponent(callID)}`;
    const existing = this.window;
    if (existing) {
      if (this.#callID !== callID) loadRoute(existing, this.#o.rendererUrl, route);
      this.#callID = callID;
      existing.showInactive();
      existing.moveTop();
      return;
    }
    const win = new BrowserWindow({
      ...RINGING_SIZE,
      ...this.#position(),
      title: translate(this.#o.locale?.() ?? 'en', 'os.call.ringingWindowTitle'),
      frame: false,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      show: false,
      // The ringtone must play in a window the user never clicked.
      webPreferences: webPreferences({ autoplayPolicy: 'no-user-gesture-required' }),
    });
    // 'screen-saver' is the highest level: above fullscreen windows and the macOS menu bar.
    win.setAlwaysOnTop(true, 'screen-saver');
    // macOS: follow the user to whatever Space is active, a fullscreen app's included.
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    hardenSession(win.webContents.session, this.#o);
    hardenWebContents(win.webContents, this.#o);
    win.once('ready-to-show', () => {
      win.showInactive();
      win.moveTop();
    });
    win.on('closed', () => {
      if (this.#win !== win) return;
      this.#win = null;
      this.#callID = null;
    });
    loadRoute(win, this.#o.rendererUrl, route);
    this.#win = win;
    this.#callID = callID;
  }

  close(): void {
    const win = this.window;
    this.#win = null;
    this.#callID = null;
    win?.destroy();
  }

  /** Bottom-right of the display the pointer is on: where the user is looking. */
  #position(): { x: number; y: number } {
    const area = screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).workArea;
    return {
      x: Math.round(area.x + area.width - RINGING_SIZE.width - RINGING_MARGIN),
      y: Math.round(area.y + area.height - RINGING_SIZE.height - RINGING_MARGIN),
    };
  }
}
