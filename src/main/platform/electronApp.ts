import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { app, dialog } from 'electron';
import type { IpcTransport } from '../ipc/transport.ts';
import { Logger } from '../log/Logger.ts';
import { ElectronAttention } from './electronAttention.ts';
import { createElectronIpcTransport } from './electronIpc.ts';
import { ElectronNotifier } from './electronNotifier.ts';
import { ElectronShell, ElectronWake, GlobalShortcuts, LoginItemAutoLaunch, SafeStorageSecrets } from './electronSystem.ts';
import { ElectronTray } from './electronTray.ts';
import { ElectronMainWindow, ElectronRingingWindow, isTrustedRendererUrl } from './electronWindows.ts';
import { OsFocusPort, windowsAppToastsEnabled } from './osFocus.ts';
import { ElectronUpdater, loadAutoUpdater } from './electronUpdater.ts';
import { readPolicySources } from './policySources.ts';
import { RecordingUpdater } from '../update/RecordingUpdater.ts';
import type { AppInfo, Platform } from './ports.ts';

// The only place (with src/preload) that starts Electron; the core (src/main/app) is built by the
// composition root from what this returns, so nothing here imports it.

const log = new Logger('App');

export const APP_USER_MODEL_ID = 'com.ringdesk.app';
export const PROTOCOL_SCHEME = 'ringdesk';
const PROFILE_RE = /^[a-z0-9-]{1,32}$/;

export type ProfileArg = { ok: true; profile: string | null } | { ok: false; error: string };

/** `--profile=<name>` runs a separate Ringdesk (own settings, token, single-instance lock) side by side. */
export function parseProfileArg(argv: readonly string[]): ProfileArg {
  let profile: string | null = null;
  for (const a of argv) {
    if (a === '--profile') return { ok: false, error: 'Write the profile as --profile=<name>, for example --profile=demo2.' };
    if (!a.startsWith('--profile=')) continue;
    const name = a.slice('--profile='.length);
    if (!PROFILE_RE.test(name)) {
      return { ok: false, error: `"${name}" is not a valid profile name. Use 1 to 32 lower-case letters, digits or dashes, for example --profile=demo2.` };
    }
    profile = name;
  }
  return { ok: true, profile };
}

/** The folder under appData: `Ringdesk` for the default profile, `Ringdesk-<name>` otherwise. */
export const profileDirName = (profile: string | null): string => (profile === null ? 'Ringdesk' : `Ringdesk-${profile}`);

/** Our link among command-line arguments (protocol activation on Windows and Linux starts us with it). */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  return argv.find((a) => a.toLowerCase().startsWith(`${PROTOCOL_SCHEME}://`)) ?? null;
}

export function toAppPlatform(p: NodeJS.Platform): AppInfo['platform'] {
  return p === 'darwin' || p === 'win32' ? p : 'linux';
}

export interface ElectronAppOptions {
  /** The electron-vite dev server (ELECTRON_RENDERER_URL); ignored in a packaged app. */
  rendererUrl?: string | undefined;
  /** Defaults to process.argv. */
  argv?: readonly string[];
  /** A `ringdesk://` link from a second instance or macOS open-url, after startElectronApp resolved. */
  onDeepLink(url: string): void;
}

export interface ElectronApp {
  platform: Platform;
  transport: IpcTransport;
  isTrustedSender(url: string): boolean;
  deepLinkFromArgv(argv: readonly string[]): string | null;
  /** Links that came before startElectronApp resolved: our own argv, or an early macOS open-url. */
  initialDeepLinks: string[];
  /** Started minimized to the tray (--hidden, or a macOS login item). */
  startedHidden: boolean;
  profile: string | null;
}

/**
 * Starts Electron: the profile's userData folder, the single-instance lock, the ringdesk:
 * protocol, tray-first lifetime. Resolves after `ready` with the platform adapters. A second
 * instance or a bad command line never resolves: it exits.
 */
