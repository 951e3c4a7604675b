import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, globalShortcut, net, powerMonitor, safeStorage, shell } from 'electron';
import { Logger } from '../log/Logger.ts';
import type { WakePort, WakeSignal } from '../signaling/wakeSignals.ts';
import type { AutoLaunchPort, SecretStorePort, ShellPort, ShortcutAction, ShortcutsPort } from './ports.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('System');

const SECOND = 1000;
/** net.isOnline() is cheap; 5 s bounds how late we notice the network came back. */
export const NETWORK_POLL_MS = 5 * SECOND;

/** safeStorage: DPAPI on Windows, the Keychain on macOS, libsecret/kwallet on Linux. */
export class SafeStorageSecrets implements SecretStorePort {
  readonly #platform: NodeJS.Platform;
  constructor(platform: NodeJS.Platform) {
    this.#platform = platform;
  }

  /** Linux's 'basic_text' backend is a hard-coded key, not encryption: then we say unavailable. */
  isAvailable(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    return this.#platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  encrypt(plain: string): Uint8Array {
    return new Uint8Array(safeStorage.encryptString(plain));
  }

  decrypt(data: Uint8Array): string {
    return safeStorage.decryptString(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}

export interface AutoLaunchOptions {
  platform: NodeJS.Platform;
  /** Arguments the login item starts us with: always --hidden, plus --profile=<name> for another profile. */
  args: string[];
  /** Windows registry value name / Linux .desktop name; one per profile so profiles do not overwrite each other. */
  name: string;
  /** Linux: where autostart entries live (test seam). */
  autostartDir?: string;
}

/** The XDG autostart entry Linux desktops read at login (Electron has no login items there). */
export function autostartDesktopEntry(name: string, execPath: string, args: readonly string[]): string {
  const quote = (s: string): string => (/[\s"\\$`]/.test(s) ? `"${s.replace(/(["\\$`])/g, '\\$1')}"` : s);
  return ['[Desktop Entry]', 'Type=Application', `Name=${name}`, `Exec=${[execPath, ...args].map(quote).join(' ')}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

/**
 * Start at login, minimized to the tray. Windows passes --hidden; macOS (Electron 45 has no
 * openAsHidden any more) starts hidden because getLoginItemSettings().wasOpenedAtLogin says so.
 */
export class LoginItemAutoLaunch implements AutoLaunchPort {
  readonly #o: AutoLaunchOptions;

  constructor(o: AutoLaunchOptions) {
    this.#o = o;
  }

  get #desktopFile(): string {
    return join(this.#o.autostartDir ?? join(homedir(), '.config', 'autostart'), `${this.#o.name.toLowerCase()}.desktop`);
  }

  isEnabled(): boolean {
    if (this.#o.platform === 'linux') return existsSync(this.#desktopFile);
    if (this.#o.platform === 'win32') return app.getLoginItemSettings({ args: this.#o.args }).openAtLogin;
    return app.getLoginItemSettings().openAtLogin;
  }

  setEnabled(enabled: boolean): void {
    if (this.#o.platform === 'win32') {
      app.setLoginItemSettings({ openAtLogin: enabled, args: this.#o.args, name: this.#o.name });
    } else if (this.#o.platform === 'darwin') {
      app.setLoginItemSettings({ openAtLogin: enabled });
    } else {
      // Synchronous on purpose: a tiny file, and isEnabled() right after must see it.
      const file = this.#desktopFile;
      try {
        if (enabled) {
          mkdirSync(join(file, '..'), { recursive: true });
          // An AppImage runs from a temporary mount: start the image itself.
          writeFileSync(file, autostartDesktopEntry(this.#o.name, process.env['APPIMAGE'] ?? process.execPath, this.#o.args));
        } else {
          rmSync(file, { force: true });
        }
      } catch (e) {
        log.warn('autostart entry: %s', errorMessage(e));
      }
    }
  }
}

const SHORTCUT_ACTIONS: readonly ShortcutAction[] = ['answer', 'decline', 'toggleMute'];

/** Global shortcuts; an accelerator another app holds is refused and reported, not fatal. */
export class GlobalShortcuts implements ShortcutsPort {
  readonly #mine = new Set<string>();

  register(map: Record<ShortcutAction, string>, fn: (action: ShortcutAction) => void): string[] {
    const refused: string[] = [];
    for (const action of SHORTCUT_ACTIONS) {
      const accelerator = map[action];
      let ok = false;
      try {
        ok = globalShortcut.register(accelerator, () => fn(action));
      } catch {
        ok = false; // Electron throws on an accelerator it cannot parse.
      }
      if (ok) this.#mine.add(accelerator);
      else refused.push(accelerator);
    }
    return refused;
  }

  /** Only ours: unregisterAll() would also drop shortcuts some other part of the app set. */
  unregisterAll(): void {
    for (const accelerator of this.#mine) globalShortcut.unregister(accelerator);
    this.#mine.clear();
  }
}

/** Opens only web links outside: a file: or custom-scheme URL could launch a program. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
}

export class ElectronShell implements ShellPort {
  openExternal(url: string): void {
    if (!isExternalWebUrl(url)) {
      log.warn('refused to open a non-web URL outside the app');
      return;
    }
    shell.openExternal(url).catch((e: unknown) => log.warn('openExternal failed: %s', errorMessage(e)));
  }

  showItemInFolder(path: string): void {
    shell.showItemInFolder(path);
  }
}

/**
 * Wake signals for the connection: the machine resumed or the screen unlocked ('resumed'), or
 * the network came back ('network-changed': net.isOnline() went from false to true).
 */
export class ElectronWake implements WakePort {
  readonly #fns = new Set<(s: WakeSignal) => void>();
  readonly #pollMs: number;
  #online: boolean | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #onResume = (): void => this.#fire('resumed');

  constructor(o: { pollMs?: number } = {}) {
    this.#pollMs = o.pollMs ?? NETWORK_POLL_MS;
  }

  on(fn: (signal: WakeSignal) => void): () => void {
    if (this.#fns.size === 0) this.#start();
    this.#fns.add(fn);
    return () => {
      this.#fns.delete(fn);
      if (this.#fns.size === 0) this.#stop();
    };
  }

  #start(): void {
    powerMonitor.on('resume', this.#onResume);
    powerMonitor.on('unlock-screen', this.#onResume);
    this.#online = net.isOnline();
    this.#timer = setInterval(() => {
      const now = net.isOnline();
      const cameBack = this.#online === false && now;
      this.#online = now;
      if (cameBack) this.#fire('network-changed');
    }, this.#pollMs);
  }

  #stop(): void {
    powerMonitor.off('resume', this.#onResume);
    powerMonitor.off('unlock-screen', this.#onResume);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #fire(signal: WakeSignal): void {
    log.debug('wake: %s', signal);
    for (const fn of this.#fns) fn(signal);
  }
}
