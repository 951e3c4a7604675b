import { errorMessage, RingdeskError } from '../../shared/errors.ts';
import { TypedEmitter } from '../../shared/events.ts';
import type { UpdateState } from '../../shared/ipc/managed.ts';
import { assertNever } from '../../shared/assertNever.ts';
import { Logger } from '../log/Logger.ts';
import type { ManagedPolicy } from '../policy/Policy.ts';

const log = new Logger('Update');

/** Let sign-in and the first paint go first. */
export const FIRST_CHECK_DELAY_MS = 60 * 1000;
export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** What an updater reports (electron-updater's events, narrowed to what we use). */
export type UpdaterEvent =
  | { kind: 'checking' }
  | { kind: 'available'; version: string }
  | { kind: 'notAvailable' }
  | { kind: 'progress'; percent: number }
  | { kind: 'downloaded'; version: string }
  | { kind: 'error'; message: string };

/** The desktop's updater: electron-updater in the app, a recording fake headless. */
export interface UpdaterPort {
  /** False where an update cannot apply: a dev run, a Linux build, the headless host. */
  readonly supported: boolean;
  /** The feed written into the build (app-update.yml), or null when the build has none. */
  builtInFeedUrl(): string | null;
  setFeedUrl(url: string): void;
  /** Checks, and downloads in the background when there is something newer. */
  check(): Promise<void>;
  onEvent(fn: (e: UpdaterEvent) => void): () => void;
  /** Quits the app and runs the installer. */
  quitAndInstall(): void;
}

export type UpdateControllerEvents = { changed: [state: UpdateState] };

export interface UpdateControllerOptions {
  port: UpdaterPort;
  policy: ManagedPolicy;
  /** Called right before quitAndInstall, to close the core cleanly (as tray "Quit" does). */
  beforeInstall?: () => void;
  firstCheckDelayMs?: number;
  checkIntervalMs?: number;
}

const IDLE: UpdateState = { status: 'idle', version: null, percent: null, reason: null, detail: null, waitingForCall: false };

/**
 * Background updates with one rule on top: never interrupt a call. "Restart to update" during a
 * call waits until no call is active. An IT policy (AutoUpdate = false) turns all of it off: no
 * check, no download. Pure: the updater and the clock are the only outside things.
 */
export class UpdateController extends TypedEmitter<UpdateControllerEvents> {
  readonly #o: UpdateControllerOptions;
  #state: UpdateState;
  #callActive = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #off: (() => void) | null = null;
  #installed = false;

  constructor(o: UpdateControllerOptions) {
    super();
    this.#o = o;
    this.#state = { ...IDLE, status: 'disabled' };
  }

  get state(): UpdateState {
    return this.#state;
  }

  /** Decides whether updates run at all, then checks after a delay and every few hours. */
  start(): void {
    const { port, policy } = this.#o;
    const feed = policy.updateFeedUrl ?? port.builtInFeedUrl();
    const off: UpdateState['reason'] =
      policy.autoUpdate === false ? 'policyOff'
      : !port.supported ? 'notInstalled'
      : feed === null ? 'noFeed'
      : null;
    if (off !== null) {
      log.info('updates off: %s', off);
      this.#set({ ...IDLE, status: 'disabled', reason: off });
      return;
    }
    if (policy.updateFeedUrl !== null) port.setFeedUrl(policy.updateFeedUrl);
    this.#off = port.onEvent((e) => this.#onEvent(e));
    this.#set(IDLE);
    this.#schedule(this.#o.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
  }

  /** The core says whether any call is ringing, being placed or in progress. */
  setCallActive(active: boolean): void {
    this.#callActive = active;
    if (!active && this.#state.waitingForCall) this.#install();
  }

  /** "Restart to update" (tray or settings): now, or when the current call ends. */
  restartToUpdate(): UpdateState {
    if (this.#state.status !== 'ready') throw new RingdeskError('forbidden', 'No update is ready to install.');
    if (this.#callActive) {
      log.info('restart to update requested during a call: waiting for it to end');
      this.#set({ ...this.#state, waitingForCall: true });
      return this.#state;
    }
    this.#install();
    return this.#state;
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#off?.();
    this.#off = null;
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#check();
    }, ms);
    // Never keep a headless process alive just to check for updates.
    if (typeof this.#timer === 'object' && 'unref' in this.#timer) this.#timer.unref();
  }

  async #check(): Promise<void> {
    this.#schedule(this.#o.checkIntervalMs ?? CHECK_INTERVAL_MS);
    // A download in progress or one waiting to be installed needs no new check.
    if (this.#state.status === 'downloading' || this.#state.status === 'ready') return;
    try {
      await this.#o.port.check();
    } catch (e) {
      this.#onEvent({ kind: 'error', message: errorMessage(e) });
    }
  }

  #onEvent(e: UpdaterEvent): void {
    // Once an update is downloaded, later noise (a failed re-check) does not take it away.
    if (this.#state.status === 'ready' && e.kind !== 'downloaded') return;
    switch (e.kind) {
      case 'checking':
        this.#set({ ...IDLE, status: 'checking' });
        return;
      case 'available':
        log.info('update %s available: downloading', e.version);
        this.#set({ ...IDLE, status: 'downloading', version: e.version, percent: 0 });
        return;
      case 'progress':
        this.#set({ ...this.#state, status: 'downloading', percent: Math.min(100, Math.max(0, Math.round(e.percent))) });
        return;
      case 'notAvailable':
        this.#set(IDLE);
        return;
      case 'downloaded':
        log.info('update %s ready', e.version);
        this.#set({ ...IDLE, status: 'ready', version: e.version });
        return;
      case 'error':
        log.warn('update failed: %s', e.message);
        this.#set({ ...IDLE, status: 'error', detail: e.message.slice(0, 300) });
        return;
      default:
        assertNever(e);
    }
  }

  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    this.#set({ ...this.#state, waitingForCall: false });
    log.info('restarting to install %s', this.#state.version);
    this.#o.beforeInstall?.();
    this.#o.port.quitAndInstall();
  }

  #set(s: UpdateState): void {
    this.#state = s;
    this.emit('changed', s);
  }
}
