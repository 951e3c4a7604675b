import { type ErrorCode, errorMessage, RingdeskError } from '../../shared/errors.ts';
import { TypedEmitter } from '../../shared/events.ts';
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  parseJson,
  parseResult,
  parseServerFrame,
  type DeviceId,
  type Push,
  type RequestInput,
  type RequestResult,
  type RequestType,
  type UserId,
} from '../../shared/protocol/index.ts';
import { backoffDelay, busyDelay, DEFAULT_BACKOFF, drainDelay, retryHint, type BackoffOptions } from './backoff.ts';

/** The part of the WHATWG WebSocket we use: Node 24's global, Chromium's, or a fake in tests. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'signedOut' | 'closed';
export type Session = RequestResult<'login'>;

export type SignalingEvents = {
  /** retryAfterMs: with code auth_throttled, when the server lets this user try again. */
  state: [state: ConnectionState, detail: { retryInMs?: number; attempt?: number; reason?: string; code?: ErrorCode; retryAfterMs?: number }];
  /** Authenticated; `resumed` is true after a reconnect, when callers should re-read what they show. */
  session: [session: Session, resumed: boolean];
  push: [push: Push];
  /** The saved token changed: persist it (main stores it with safeStorage). */
  token: [token: string | null];
  /** The server sent something we could not read; logged, never fatal. */
  protocolError: [error: RingdeskError];
};

export interface Credentials {
  userId: UserId;
  password?: string;
  token?: string;
}

export interface SignalingOptions {
  url: string;
  deviceId: DeviceId;
  deviceName: string;
  credentials: Credentials;
  webSocket?: WebSocketFactory;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

/** Server close codes after which reconnecting cannot help (see docs/protocol.md). */
const FINAL_CLOSE_CODES = new Set<number>([CLOSE_CODES.loggedOut, CLOSE_CODES.unauthenticated, CLOSE_CODES.accountDisabled, CLOSE_CODES.replaced, CLOSE_CODES.signedOut]);
/**
 * Closes and sessionClosed reasons that mean the saved token is dead: forget it and say why.
 * (`replaced` is not one: the connection that replaced us is this device, with the same token.)
 */
const REVOKED_BY_CLOSE: ReadonlyMap<number, { code: ErrorCode; reason: string }> = new Map<number, { code: ErrorCode; reason: string }>([
  [CLOSE_CODES.accountDisabled, { code: 'account_disabled', reason: 'this account was disabled' }],
  [CLOSE_CODES.signedOut, { code: 'session_revoked', reason: 'signed out by the server' }],
]);
const REVOKED_BY_PUSH: Partial<Record<Extract<Push, { type: 'sessionClosed' }>['data']['reason'], { code: ErrorCode; reason: string }>> = {
  accountDisabled: { code: 'account_disabled', reason: 'this account was disabled' },
  passwordChanged: { code: 'session_revoked', reason: 'the password was changed; sign in again' },
  signedOutEverywhere: { code: 'session_revoked', reason: 'signed out on every device; sign in again' },
};
const FINAL_AUTH_ERRORS = new Set<ErrorCode>(['auth_failed', 'auth_throttled', 'account_disabled', 'unsupported_version']);

/** How the next reconnect is timed: growing backoff, the busy server's hint (4503), or at once with jitter (4307). */
type Wait = { kind: 'backoff' } | { kind: 'busy'; hintMs: number } | { kind: 'drained'; delayMs: number };

type Pending = { resolve: (v: unknown) => void; reject: (e: RingdeskError) => void; timer: ReturnType<typeof setTimeout> };

/**
 * The one persistent, authenticated connection: login or resume, heartbeat, request/response
 * correlation with timeouts, and reconnect with backoff (at once when the platform says the network is back).
 */
export class SignalingClient extends TypedEmitter<SignalingEvents> {
  readonly #o: Required<Omit<SignalingOptions, 'credentials'>>;
  #creds: Credentials;
  #ws: WebSocketLike | null = null;
  #state: ConnectionState = 'idle';
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The pending retry waits out the server's busy hint: nudge() must not cut it short. */
  #busyWait = false;
  /** Draining closes (4307) since the last session: only the first reconnects at once; a drained node reached again means back off. */
  #drainedInARow = 0;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #everConnected = false;
  #session: Session | null = null;
  /** Pushes that arrive between the auth response and the `session` event wait here, so listeners see the session first. */
  #early: Push[] = [];

