import { hostname } from 'node:os';
import type { AppLocale } from '../../shared/i18n/index.ts';
import type { CallId } from '../../shared/protocol/index.ts';
import type { NotificationCheck } from '../../shared/ipc/model.ts';
import type { WakeSignal } from '../signaling/wakeSignals.ts';
import type { PolicySourceReading } from '../policy/Policy.ts';
import { RecordingUpdater } from '../update/RecordingUpdater.ts';
import type {
  AppInfo,
  IncomingCallActions,
  IncomingCallAlert,
  OsFocus,
  Platform,
  ShortcutAction,
  TrayAction,
  TrayState,
} from './ports.ts';

/** One thing the desktop was asked to do, in order: what tests and the headless host inspect. */
export type PlatformRecord =
  | { kind: 'notification'; alert: IncomingCallAlert }
  | { kind: 'notificationClosed'; callID: CallId }
  | { kind: 'missedNotification'; from: string; count: number }
  | { kind: 'ringingWindow'; callID: CallId }
  | { kind: 'ringingWindowClosed' }
  | { kind: 'tray'; state: TrayState }
  | { kind: 'attention'; on: boolean }
  | { kind: 'badge'; count: number }
  | { kind: 'mainWindow'; visible: boolean }
  | { kind: 'autoLaunch'; enabled: boolean }
  | { kind: 'shortcuts'; map: Record<ShortcutAction, string> | null }
  | { kind: 'openExternal'; url: string }
  | { kind: 'quit' };

/**
 * The platform with no desktop: it records every request and lets a test (or the headless host)
 * press the buttons a user would press (notification actions, tray items, wake signals).
 */
export class HeadlessPlatform implements Platform {
  readonly records: PlatformRecord[] = [];
  readonly info: AppInfo;
  #notifications = new Map<CallId, IncomingCallActions>();
  #trayFns = new Set<(a: TrayAction) => void>();
  #wakeFns = new Set<(s: WakeSignal) => void>();
  #focusFns = new Set<(f: OsFocus) => void>();
  #shortcutFn: ((a: ShortcutAction) => void) | null = null;
  #focus: OsFocus = { active: false, source: null };
  #visible = true;
  #autoLaunch = false;
  #ringingCall: CallId | null = null;
  /** What `selfTest` answers; a test sets it to simulate a blocked notification. */
  notificationCheck: NotificationCheck = { ok: true, problems: [] };
  /** Shortcut accelerators the "OS" refuses, to test the taken-by-another-app path. */
  takenShortcuts = new Set<string>();
  /** What the "OS" has as IT policy; set before the core starts. */
  policyReadings: PolicySourceReading[] = [];
  /** No installer here: unsupported (updates off) unless a test puts a supported one in before start. */
  updater: Platform['updater'] = new RecordingUpdater({ supported: false, builtInFeedUrl: null });

  constructor(info: Partial<AppInfo> & Pick<AppInfo, 'userDataDir'>) {
    this.info = { platform: 'linux', version: '0.0.0-headless', osLocale: 'en-US', exportDir: info.userDataDir, hostName: hostname(), ...info };
  }

