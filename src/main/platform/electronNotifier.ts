import { Notification, type NotificationConstructorOptions } from 'electron';
import { translatorFor, type AppLocale, type Translator } from '../../shared/i18n/index.ts';
import type { NotificationCheck } from '../../shared/ipc/model.ts';
import { Logger } from '../log/Logger.ts';
import type { Closable, FocusPort, IncomingCallActions, IncomingCallAlert, NotifierPort } from './ports.ts';
import { buildIncomingCallToastXml, incomingCallBody } from './toastXml.ts';

const log = new Logger('Notifier');

const SECOND = 1000;
/** How long the self-test waits for the OS to say it showed (or refused) the test notification. */
const SELF_TEST_WAIT = 3 * SECOND;

/** macOS action buttons, in this order: the 'action' event reports the index. */
const ACCEPT_INDEX = 0;
const DECLINE_INDEX = 1;

type Problem = NotificationCheck['problems'][number];

export interface NotifierOptions {
  platform: NodeJS.Platform;
  /**
   * Windows shows toasts only for an app with an AppUserModelID and a Start menu shortcut that
   * carries it: true for the installed app, false for a dev or portable copy.
   */
  hasAppUserModelId: boolean;
  /** The OS focus mode; notifications are held back while it is on. */
  focus?: Pick<FocusPort, 'read'>;
  /** Windows' per-app switch (Settings › Notifications › Ringdesk): false = off, null = unknown. */
  appToastsEnabled?: () => Promise<boolean | null>;
  /** Test seam: how long selfTest waits for 'show'/'failed'. */
  selfTestWaitMs?: number;
}

/**
 * OS notifications. Windows gets an incoming-call toast whose buttons are protocol links (the core
 * handles them as deep links from a second instance); macOS gets Accept/Decline action buttons;
 * Linux gets a critical notification that opens the app. The ringing window is shown in every
 * case, so a notification the OS swallows costs nothing but convenience.
 */
export class ElectronNotifier implements NotifierPort {
  readonly #o: NotifierOptions;
  /** Electron drops a notification's events once it is garbage-collected: hold them while they matter. */
  readonly #live = new Set<Notification>();
  #missed: Notification | null = null;
  #t: Translator = translatorFor('en');
  #locale: AppLocale = 'en';

  constructor(o: NotifierOptions) {
    this.#o = o;
  }

  /** Notifications shown from now on use this language; one already on screen keeps its text. */
  setLocale(locale: AppLocale): void {
    this.#locale = locale;
    this.#t = translatorFor(locale);
  }

  /** The language the core last set: the platform's other OS-drawn text (dialogs, window titles) follows it. */
  get locale(): AppLocale {
    return this.#locale;
  }

  showIncomingCall(alert: IncomingCallAlert, actions: IncomingCallActions): Closable {
    if (!Notification.isSupported()) return { close: () => undefined };
    const n = new Notification(this.#incomingOptions(alert));
    if (this.#o.platform !== 'win32') {
      // On Windows every activation is a protocol link instead; listening too would act twice.
      n.on('action', (details) => {
        if (details.actionIndex === ACCEPT_INDEX) actions.accept(alert.media);
        else if (details.actionIndex === DECLINE_INDEX) actions.decline();
      });
      n.on('click', () => actions.open());
    }
    n.on('failed', (_e, error) => log.warn('incoming-call notification failed: %s', error));
    this.#hold(n);
    n.show();
    let closed = false;
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.#live.delete(n);
        n.close();
      },
    };
  }

  #incomingOptions(alert: IncomingCallAlert): NotificationConstructorOptions {
    const t = this.#t;
    const body = incomingCallBody(t, alert.media, alert.others);
    if (this.#o.platform === 'win32') {
      return { title: alert.callerName, body, toastXml: buildIncomingCallToastXml(t, alert) };
    }
    if (this.#o.platform === 'darwin') {
      return {
        title: alert.callerName,
        body,
        silent: true,
        actions: [
          { type: 'button', text: t('os.call.accept') },
          { type: 'button', text: t('os.call.decline') },
        ],
        closeButtonText: t('os.call.ignore'),
      };
    }
    // Linux: libnotify has no Electron actions; critical + never makes it stay until acted on.
    return { title: alert.callerName, body, silent: true, urgency: 'critical', timeoutType: 'never' };
  }

  showMissedCall(from: { userId: string; name: string }, count: number, open: () => void): void {
    if (!Notification.isSupported()) return;
    // One missed-call notification at a time: the newest replaces the last.
    if (this.#missed) {
      this.#live.delete(this.#missed);
      this.#missed.close();
    }
    const n = new Notification({
      title: this.#t('os.call.missedTitle', { n: count }),
      body: this.#t(count > 1 ? 'os.call.missedLatest' : 'os.call.missedFrom', { name: from.name }),
    });
    n.on('click', () => open());
    this.#missed = n;
    this.#hold(n);
    n.show();
  }

  async selfTest(): Promise<NotificationCheck> {
    if (!Notification.isSupported()) {
      return { ok: false, problems: [{ code: 'unsupported', fix: 'unsupported' }] };
    }
    const problems: Problem[] = [];
    const win = this.#o.platform === 'win32';
    if (win && !this.#o.hasAppUserModelId) {
      problems.push({ code: 'noAppUserModelId', fix: 'noAppUserModelId' });
    }
    if (win && (await this.#appToastsEnabled()) === false) {
      problems.push({ code: 'disabledForApp', fix: 'disabledForApp' });
    }
    const focus = await this.#o.focus?.read().catch(() => null);
    if (focus?.active) problems.push({ code: 'focusMode', fix: focusFix(this.#o.platform) });
    const shown = await this.#showTest();
    if (shown === 'failed') {
      problems.push({ code: 'permissionDenied', fix: this.#o.platform === 'darwin' ? 'permissionDeniedDarwin' : 'permissionDenied' });
    }
    return { ok: problems.length === 0, problems };
  }

  async #appToastsEnabled(): Promise<boolean | null> {
    try {
      return (await this.#o.appToastsEnabled?.()) ?? null;
    } catch {
      return null;
    }
  }

  /** Shows a real notification and waits for the OS's verdict; 'unknown' when it says nothing in time. */
  #showTest(): Promise<'shown' | 'failed' | 'unknown'> {
    const n = new Notification({ title: this.#t('os.selfTest.title'), body: this.#t('os.selfTest.body') });
    this.#hold(n);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('unknown'), this.#o.selfTestWaitMs ?? SELF_TEST_WAIT);
      n.once('show', () => {
        clearTimeout(timer);
        resolve('shown');
      });
      n.once('failed', (_e, error) => {
        clearTimeout(timer);
        log.warn('test notification failed: %s', error);
        resolve('failed');
      });
      n.show();
    });
  }

  #hold(n: Notification): void {
    this.#live.add(n);
    n.once('close', () => this.#live.delete(n));
  }
}

function focusFix(platform: NodeJS.Platform): Problem['fix'] {
  if (platform === 'win32') return 'focusModeWin32';
  if (platform === 'darwin') return 'focusModeDarwin';
  return 'focusModeLinux';
}