  constructor(o: SignalingOptions) {
    super();
    this.#creds = { ...o.credentials };
    this.#o = {
      url: o.url,
      deviceId: o.deviceId,
      deviceName: o.deviceName,
      webSocket: o.webSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike), // the global matches WebSocketLike structurally
      requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
      backoff: o.backoff ?? DEFAULT_BACKOFF,
      random: o.random ?? Math.random,
    };
  }

  get state(): ConnectionState {
    return this.#state;
  }
  get session(): Session | null {
    return this.#session;
  }

  connect(): void {
    if (this.#state === 'connecting' || this.#state === 'connected') return;
    this.#clearRetry();
    this.#setState('connecting', {});
    let ws: WebSocketLike;
    try {
      ws = this.#o.webSocket(this.#o.url);
    } catch (e) {
      this.#scheduleReconnect(errorMessage(e));
      return;
    }
    this.#ws = ws;
    ws.onopen = () => void this.#authenticate(ws);
    ws.onmessage = (ev) => this.#onMessage(ev.data);
    ws.onerror = () => undefined; // the close event that follows carries what we act on
    ws.onclose = (ev) => this.#onClose(ws, ev.code, ev.reason);
  }

  /** The platform saw the network change or the machine wake: retry now instead of waiting out the backoff. */
  nudge(): void {
    if (this.#busyWait) return;
    if (this.#state === 'reconnecting' || this.#state === 'idle') {
      this.#attempt = 0;
      this.connect();
    } else if (this.#state === 'connected') {
      // A sleeping laptop's socket may look open but be dead; a heartbeat proves it either way.
      void this.request('heartbeat', {}).catch(() => this.#ws?.close(4001, 'heartbeat failed'));
    }
  }

  /**
   * Ends the session for good: logs out on the server when connected, forgets the token. Returns
   * why the server was not told, or null: the token it kept then stays valid there until it expires,
   * which the caller logs (signing out here still works offline).
   */
  async logout(): Promise<string | null> {
    let notTold: string | null = this.#state === 'connected' ? null : `not connected (${this.#state})`;
    if (notTold === null) {
      await this.request('logout', {}).catch((e: unknown) => {
        notTold = errorMessage(e);
      });
    }
    this.#forget();
    return notTold;
  }

  /** Ends every session of this user, on every device (the server closes the others with 4410), then forgets the token. */
  async signOutEverywhere(): Promise<void> {
    await this.request('signOutEverywhere', {});
    this.#forget();
  }

  #forget(): void {
    this.#creds = { userId: this.#creds.userId };
    this.emit('token', null);
    this.close();
  }

  close(): void {
    this.#clearRetry();
    this.#stopHeartbeat();
    const ws = this.#ws;
    this.#ws = null;
    this.#setState('closed', {});
    ws?.close(1000, 'client closed');
    this.#failPending('disconnected', 'connection closed');
  }

  /** Sends a request and resolves with its validated result. Rejects with a RingdeskError (server code, request_timeout or disconnected). */
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<RequestResult<T>> {
    const ws = this.#ws;
    const authReq = type === 'login' || type === 'resume';
    if (!ws || (this.#state !== 'connected' && !authReq)) {
      return Promise.reject(new RingdeskError('disconnected', `not connected (${this.#state})`));
    }
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RingdeskError('request_timeout', `${type} got no answer in ${this.#o.requestTimeoutMs} ms`));
      }, this.#o.requestTimeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ id, type, data }));
    }).then((result) => parseResult(type, result));
  }

  async #authenticate(ws: WebSocketLike): Promise<void> {
    const hello = { deviceId: this.#o.deviceId, deviceName: this.#o.deviceName, protocolVersion: PROTOCOL_VERSION };
    try {
      let session: Session;
      try {
        if (!this.#creds.token) throw new RingdeskError('token_invalid', 'no saved session');
        session = await this.request('resume', { token: this.#creds.token, ...hello });
      } catch (e) {
        if (!(e instanceof RingdeskError) || e.code !== 'token_invalid' || !this.#creds.password) throw e;
        session = await this.request('login', { userId: this.#creds.userId, password: this.#creds.password, ...hello });
      }
      if (ws !== this.#ws) return;
      this.#creds.token = session.token;
      this.#session = session;
      this.emit('token', session.token);
      const resumed = this.#everConnected;
      this.#everConnected = true;
      this.#attempt = 0;
      this.#drainedInARow = 0;
      this.#setState('connected', {});
      this.#startHeartbeat(session.heartbeatIntervalMs);
      this.emit('session', session, resumed);
      const early = this.#early;
      this.#early = [];
      for (const p of early) this.emit('push', p);
    } catch (e) {
      const err = e instanceof RingdeskError ? e : new RingdeskError('internal', String(e));
      if (FINAL_AUTH_ERRORS.has(err.code) || err.code === 'token_invalid') {
        this.#creds.token = undefined;
        this.emit('token', null);
        this.#signOut(err.message, err.code, err.retryAfterMs);
      } else ws.close(4002, 'authentication did not complete');
    }
  }

  #onMessage(data: unknown): void {
    let frame;
    try {
      frame = parseServerFrame(parseJson(String(data)));
    } catch (e) {
      this.emit('protocolError', e instanceof RingdeskError ? e : new RingdeskError('bad_request', String(e)));
      return;
    }
    if (frame.kind === 'push') {
      if (frame.push.type === 'sessionClosed') {
        const revoked = REVOKED_BY_PUSH[frame.push.data.reason];
        if (revoked) this.#revoked(revoked.reason, revoked.code);
        else this.#signOut(`session closed: ${frame.push.data.reason}`);
      }
      if (this.#state === 'connecting') this.#early.push(frame.push);
      else this.emit('push', frame.push);
      return;
    }
    const { id } = frame.frame;
    const p = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (!p) {
      if ('error' in frame.frame) this.emit('protocolError', new RingdeskError(frame.frame.error.code, frame.frame.error.message));
      return;
    }
    this.#pending.delete(id as number); // found by this numeric id just above
    clearTimeout(p.timer);
    if ('error' in frame.frame) p.reject(new RingdeskError(frame.frame.error.code, frame.frame.error.message, frame.frame.error.retryAfterMs));
    else p.resolve(frame.frame.result);
  }

  #onClose(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#early = [];
    this.#stopHeartbeat();
    this.#failPending('disconnected', `connection closed (${code}${reason ? `: ${reason}` : ''})`);
    if (this.#state === 'closed' || this.#state === 'signedOut') return;
    const revoked = REVOKED_BY_CLOSE.get(code);
    if (revoked) this.#revoked(reason || revoked.reason, revoked.code);
    else if (FINAL_CLOSE_CODES.has(code)) this.#signOut(reason || `closed with ${code}`);
    else this.#scheduleReconnect(reason || `closed with ${code}`, this.#waitAfter(code, reason));
  }

  #waitAfter(code: number, reason: string): Wait {
    if (code === CLOSE_CODES.draining && this.#drainedInARow++ === 0) return { kind: 'drained', delayMs: drainDelay(code, reason, this.#o.random) };
    const hintMs = retryHint(code, reason);
    return hintMs === null ? { kind: 'backoff' } : { kind: 'busy', hintMs };
  }

  /** The server ended this session for good: the saved token no longer works, so it is dropped too. */
  #revoked(reason: string, code: ErrorCode): void {
    this.#creds.token = undefined;
    this.emit('token', null);
    this.#signOut(reason, code);
  }

  #signOut(reason: string, code?: ErrorCode, retryAfterMs?: number): void {
    this.#clearRetry();
    this.#stopHeartbeat();
    this.#setState('signedOut', { reason, ...(code ? { code } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'signed out');
    this.#failPending('disconnected', reason);
  }

  /** A busy server's hint (4503) is honoured with jitter; a draining node's clients come back at once, spread over its window (4307). */
  #scheduleReconnect(reason: string, wait: Wait = { kind: 'backoff' }): void {
    const retryInMs =
      wait.kind === 'backoff' ? backoffDelay(this.#attempt, this.#o.backoff, this.#o.random) : wait.kind === 'busy' ? busyDelay(wait.hintMs, this.#o.random) : wait.delayMs;
    if (wait.kind === 'backoff') this.#attempt++;
    this.#busyWait = wait.kind === 'busy';
    this.#setState('reconnecting', { retryInMs, attempt: this.#attempt, reason });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#busyWait = false;
      this.connect();
    }, retryInMs);
  }

  #startHeartbeat(intervalMs: number): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => {
      this.request('heartbeat', {}).catch((e: unknown) => {
        if (e instanceof RingdeskError && e.code === 'request_timeout') this.#ws?.close(4001, 'heartbeat timeout');
      });
    }, intervalMs);
  }
  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
  #clearRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#busyWait = false;
  }
  #failPending(code: ErrorCode, message: string): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RingdeskError(code, message));
    }
    this.#pending.clear();
  }
  #setState(state: ConnectionState, detail: SignalingEvents['state'][1]): void {
    if (this.#state === state && state !== 'reconnecting') return;
    this.#state = state;
    this.emit('state', state, detail);
  }
}