  #record(r: PlatformRecord): void {
    this.records.push(r);
  }

  get ringingCall(): CallId | null {
    return this.#ringingCall;
  }
  /** The latest tray state, or null before the first update. */
  get trayState(): TrayState | null {
    return this.of('tray').at(-1)?.state ?? null;
  }

  readonly tray: Platform['tray'] = {
    update: (state) => this.#record({ kind: 'tray', state }),
    onAction: (fn) => {
      this.#trayFns.add(fn);
      return () => this.#trayFns.delete(fn);
    },
  };

  readonly notifier: Platform['notifier'] = {
    showIncomingCall: (alert, actions) => {
      this.#notifications.set(alert.callID, actions);
      this.#record({ kind: 'notification', alert });
      return {
        close: () => {
          if (this.#notifications.delete(alert.callID)) this.#record({ kind: 'notificationClosed', callID: alert.callID });
        },
      };
    },
    showMissedCall: (from, count) => this.#record({ kind: 'missedNotification', from: from.userId, count }),
    selfTest: () => Promise.resolve(this.notificationCheck),
    setLocale: (locale) => {
      this.notificationLocale = locale;
    },
  };
  /** The language the core last gave the notifier. */
  notificationLocale: AppLocale = 'en';

  readonly ringingWindow: Platform['ringingWindow'] = {
    open: (callID) => {
      this.#ringingCall = callID;
      this.#record({ kind: 'ringingWindow', callID });
    },
    close: () => {
      if (this.#ringingCall === null) return;
      this.#ringingCall = null;
      this.#record({ kind: 'ringingWindowClosed' });
    },
  };

  readonly attention: Platform['attention'] = {
    request: () => this.#record({ kind: 'attention', on: true }),
    cancel: () => this.#record({ kind: 'attention', on: false }),
    setBadge: (count) => this.#record({ kind: 'badge', count }),
  };

  readonly mainWindow: Platform['mainWindow'] = {
    show: () => {
      this.#visible = true;
      this.#record({ kind: 'mainWindow', visible: true });
    },
    hide: () => {
      this.#visible = false;
      this.#record({ kind: 'mainWindow', visible: false });
    },
    isVisible: () => this.#visible,
  };

  /** Not encryption: the headless host has no keychain. Marked so it is never mistaken for safeStorage output. */
  readonly secrets: Platform['secrets'] = {
    isAvailable: () => true,
    encrypt: (plain) => new TextEncoder().encode(`headless:${plain}`),
    decrypt: (data) => {
      const s = new TextDecoder().decode(data);
      if (!s.startsWith('headless:')) throw new Error('not written by the headless secret store');
      return s.slice('headless:'.length);
    },
  };

  readonly focus: Platform['focus'] = {
    read: () => Promise.resolve(this.#focus),
    onChange: (fn) => {
      this.#focusFns.add(fn);
      return () => this.#focusFns.delete(fn);
    },
  };

  readonly autoLaunch: Platform['autoLaunch'] = {
    isEnabled: () => this.#autoLaunch,
    setEnabled: (enabled) => {
      this.#autoLaunch = enabled;
      this.#record({ kind: 'autoLaunch', enabled });
    },
  };

  readonly shortcuts: Platform['shortcuts'] = {
    register: (map, fn) => {
      this.#shortcutFn = fn;
      this.#record({ kind: 'shortcuts', map });
      return Object.values(map).filter((a) => this.takenShortcuts.has(a));
    },
    unregisterAll: () => {
      this.#shortcutFn = null;
      this.#record({ kind: 'shortcuts', map: null });
    },
  };

  readonly shell: Platform['shell'] = {
    openExternal: (url) => this.#record({ kind: 'openExternal', url }),
    showItemInFolder: () => undefined,
  };

  readonly policy: Platform['policy'] = {
    read: () => Promise.resolve(this.policyReadings),
  };

  readonly wake: Platform['wake'] = {
    on: (fn) => {
      this.#wakeFns.add(fn);
      return () => this.#wakeFns.delete(fn);
    },
  };

  quit(): void {
    this.#record({ kind: 'quit' });
  }

  // ---- what a user (or the OS) does, for tests ----
  clickNotification(callID: CallId, action: 'accept-audio' | 'accept-video' | 'decline' | 'open'): void {
    const a = this.#notifications.get(callID);
    if (!a) throw new Error(`no notification for ${callID}`);
    if (action === 'decline') a.decline();
    else if (action === 'open') a.open();
    else a.accept(action === 'accept-video' ? 'video' : 'audio');
  }
  clickTray(action: TrayAction): void {
    for (const fn of this.#trayFns) fn(action);
  }
  pressShortcut(action: ShortcutAction): void {
    this.#shortcutFn?.(action);
  }
  signalWake(signal: WakeSignal): void {
    for (const fn of this.#wakeFns) fn(signal);
  }
  setFocus(focus: OsFocus): void {
    this.#focus = focus;
    for (const fn of this.#focusFns) fn(focus);
  }
  /** Records of one kind, typed. */
  of<K extends PlatformRecord['kind']>(kind: K): Extract<PlatformRecord, { kind: K }>[] {
    return this.records.filter((r): r is Extract<PlatformRecord, { kind: K }> => r.kind === kind);
  }
}
