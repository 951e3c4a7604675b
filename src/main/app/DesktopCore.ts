import { errorMessage, RingdeskError } from '../../shared/errors.ts';
import { TypedEmitter } from '../../shared/events.ts';
import { resolveLocale, type AppLocale } from '../../shared/i18n/index.ts';
import { encodeCallMeta } from '../../shared/ipc/callMeta.ts';
import type { IpcEvents } from '../../shared/ipc/contract.ts';
import type { AppSnapshot, CallView, ConnectionInfo, MediaKind, Notice, NoticeParams, SessionInfo, Settings, SettingsPatch } from '../../shared/ipc/model.ts';
import type { CallId, CallMode, DndStatus, UserId } from '../../shared/protocol/index.ts';
import type { UpdateState } from '../../shared/ipc/managed.ts';
import { Logger } from '../log/Logger.ts';
import type { Platform, TrayPresence } from '../platform/ports.ts';
import { NotificationNonces } from '../ringing/NotificationNonces.ts';
import { Ringer } from '../ringing/Ringer.ts';
import { loadDeviceId, TokenVault } from '../settings/Identity.ts';
import { SettingsStore } from '../settings/SettingsStore.ts';
import type { BackoffOptions } from '../signaling/backoff.ts';
import type { WebSocketFactory } from '../signaling/SignalingClient.ts';
import { connectionInfo, type Connection } from './Connection.ts';
import { DesktopInputs } from './DesktopInputs.ts';
import { DndPolicy } from './DndPolicy.ts';
import { Managed } from './Managed.ts';
import { MissedCallAlerts } from './MissedCallAlerts.ts';
import { ServerSession } from './ServerSession.ts';

const log = new Logger('DesktopCore');
const HISTORY_PAGE_AT_START = 50;

export interface CoreOptions {
  platform: Platform;
  /** Tests and the headless host may shorten reconnects; the app uses the defaults. */
  webSocket?: WebSocketFactory;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  now?: () => number;
}

/**
 * The desktop app's main-process core: one signed-in connection, ringing, missed calls, DND,
 * settings and the desktop's buttons (tray, notifications, shortcuts, deep links). Electron's
 * composition root and the headless host both build exactly this, with different platforms.
 */
export class DesktopCore extends TypedEmitter<IpcEvents> {
  readonly p: Platform;
  readonly settings: SettingsStore;
  readonly deviceId;
  readonly #now: () => number;
  /** The one server connection and its saved token. */
  readonly #session: ServerSession;
  readonly #ringer: Ringer;
  /** The incoming-call notification's link nonces: the Ringer issues them, deep links spend them. */
  readonly #nonces: NotificationNonces;
  readonly #dnd: DndPolicy;
  /** IT policy over the settings, and the updater. */
  readonly #managed: Managed;
  readonly #missed: MissedCallAlerts;
  #connection: ConnectionInfo;
  readonly #notices: Notice[] = [];
  #locale: AppLocale | null = null;
  readonly #inputs: DesktopInputs;
  readonly #offs: (() => void)[] = [];

