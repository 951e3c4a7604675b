import { errorMessage, RingdeskError } from '../../shared/errors.ts';
import type { EventChannel, IpcEvents } from '../../shared/ipc/contract.ts';
import type { Notice, SessionInfo } from '../../shared/ipc/model.ts';
import type { DndStatus, UserId } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import type { TokenVault } from '../settings/Identity.ts';
import { explainSignInFailure } from '../signaling/signInFailure.ts';
import { Connection, type ConnectionOptions } from './Connection.ts';

const log = new Logger('ServerSession');
const SIGN_IN_TIMEOUT_MS = 15_000;

/** The reconnect tuning from CoreOptions, passed on to every connection. */
export type ConnectionTuning = Pick<ConnectionOptions, 'webSocket' | 'backoff' | 'requestTimeoutMs'>;

/** What the session asks of DesktopCore: this device, IT policy, and the core's side of each swap. */
export interface SessionHost {
  /** Read at every (re)connect: the device's name is sent at sign-in. */
  device(): Pick<ConnectionOptions, 'deviceId' | 'deviceName'>;
  /** Throws where a sign-in is refused by policy (ws:// off this machine, another locked server). */
  checkServerUrl(serverUrl: string): void;
  /** The core's own listeners on a new connection; they are removed with it. */
  bind(conn: Connection): (() => void)[];
  /** Every sign-in, fresh or resumed: the core reads contacts, history and DND. */
  onSession(serverDnd: DndStatus, resumed: boolean): Promise<void>;
  /** The connection was dropped: the core stops ringing and tells the renderer. */
  detached(): void;
  emit<C extends EventChannel>(channel: C, ...payload: IpcEvents[C]): void;
  notice(code: Notice['code']): void;
}

/**
 * The app's one server connection and the saved token that resumes it. Every swap (resume,
 * sign-in, sign-out, the reconnect after a rename) goes through here, so the listeners are bound
 * to exactly one connection at a time.
 */
export class ServerSession {
  readonly #vault: TokenVault;
  readonly #tuning: ConnectionTuning;
  readonly #h: SessionHost;
  #conn: Connection | null = null;
  #offs: (() => void)[] = [];
  /** Contacts, history and DND are read after every sign-in; a fresh login waits for it. */
  #ready: Promise<void> = Promise.resolve();

  constructor(vault: TokenVault, tuning: ConnectionTuning, host: SessionHost) {
    this.#vault = vault;
    this.#tuning = tuning;
    this.#h = host;
  }

  get connection(): Connection | null {
    return this.#conn;
  }

  /** The signed-in connection, or a clear error for the renderer. */
  signedIn(): Connection {
    const c = this.#conn;
    if (!c || c.sig.state === 'signedOut' || !c.sig.session) throw new RingdeskError('not_signed_in', 'sign in first');
    return c;
  }

  info(): SessionInfo | null {
    const c = this.#conn;
    const s = c?.sig.session;
    if (!c || !s || c.sig.state === 'signedOut') return null;
    const { deviceId, deviceName } = this.#h.device();
    return { serverUrl: c.serverUrl, userId: s.userId, displayName: s.displayName, deviceId, deviceName };
  }

  /** With a saved session, signs in again in the background. */
  resume(serverUrl: string, lastUserId: string): void {
    const token = this.#vault.load();
    if (token && serverUrl && lastUserId && this.#resumable(serverUrl)) {
      this.#attach(new Connection({ ...this.#options(serverUrl), credentials: { userId: lastUserId as UserId, token } })); // saved by us after a validated sign-in
      this.#conn?.sig.connect();
    }
  }

  /** A saved session is not resumed where a sign-in would now be refused (ws:// off this machine, another locked server): the token would cross in clear. */
  #resumable(serverUrl: string): boolean {
    try {
      this.#h.checkServerUrl(serverUrl);
      return true;
    } catch (e) {
      log.warn('not resuming the saved session: %s', errorMessage(e));
      return false;
    }
  }

  /** A fresh sign-in: resolves once the session is ready, or fails saying why. */
  async login(a: { serverUrl: string; userId: UserId; password: string }): Promise<void> {
    this.#h.checkServerUrl(a.serverUrl);
    this.detach();
    const conn = new Connection({ ...this.#options(a.serverUrl), credentials: { userId: a.userId, password: a.password } });
    this.#attach(conn);
    try {
      await conn.open(SIGN_IN_TIMEOUT_MS);
      await this.#ready;
    } catch (e) {
      this.detach();
      // "Could not connect" becomes DNS / refused / TLS / timeout, so the user knows what to fix.
      throw await explainSignInFailure(a.serverUrl, e);
    }
  }

  async logout(): Promise<void> {
    const conn = this.#conn;
    const notTold = conn ? await conn.sig.logout() : 'no connection';
    if (notTold !== null) log.warn('signed out here, but the server was not told (%s): its token for this device stays valid there until it expires', notTold);
    this.detach();
    this.#vault.clear();
  }

  /** Every device of this user is signed out by the server; this one too. Needs the connection: a failure keeps the session and says why. */
  async signOutEverywhere(): Promise<void> {
    const conn = this.#conn;
    if (!conn || conn.sig.state !== 'connected') throw new RingdeskError('not_signed_in', 'connect first to sign out everywhere');
    await conn.sig.signOutEverywhere();
    this.detach();
    this.#vault.clear();
  }

  /** Signs in again with the saved token, so that the server sees the device's new name. */
  reconnectWithToken(): void {
    const conn = this.#conn;
    const token = this.#vault.load();
    const me = conn?.me;
    if (!conn || !token || !me) return;
    this.detach();
    this.#attach(new Connection({ ...this.#options(conn.serverUrl), credentials: { userId: me, token } }));
    this.#conn?.sig.connect();
  }

  detach(): void {
    this.close();
    this.#h.detached();
  }

  /** Drops the connection without telling the core: the core is closing too. */
  close(): void {
    for (const off of this.#offs) off();
    this.#offs = [];
    this.#conn?.close();
    this.#conn = null;
  }

  #options(serverUrl: string): Omit<ConnectionOptions, 'credentials'> {
    return { serverUrl, ...this.#h.device(), ...this.#tuning };
  }

  #attach(conn: Connection): void {
    this.#conn = conn;
    const { sig, calls, directory } = conn;
    this.#offs = [
      ...this.#h.bind(conn),
      sig.on('token', (t) => {
        if (!this.#vault.save(t) && t !== null) this.#h.notice('tokenNotStored');
      }),
      sig.on('session', (s, resumed) => {
        this.#ready = this.#h.onSession(s.dnd, resumed);
      }),
      // The events the core has no part in go to the renderer as they come.
      calls.on('callInvitationReceived', ({ call }) => {
        const v = calls.view(call.callID);
        if (v) this.#h.emit('incomingCall', { call: v });
      }),
      calls.on('handledOnOtherDevice', (d) => this.#h.emit('handledElsewhere', d)),
      calls.on('sfu', (p) => this.#h.emit('sfu', p)),
      directory.on('presence', (users) => this.#h.emit('presence', { users })),
      directory.on('people', (people) => this.#h.emit('people', people)),
      directory.on('error', (e) => log.warn('directory: %s (%s)', e.message, e.code)),
      calls.on('error', (e) => log.warn('calling: %s (%s)', e.message, e.code)),
      sig.on('protocolError', (e) => log.warn('protocol: %s (%s)', e.message, e.code)),
    ];
  }
}