export async function startElectronApp(opts: ElectronAppOptions): Promise<ElectronApp> {
  const argv = opts.argv ?? process.argv;
  const parsed = parseProfileArg(argv);
  if (!parsed.ok) {
    process.stderr.write(`ringdesk: ${parsed.error}\n`);
    dialog.showErrorBox('Ringdesk cannot start', parsed.error);
    app.exit(2);
    return never();
  }
  const profile = parsed.profile;
  // Before ready and before the lock: the lock, the cookies and the caches all live under userData.
  app.setPath('userData', join(app.getPath('appData'), profileDirName(profile)));
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  if (!app.requestSingleInstanceLock()) {
    log.info('another Ringdesk runs with this profile: handing over and exiting');
    app.quit();
    return never();
  }

  // A packaged app never loads a URL from the environment: that would hand the bridge to any page.
  const rendererUrl = !app.isPackaged && opts.rendererUrl ? opts.rendererUrl : null;
  let quitting = false;
  let mainWindow: ElectronMainWindow | null = null;
  let resolved = false;
  const initialDeepLinks: string[] = [];
  const deliver = (url: string): void => {
    if (resolved) opts.onDeepLink(url);
    else initialDeepLinks.push(url);
  };
  const own = deepLinkFromArgv(argv);
  if (own) initialDeepLinks.push(own);

  app.on('second-instance', (_e, otherArgv) => {
    const link = deepLinkFromArgv(otherArgv);
    if (link) deliver(link);
    else mainWindow?.show(); // Started again from the Start menu or dock: bring us back.
  });
  app.on('open-url', (e, url) => {
    e.preventDefault();
    deliver(url);
  });
  registerProtocol();
  app.on('before-quit', () => {
    quitting = true;
  });
  // Tray-first: closing the last window keeps signaling and ringing alive.
  app.on('window-all-closed', () => undefined);

  await app.whenReady();

  const startedHidden = argv.includes('--hidden') || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  const os = process.platform;
  const shell = new ElectronShell();
  const focus = new OsFocusPort({ platform: os });
  const notifier = new ElectronNotifier({
    platform: os,
    // Installed builds carry the AppUserModelID on their Start menu shortcut; a dev copy does not.
    hasAppUserModelId: app.isPackaged,
    focus,
    appToastsEnabled: () => windowsAppToastsEnabled(APP_USER_MODEL_ID),
  });
  // The core tells the notifier the UI language; the screen picker and window titles read it there.
  const security = { rendererUrl, openExternal: (u: string) => shell.openExternal(u), locale: () => notifier.locale };
  const main = new ElectronMainWindow({ ...security, startHidden: startedHidden, isQuitting: () => quitting });
  mainWindow = main;
  const shortcuts = new GlobalShortcuts();
  app.on('activate', () => main.show());
  app.on('will-quit', () => shortcuts.unregisterAll());
  // Installers exist for Windows and macOS only; a dev run or a Linux build never updates itself.
  const updatable = app.isPackaged && (os === 'win32' || os === 'darwin');
  const updater = updatable
    ? new ElectronUpdater({ updater: await loadAutoUpdater(), supported: true, platform: os, resourcesPath: process.resourcesPath })
    : new RecordingUpdater({ supported: false, builtInFeedUrl: null });

  const platform: Platform = {
    info: {
      platform: toAppPlatform(os),
      version: app.getVersion(),
      osLocale: app.getLocale() || app.getSystemLocale(),
      userDataDir: app.getPath('userData'),
      exportDir: app.getPath('downloads'),
      hostName: hostname(),
    },
    notifier,
    ringingWindow: new ElectronRingingWindow(security),
    tray: new ElectronTray({ platform: os }),
    attention: new ElectronAttention({ platform: os, mainWindow: () => main.window }),
    mainWindow: main,
    secrets: new SafeStorageSecrets(os),
    focus,
    autoLaunch: new LoginItemAutoLaunch({
      platform: os,
      args: ['--hidden', ...(profile === null ? [] : [`--profile=${profile}`])],
      name: profileDirName(profile),
    }),
    shortcuts,
    shell,
    wake: new ElectronWake(),
    policy: {
      read: () => readPolicySources({ platform: os, appId: APP_USER_MODEL_ID, execPath: process.execPath, env: process.env, userName: safeUserName() }),
    },
    updater,
    quit: () => {
      quitting = true;
      app.quit();
    },
  };

  resolved = true;
  return {
    platform,
    transport: createElectronIpcTransport(),
    isTrustedSender: (url) => isTrustedRendererUrl(url, rendererUrl),
    deepLinkFromArgv,
    initialDeepLinks,
    startedHidden,
    profile,
  };
}

/** `ringdesk://` opens us. A dev run registers electron plus the app path, or the link would start bare Electron. */
function registerProtocol(): void {
  const ok = process.defaultApp
    ? app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [resolve(process.argv[1] ?? '.')])
    : app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  if (!ok) log.warn('could not register the %s: protocol', PROTOCOL_SCHEME);
}

/** For the per-user managed preferences path; some accounts (no passwd entry) have no name. */
function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** For paths that exit: the caller must not go on building the app. */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
