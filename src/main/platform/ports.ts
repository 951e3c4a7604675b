import type { AppLocale } from '../../shared/i18n/index.ts';
import type { CallId, UserId } from '../../shared/protocol/index.ts';
import type { DndState, MediaKind, NotificationCheck } from '../../shared/ipc/model.ts';
import type { WakePort } from '../signaling/wakeSignals.ts';
import type { PolicySourceReading } from '../policy/Policy.ts';
import type { UpdaterPort } from '../update/UpdateController.ts';

export type { UpdaterPort } from '../update/UpdateController.ts';

/**
 * The small interfaces the main-process core needs from the desktop. Electron implements them in
 * ./electron*.ts; ./headless.ts implements them with no desktop (recording what it was asked),
 * for the headless host and the tests. Nothing outside this folder imports electron.
 */

export interface IncomingCallAlert {
  callID: CallId;
  callerId: UserId;
  callerName: string;
  media: MediaKind;
  /** Other people invited with us, for "Alice (+2)". */
  others: number;
  /** One-time nonce for the notification's protocol links, spent on use, void once ringing stops. */
  linkNonce: string;
}

export interface IncomingCallActions {
  accept(media: MediaKind): void;
  decline(): void;
  /** The notification body was clicked: show the app. */
  open(): void;
}

export interface Closable {
  close(): void;
}

export interface NotifierPort {
  /** OS notification with Accept/Decline where the OS has actions (macOS, Windows toast). */
  showIncomingCall(alert: IncomingCallAlert, actions: IncomingCallActions): Closable;
  showMissedCall(from: { userId: UserId; name: string }, count: number, open: () => void): void;
  /** Shows a test incoming-call notification and reports what would block a real one. */
  selfTest(): Promise<NotificationCheck>;
  /** The language of notifications shown from now on (settings or OS locale). */
  setLocale(locale: AppLocale): void;
}

/** The always-on-top, frameless ringing window: the fallback that works on every OS. */
export interface RingingWindowPort {
  /** Opens (or refocuses) the window for this call; it renders the renderer's ringing route. */
  open(callID: CallId): void;
  close(): void;
}

export type TrayPresence = 'online' | 'connecting' | 'offline' | 'signedOut';
export interface TrayState {
  /** The menu and tooltip language; a change re-renders both. */
  locale: AppLocale;
  presence: TrayPresence;
  dnd: DndState['effective'];
  missed: number;
  /** Animate the icon while ringing. */
  ringing: boolean;
  /** A downloaded update waits: the menu offers "Restart to update". */
  updateReady?: boolean;
}
export type TrayAction = 'show' | 'toggleDnd' | 'missedCalls' | 'restartToUpdate' | 'quit';

export interface TrayPort {
  update(state: TrayState): void;
  onAction(fn: (action: TrayAction) => void): () => void;
}

/** Taskbar flash on Windows, dock bounce on macOS, and the missed-call badge. */
export interface AttentionPort {
  request(): void;
  cancel(): void;
  setBadge(count: number): void;
}

export interface MainWindowPort {
  show(): void;
  /** Closing hides the window: signaling and ringing go on (tray-first). */
  hide(): void;
  isVisible(): boolean;
}

/** safeStorage: encrypts with the OS keychain / DPAPI. */
export interface SecretStorePort {
  isAvailable(): boolean;
  encrypt(plain: string): Uint8Array;
  decrypt(data: Uint8Array): string;
}

export interface OsFocus {
  active: boolean;
  source: DndState['os']['source'];
}
/** The OS focus mode (Windows Focus Assist / quiet hours, macOS Focus). */
export interface FocusPort {
  read(): Promise<OsFocus>;
  onChange(fn: (focus: OsFocus) => void): () => void;
}

export interface AutoLaunchPort {
  isEnabled(): boolean;
  /** Starts at login, minimized to the tray. */
  setEnabled(enabled: boolean): void;
}

export type ShortcutAction = 'answer' | 'decline' | 'toggleMute';
export interface ShortcutsPort {
  /** Registers the given accelerators; returns the ones the OS refused (taken by another app). */
  register(map: Record<ShortcutAction, string>, fn: (action: ShortcutAction) => void): string[];
  unregisterAll(): void;
}

export interface ShellPort {
  openExternal(url: string): void;
  /** Shows a file in the OS file manager (after "Export diagnostics"). */
  showItemInFolder(path: string): void;
}

/** IT policy where the OS keeps it (registry, managed preferences, a JSON file), highest precedence first. */
export interface PolicyPort {
  /** Never rejects: a source that cannot be read comes back as a reading with an error. */
  read(): Promise<PolicySourceReading[]>;
}

export interface AppInfo {
  platform: 'darwin' | 'win32' | 'linux';
  version: string;
  osLocale: string;
  /** The profile's own folder: settings, token, logs. */
  userDataDir: string;
  /** Where "Export diagnostics" writes. */
  exportDir: string;
  hostName: string;
}

/** Everything the core takes from the desktop, in one object the composition root builds. */
export interface Platform {
  info: AppInfo;
  notifier: NotifierPort;
  ringingWindow: RingingWindowPort;
  tray: TrayPort;
  attention: AttentionPort;
  mainWindow: MainWindowPort;
  secrets: SecretStorePort;
  focus: FocusPort;
  autoLaunch: AutoLaunchPort;
  shortcuts: ShortcutsPort;
  shell: ShellPort;
  wake: WakePort;
  policy: PolicyPort;
  updater: UpdaterPort;
  /** Quits the app for real (tray "Quit"). */
  quit(): void;
}