  constructor(o: CoreOptions) {
    super();
    this.p = o.platform;
    this.#managed = new Managed(this.p);
    this.#now = o.now ?? Date.now;
    const dir = this.p.info.userDataDir;
    this.settings = new SettingsStore(dir, this.#now);
    if (this.settings.problem) this.#notices.push(this.settings.problem);
    this.deviceId = loadDeviceId(dir);
    this.#session = new ServerSession(new TokenVault(dir, this.p.secrets), { webSocket: o.webSocket, backoff: o.backoff, requestTimeoutMs: o.requestTimeoutMs }, {
      device: () => ({ deviceId: this.deviceId, deviceName: this.deviceName }),
      checkServerUrl: (serverUrl) => this.#managed.checkServerUrl(serverUrl),
      bind: (conn) => this.#bind(conn),
      onSession: (serverDnd, resumed) => this.#onSession(serverDnd, resumed),
      detached: () => this.#detached(),
      emit: (channel, ...payload) => this.emit(channel, ...payload),
      notice: (code) => this.notice(code),
    });
    const s = this.settings.get();
    this.#missed = new MissedCallAlerts(s.missedSeenAt, {
      p: this.p,
      settings: this.settings,
      nameOf: (u) => this.#nameOf(u),
      open: () => this.#inputs.trayAction('missedCalls'),
      changed: (m) => {
        this.emit('missedCalls', m);
        this.#updateTray();
      },
    });
    this.#dnd = new DndPolicy(s.dndFollowsOs, s.dndOsForced);
    this.#connection = connectionInfo('idle', {}, this.#now());
    this.#nonces = new NotificationNonces(() => this.deviceId);
    this.#inputs = new DesktopInputs({
      p: this.p,
      settings: () => this.settings.get(),
      signedIn: () => this.sessionInfo() !== null,
      nonces: this.#nonces,
      accept: (callID, media) => this.accept(callID, media),
      reject: (callID) => this.reject(callID),
      toggleDnd: () => this.setDnd({ ...this.#dnd.state.app, enabled: !this.#dnd.state.app.enabled }),
      installUpdate: () => this.installUpdate(),
      ringingCall: () => this.#ringer.current,
      navigate: (to) => this.emit('navigate', to),
      shortcut: (action) => this.emit('shortcut', { action }),
      notice: (code, params) => this.notice(code, params),
      close: () => this.close(),
    });
    this.#ringer = new Ringer({
      notifier: this.p.notifier,
      ringingWindow: this.p.ringingWindow,
      attention: this.p.attention,
      nonces: this.#nonces,
      nameOf: (u) => this.#nameOf(u),
      onAction: (id, a) => void this.#inputs.ringAction(id, a),
      onRingingChanged: () => this.#updateTray(),
    });
  }

  get deviceName(): string {
    return this.settings.get().deviceName || this.p.info.hostName;
  }
  get ringer(): Ringer {
    return this.#ringer;
  }
  get connection(): Connection | null {
    return this.#session.connection;
  }

  /** Starts the desktop side and, with a saved session, signs in again in the background. */
  async start(): Promise<void> {
    this.#offs.push(
      this.settings.on('changed', (s) => {
        this.emit('settings', s);
        this.#applyLocale();
      }),
      this.#dnd.on('changed', (d) => {
        this.emit('dnd', d);
        this.#updateTray();
        void this.#syncDnd();
      }),
      this.p.tray.onAction((a) => this.#inputs.trayAction(a)),
      this.p.wake.on((signal) => {
        log.info('wake signal %s', signal);
        this.#session.connection?.sig.nudge();
      }),
      this.p.focus.onChange((f) => this.#dnd.setOs(f)),
    );
    // Policy before anything reads settings for real: it may lock the server or start at login.
    await this.#managed.load();
    this.settings.setOverlay((s) => this.#managed.effective(s));
    // After the policy: its default language counts when the user left "system".
    this.#applyLocale();
    this.#offs.push(
      this.#managed.on('update', (u) => {
        this.emit('update', u);
        this.#updateTray();
      }),
    );
    this.#managed.startUpdates(() => this.close());
    this.#dnd.setOs(await this.p.focus.read());
    this.#inputs.applySettings();
    this.#updateTray();
    const s = this.settings.get();
    this.#session.resume(s.serverUrl, s.lastUserId);
  }

  async login(a: { serverUrl: string; userId: UserId; password: string }): Promise<SessionInfo> {
    await this.#session.login(a);
    this.settings.update({ serverUrl: a.serverUrl, lastUserId: a.userId });
    const info = this.sessionInfo();
    if (!info) throw new RingdeskError('disconnected', 'the connection closed while signing in');
    return info;
  }

  logout(): Promise<void> {
    return this.#session.logout();
  }

  /** Every device of this user is signed out by the server; this one too. */
  signOutEverywhere(): Promise<void> {
    return this.#session.signOutEverywhere();
  }

  sessionInfo(): SessionInfo | null {
    return this.#session.info();
  }

  snapshot(): AppSnapshot {
    return {
      platform: this.p.info.platform,
      osLocale: this.p.info.osLocale,
      connection: this.#connection,
      session: this.sessionInfo(),
      calls: this.#session.connection?.calls.views ?? [],
      dnd: this.#dnd.state,
      missed: this.#missed.state,
      settings: this.settings.get(),
      notices: [...this.#notices],
      policy: this.#managed.info(),
      update: this.#managed.updateState(),
    };
  }

  /** The signed-in connection, or a clear error for the renderer. */
  calls(): Connection['calls'] {
    return this.#session.signedIn().calls;
  }

  view(callID: CallId): CallView {
    const v = this.calls().view(callID);
    if (!v) throw new RingdeskError('call_not_found', `no call ${callID} on this device`);
    return v;
  }

  async invite(invitees: UserId[], media: MediaKind, mode: CallMode, timeout: number): Promise<{ call: CallView; errorInvitees: { userId: string; reason: 'unknown' | 'alreadyInCall' | 'self' }[] }> {
    this.#managed.checkMedia(media);
    const r = await this.calls().callInvite(invitees, { mode, timeout, extendedData: encodeCallMeta({ media }) });
    return { call: this.view(r.call.callID), errorInvitees: r.errorInvitees };
  }

  async accept(callID: CallId, media: MediaKind): Promise<CallView> {
    this.#managed.checkMedia(media);
    await this.calls().callAccept(callID, encodeCallMeta({ media }));
    this.p.mainWindow.show();
    this.emit('navigate', { to: 'call', callID });
    return this.view(callID);
  }

  async reject(callID: CallId): Promise<CallView> {
    await this.calls().callReject(callID);
    return this.view(callID);
  }

  async setDnd(status: DndStatus): Promise<void> {
    this.calls(); // DND lives on the server: signed in only
    this.#dnd.setApp(status);
    await this.#syncDnd();
  }

  get dndState(): DndPolicy['state'] {
    return this.#dnd.state;
  }

  markMissedSeen(): void {
    this.#missed.markSeen(this.#now());
  }

  /** Favorites, recents, search and presence subscriptions of the signed-in connection. */
  directory(): Connection['directory'] {
    return this.#session.signedIn().directory;
  }

  #nameOf(u: UserId): string {
    return this.#session.connection?.directory.nameOf(u) ?? u;
  }

  /** Codes and params only: the renderer words the notice in the user's language. */
  notice(code: Notice['code'], params: NoticeParams = {}): void {
    const n = { code, params, at: this.#now() };
    this.#notices.push(n);
    if (this.#notices.length > 20) this.#notices.shift();
    this.emit('notice', n);
  }

  /** Deep links from the OS: dial someone, or a Windows toast button. Bad links are logged, never acted on. */
  openDeepLink(raw: string): Promise<void> {
    return this.#inputs.openDeepLink(raw);
  }

  updateSettings(patch: SettingsPatch): Settings {
    this.#managed.checkPatch(patch);
    const before = this.settings.get();
    const s = this.settings.update(patch);
    if (before.startAtLogin !== s.startAtLogin || JSON.stringify(before.shortcuts) !== JSON.stringify(s.shortcuts)) this.#inputs.applySettings();
    this.#dnd.setFollowOs(s.dndFollowsOs);
    if (before.deviceName !== s.deviceName) this.#session.reconnectWithToken();
    return s;
  }

  /** "Restart to update" (settings or tray): now, or when the current call ends. */
  installUpdate(): UpdateState {
    return this.#managed.restartToUpdate();
  }

  /** The core's reactions to each new connection (ServerSession binds them and removes them with it). */
  #bind(conn: Connection): (() => void)[] {
    const { sig, calls } = conn;
    return [
      sig.on('state', (state, detail) => {
        this.#connection = connectionInfo(state, detail, this.#now());
        this.emit('connection', this.#connection);
        if (state === 'signedOut') this.#signedOut();
        // Signed out by the server, not by this user: say why (the renderer shows the notice in their language).
        if (state === 'signedOut' && detail.code === 'session_revoked') this.notice('sessionRevoked');
        if (state === 'signedOut' && detail.code === 'account_disabled') this.notice('accountDisabled');
        this.#updateTray();
      }),
      calls.on('viewChanged', (views) => {
        this.#ringer.update(views);
        this.#managed.callsChanged(views);
        for (const v of views) if (v.call.callState === 'ended') this.#missed.onEnded(v.call, conn);
        // The people of calls in progress are shown (call screens): watch their presence too.
        conn.directory.show('calls', [...new Set(views.filter((v) => v.call.callState === 'started').flatMap((v) => v.call.users.map((u) => u.userId)))].filter((u) => u !== conn.me));
        this.emit('calls', { calls: views });
      }),
      calls.on('callRecord', (d) => {
        this.emit('callRecord', d);
        this.#missed.onRecord(d.record, conn);
      }),
    ];
  }

  #detached(): void {
    this.#ringer.stopAll();
    this.#connection = connectionInfo('signedOut', {}, this.#now());
    this.emit('connection', this.#connection);
    this.emit('session', null);
    this.emit('calls', { calls: [] });
    this.emit('people', { favorites: [], recents: [] });
    this.#managed.callsChanged([]);
    this.#updateTray();
  }

  #signedOut(): void {
    this.#ringer.stopAll();
    this.emit('session', null);
  }

  async #onSession(serverDnd: DndStatus, resumed: boolean): Promise<void> {
    this.emit('session', this.sessionInfo());
    if (!resumed) this.#dnd.fromServer(serverDnd);
    const conn = this.#session.connection;
    if (!conn) return;
    try {
      // Records, not call views: they carry the outcome of calls that ended while this device was away.
      const { records } = await conn.calls.queryCallRecords(HISTORY_PAGE_AT_START);
      this.#missed.loadRecords(records, conn, !resumed);
    } catch (e) {
      log.warn('reading contacts and history after sign-in failed: %s', errorMessage(e));
    }
    await this.#syncDnd();
    this.#inputs.afterSignIn();
  }

  async #syncDnd(): Promise<void> {
    const want = this.#dnd.pendingServerUpdate();
    const conn = this.#session.connection;
    // The reason for the server's DND can change with nothing to send (the user takes over the OS's DND).
    if (!want && this.settings.get().dndOsForced !== this.#dnd.osForced) this.settings.update({ dndOsForced: this.#dnd.osForced });
    if (!want || !conn || conn.sig.state !== 'connected') return;
    try {
      this.#dnd.applied(await conn.calls.setDNDStatus(want));
      if (this.settings.get().dndOsForced !== this.#dnd.osForced) this.settings.update({ dndOsForced: this.#dnd.osForced });
    } catch (e) {
      log.warn('DND sync failed: %s', errorMessage(e));
    }
  }

  /** The UI language: the setting, or for "system" the OS locale. Main's own text follows it too. */
  get locale(): AppLocale {
    return resolveLocale(this.settings.get().language, this.p.info.osLocale);
  }

  /** Re-renders what main draws itself (tray, later notifications) when the language changes. */
  #applyLocale(): void {
    const locale = this.locale;
    if (locale === this.#locale) return;
    this.#locale = locale;
    this.p.notifier.setLocale(locale);
    this.#updateTray();
  }

  #updateTray(): void {
    const state = this.#session.connection?.sig.state ?? 'signedOut';
    const presence: TrayPresence = state === 'connected' ? 'online' : state === 'connecting' ? 'connecting' : state === 'reconnecting' ? 'offline' : 'signedOut';
    const update = this.#managed.updateReady ? { updateReady: true } : {};
    this.p.tray.update({ locale: this.locale, presence, dnd: this.#dnd.state.effective, missed: this.#missed.state.count, ringing: this.#ringer.ringing, ...update });
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.p.shortcuts.unregisterAll();
    this.#session.close();
    this.#ringer.stopAll();
    this.#managed.close();
  }
}
