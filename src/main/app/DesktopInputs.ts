import { assertNever } from '../../shared/assertNever.ts';
import type { EventPayload } from '../../shared/ipc/contract.ts';
import type { UpdateState } from '../../shared/ipc/managed.ts';
import type { CallView, MediaKind, Notice, NoticeParams, Settings } from '../../shared/ipc/model.ts';
import type { CallId, UserId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import type { Platform, TrayAction } from '../platform/ports.ts';
import type { NotificationNonces } from '../ringing/NotificationNonces.ts';
import type { RingAction } from '../ringing/Ringer.ts';
import { parseDeepLink } from './deepLink.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('DesktopInputs');

/** What the desktop's own buttons act on: the core's calling API and a few of its hooks. */
export interface InputTarget {
  readonly p: Pick<Platform, 'mainWindow' | 'shortcuts' | 'autoLaunch' | 'quit'>;
  settings(): Settings;
  signedIn(): boolean;
  /** Spends the nonce a notification link carries (see NotificationNonces). */
  nonces: Pick<NotificationNonces, 'consume'>;
  accept(callID: CallId, media: MediaKind): Promise<CallView>;
  reject(callID: CallId): Promise<CallView>;
  toggleDnd(): Promise<void>;
  installUpdate(): UpdateState;
  ringingCall(): CallId | null;
  navigate(to: EventPayload<'navigate'>): void;
  shortcut(action: EventPayload<'shortcut'>['action']): void;
  notice(code: Notice['code'], params?: NoticeParams): void;
  close(): void;
}

/**
 * Everything the desktop hands us outside the app's pages: deep links (a dial, a Windows toast
 * button), the tray menu, global shortcuts and the ringing alerts' buttons. Each acts through the
 * core's public calling API, so a button does exactly what the same click in the app does.
 */
export class DesktopInputs {
  readonly #t: InputTarget;
  /** A `ringdesk://call/…` that came before sign-in: shown once the session is ready. */
  #pendingDial: { userId: UserId; media: MediaKind } | null = null;

  constructor(target: InputTarget) {
    this.#t = target;
  }

  /**
   * Links come from other programs and web pages, so none acts without the user: a call link
   * opens the contact with Call focused, and accept/decline count only with the live nonce of a
   * notification this app showed. Everything else is logged and ignored.
   */
  async openDeepLink(raw: string): Promise<void> {
    const link = parseDeepLink(raw);
    switch (link.kind) {
      case 'invalid':
        log.warn('ignored deep link (%s)', link.reason);
        return;
      case 'dial':
        this.#t.p.mainWindow.show();
        if (!this.#t.signedIn()) {
          this.#pendingDial = { userId: link.userId, media: link.media };
          return;
        }
        this.#t.navigate({ to: 'dial', userId: link.userId, media: link.media });
        return;
      case 'notification': {
        if (link.action === 'open') {
          // Showing the call's screen acts on nothing; its buttons still need the user.
          await this.ringAction(link.callID, { kind: 'open' });
          return;
        }
        const verdict = this.#t.nonces.consume(link.callID, link.nonce);
        if (!verdict.ok) {
          log.warn('ignored notification %s link for %s (nonce %s)', link.action, link.callID, verdict.reason);
          return;
        }
        await this.ringAction(link.callID, link.action === 'accept' ? { kind: 'accept', media: link.media } : { kind: 'decline' });
        return;
      }
      default:
        assertNever(link, 'deep link');
    }
  }

  /** The session is ready (contacts and history read): show the contact a link asked for before it. */
  afterSignIn(): void {
    const dial = this.#pendingDial;
    this.#pendingDial = null;
    if (dial) this.#t.navigate({ to: 'dial', userId: dial.userId, media: dial.media });
  }

  /** Applies the desktop parts of the settings: start at login and global shortcuts. */
  applySettings(): void {
    const s = this.#t.settings();
    const { autoLaunch, shortcuts } = this.#t.p;
    if (autoLaunch.isEnabled() !== s.startAtLogin) autoLaunch.setEnabled(s.startAtLogin);
    shortcuts.unregisterAll();
    if (!s.shortcuts.enabled) return;
    const { answer, decline, toggleMute } = s.shortcuts;
    const refused = shortcuts.register({ answer, decline, toggleMute }, (action) => {
      const ringing = this.#t.ringingCall();
      if (action === 'toggleMute') this.#t.shortcut(action);
      else if (ringing) void this.ringAction(ringing, action === 'answer' ? { kind: 'accept', media: 'audio' } : { kind: 'decline' });
    });
    if (refused.length) this.#t.notice('shortcutsTaken', { keys: refused.join(', ') });
  }

  /** Accept, Decline or open from the notification, the ringing window, a toast link or a shortcut. */
  async ringAction(callID: CallId, a: RingAction): Promise<void> {
    try {
      switch (a.kind) {
        case 'accept':
          await this.#t.accept(callID, a.media);
          return;
        case 'decline':
          await this.#t.reject(callID);
          return;
        case 'open':
          this.#t.p.mainWindow.show();
          this.#t.navigate({ to: 'call', callID });
          return;
        default:
          assertNever(a, 'ring action');
      }
    } catch (e) {
      // Most often: answered elsewhere or cancelled a moment earlier; the view already says so.
      log.warn('%s on %s failed: %s', a.kind, callID, errorMessage(e));
    }
  }

  trayAction(a: TrayAction): void {
    switch (a) {
      case 'show':
        this.#t.p.mainWindow.show();
        return;
      case 'toggleDnd':
        void this.#t.toggleDnd().catch((e: unknown) => log.warn('DND toggle failed: %s', String(e)));
        return;
      case 'missedCalls':
        this.#t.p.mainWindow.show();
        this.#t.navigate({ to: 'missed' });
        return;
      case 'restartToUpdate':
        try {
          this.#t.installUpdate();
        } catch (e) {
          log.warn('restart to update: %s', errorMessage(e));
        }
        return;
      case 'quit':
        this.#t.close();
        this.#t.p.quit();
        return;
      default:
        assertNever(a, 'tray action');
    }
  }
}
