import type { RawData, WebSocket } from 'ws';
import { RingdeskError, isRingdeskError, type WireError } from '../../src/shared/errors.ts';
import { CLOSE_CODES, PRE_AUTH_REQUESTS, parseJson, parseRequestFrame, type Push, type RequestId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { Connection } from '../routing/SessionRegistry.ts';
import { handle, type RequestContext, type Services, type Session } from './handlers/index.ts';
import { RateLimiter } from './RateLimiter.ts';
import { LANE_REQUESTS } from './RequestLane.ts';
import type { Corkable } from './WriteCoalescer.ts';

const log = new Logger('ClientConnection');

/** Close codes a client can act on (declared in src/shared/protocol/closeCodes.ts; docs/protocol.md). */
export const CLOSE = CLOSE_CODES;

const MAX_FAILED_LOGINS = 5;
/** Refusals in a row past the bucket before we stop answering and close. */
const MAX_RATE_VIOLATIONS = 200;

function byteLength(d: RawData): number {
  return Array.isArray(d) ? d.reduce((n, b) => n + b.length, 0) : d instanceof ArrayBuffer ? d.byteLength : d.length;
}

/** The call a request is about, when its data names one (callAccept, sfuJoin, …), for the log. */
function callIdOf(data: unknown): string | undefined {
  return typeof data === 'object' && data !== null && 'callID' in data && typeof data.callID === 'string' ? data.callID : undefined;
}

/**
 * The id of a refused frame without parsing it: clients that put `id` first (ours do, and
 * docs/protocol.md asks for it) still get a refusal they can correlate; others get id null.
 */
function leadingId(d: RawData, isBinary: boolean): number | null {
  if (isBinary || Array.isArray(d)) return null;
  const head = (d instanceof ArrayBuffer ? Buffer.from(d) : d).subarray(0, 32).toString('latin1');
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(head);
  return m ? Number(m[1]) : null;
}

/** One WebSocket: framing, limits and auth in front of the handlers. Nothing here changes domain state on bad input. */
export class ClientConnection implements Connection {
  readonly #ws: WebSocket;
  /** The TCP socket under #ws: corked per tick by Services.writes (null in tests that have none). */
  readonly #socket: Corkable | null;
  readonly #s: Services;
  readonly #limiter: RateLimiter;
  readonly #cancelAuthDeadline: () => void;
  #session: Session | null = null;
  #failedLogins = 0;
  #violations = 0;
  #loggedOut = false;
  /** A login or resume is being checked: a second one waits for no one and is refused. */
  #authInFlight = false;
  /** This connection's requests waiting in the lane, not started yet. */
  #queued = 0;
  lastSeen: number;

  /** Where sign-in throttling counts this connection's failures (server/auth/clientAddress.ts). */
  readonly #address: string;

  /** Told once when the connection signs in (admission control counts the sign-ins still pending). */
  readonly #onSignedIn: () => void;

  constructor(ws: WebSocket, s: Services, address = 'unknown', socket: Corkable | null = null, onSignedIn: () => void = () => undefined) {
    this.#ws = ws;
    this.#onSignedIn = onSignedIn;
    this.#socket = socket;
    this.#s = s;
    this.#address = address;
    this.lastSeen = s.now();
    this.#limiter = new RateLimiter(s.config.rateLimitPerSec, s.config.rateLimitBurst, s.now());
    this.#cancelAuthDeadline = s.after(s.config.authTimeoutMs, () => this.close(CLOSE.unauthenticated, 'authentication timeout'));
    ws.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('error', (e) => this.#log().debug('socket error: %s', e.message));
  }

  get userId(): Session['user']['userId'] {
    if (!this.#session) throw new RingdeskError('unauthenticated', 'not signed in');
    return this.#session.user.userId;
  }
  get deviceId(): Session['deviceId'] {
    if (!this.#session) throw new RingdeskError('unauthenticated', 'not signed in');
    return this.#session.deviceId;
  }
  get deviceName(): string {
    return this.#session?.deviceName ?? '';
  }
  get authenticated(): boolean {
    return this.#session !== null;
  }

  send(frame: string): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#s.stats.framesOut++;
    if (this.#socket) this.#s.writes.hold(this.#socket);
    this.#ws.send(frame);
  }
  sendPush(push: Push): void {
    this.send(JSON.stringify(push));
  }
  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }
  terminate(): void {
    this.#ws.terminate();
  }

  #reply(id: RequestId | null, body: { result: unknown } | { error: WireError }): void {
    this.send(JSON.stringify({ id, ...body }));
  }

  /** Before auth, garbage closes the socket with a reason; after, it gets an error response and the session goes on. */
  #reject(id: RequestId | null, err: RingdeskError): void {
    this.#reply(id, { error: err.toWire() });
    if (!this.#session) this.close(err.code === 'unauthenticated' ? CLOSE.unauthenticated : CLOSE.badFrameBeforeAuth, err.message.slice(0, 120));
  }

  /** The module logger with this connection's user and device once signed in. */
  #log(): Logger {
    return this.#session ? log.child({ userId: this.#session.user.userId, device: this.#session.deviceId }) : log;
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    this.#s.stats.framesIn++;
    this.lastSeen = this.#s.now();
    // Every frame costs from the bucket, garbage included, before any parsing work is done on it.
    if (!this.#limiter.take(this.#s.now())) {
      this.#s.stats.rateLimited++;
      if (++this.#violations > MAX_RATE_VIOLATIONS) return this.close(CLOSE.rateLimited, 'rate limit exceeded');
      return this.#reply(leadingId(data, isBinary), { error: { code: 'rate_limited', message: 'too many requests; slow down' } });
    }
    this.#violations = 0;
    if (isBinary) return this.#reject(null, new RingdeskError('bad_request', 'binary frames are not accepted'));
    if (byteLength(data) > this.#s.config.maxFrameBytes) {
      return this.#reject(null, new RingdeskError('frame_too_large', `frames are limited to ${this.#s.config.maxFrameBytes} bytes`));
    }
    let raw: unknown;
    try {
      raw = parseJson(data.toString());
    } catch (e) {
      return this.#reject(null, e as RingdeskError); // parseJson throws only RingdeskError
    }
    const { id, request, error } = parseRequestFrame(raw);
    if (error || !request) return this.#reject(id, error ?? new RingdeskError('bad_request', 'unreadable request'));
    const preAuth = PRE_AUTH_REQUESTS.has(request.type);
    if (!this.#session && !preAuth) return this.#reject(request.id, new RingdeskError('unauthenticated', 'sign in first'));
    if (this.#session && preAuth) return this.#reply(request.id, { error: { code: 'already_authenticated', message: 'this connection is already signed in' } });
    if (preAuth && this.#authInFlight) return this.#reply(request.id, { error: { code: 'bad_request', message: 'a sign-in is already in progress on this connection' } });
    if (preAuth) this.#authInFlight = true;
    const start = (): void => {
      // Queued behind a storm, the client may have gone: its work would be for no one.
      if (this.#ws.readyState !== this.#ws.OPEN) {
        if (preAuth) this.#authInFlight = false;
        return;
      }
      void this.#run(request).finally(() => {
        if (preAuth) this.#authInFlight = false;
      });
    };
    // A request behind one of its own connection's queued ones waits too: a connection's requests start in order.
    if (!LANE_REQUESTS.has(request.type) && this.#queued === 0) {
      start();
      return;
    }
    this.#queued++;
    this.#s.lane.push(() => {
      this.#queued--;
      start();
    });
  }

  async #run(request: Parameters<typeof handle>[2]): Promise<void> {
    let pending: Session | null = null;
    const ctx: RequestContext = {
      session: this.#session,
      connection: this,
      address: this.#address,
      authenticate: (s) => (pending = s),
      logout: () => (this.#loggedOut = true),
    };
    try {
      const result = await handle(this.#s, ctx, request);
      // The socket hung up (or the auth deadline closed it) while the sign-in was checked: its close
      // handler has run or will run with no session, so registering now would leave a ghost online forever.
      if (pending && this.#ws.readyState !== this.#ws.OPEN) return;
      if (pending) this.#register(pending);
      this.#reply(request.id, { result });
      if (pending) {
        this.#s.stats.signIns++;
        this.#log().info('%s accepted', request.type);
        const { user, deviceId } = pending as Session; // set inside authenticate(), which TS's narrowing cannot see
        this.#s.calls.deviceOnline(user.userId, deviceId);
        this.#s.sfu.deviceOnline(user.userId, deviceId);
      }
      if (this.#loggedOut) this.close(CLOSE.loggedOut, 'logged out');
    } catch (e) {
      const err = isRingdeskError(e) ? e : new RingdeskError('internal', 'internal server error');
      // A failure about a call names it, so an operator can follow one call through the log.
      const callID = callIdOf(request.data);
      const where = callID === undefined ? this.#log() : this.#log().child({ callID });
      if (!isRingdeskError(e)) where.error('%s failed: %s', request.type, e instanceof Error ? (e.stack ?? e.message) : String(e));
      else if (!PRE_AUTH_REQUESTS.has(request.type)) where.debug('%s refused: %s %s', request.type, err.code, err.message);
      this.#reply(request.id, { error: err.toWire() });
      if (PRE_AUTH_REQUESTS.has(request.type)) {
        this.#s.stats.signInFailed(err.code);
        // Who tried, never with what: the password and token stay out of the log.
        const who = request.type === 'login' ? { userId: request.data.userId, device: request.data.deviceId } : request.type === 'resume' ? { device: request.data.deviceId } : {};
        log.child(who).info('%s refused: %s', request.type, err.code);
      }
      if (err.code === 'auth_failed' && ++this.#failedLogins >= MAX_FAILED_LOGINS) this.close(CLOSE.unauthenticated, 'too many failed sign-ins');
      if (err.code === 'account_disabled') this.close(CLOSE.accountDisabled, 'account disabled');
    }
  }

  #register(s: Session): void {
    this.#cancelAuthDeadline();
    this.#onSignedIn();
    this.#session = s;
    const wasOnline = this.#s.sessions.isOnline(s.user.userId);
    const old = this.#s.sessions.add(this) as ClientConnection | undefined; // the registry only ever holds ClientConnections
    if (old) {
      old.sendPush({ type: 'sessionClosed', data: { reason: 'replaced' } });
      old.close(CLOSE.replaced, 'signed in again on this device');
    }
    if (!wasOnline) this.#s.presence.changed({ userId: s.user.userId, presence: 'online', dnd: s.user.dnd.enabled });
    // The device row was stored (and awaited) by login/resume before the session was granted.
  }

  #onClose(): void {
    this.#cancelAuthDeadline();
    const s = this.#session;
    if (!s || !this.#s.sessions.remove(this)) return;
    this.#s.calls.deviceOffline(s.user.userId, s.deviceId, this.#loggedOut);
    this.#s.sfu.deviceOffline(s.user.userId, s.deviceId);
    if (!this.#s.sessions.isOnline(s.user.userId)) this.#s.presence.changed({ userId: s.user.userId, presence: 'offline', dnd: s.user.dnd.enabled });
  }
}
