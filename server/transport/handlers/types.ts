import type { DeviceId, ParsedRequest, RequestResult, RequestType, UserId } from '../../../src/shared/protocol/index.ts';
import { RingdeskError } from '../../../src/shared/errors.ts';
import type { AuthService } from '../../auth/AuthService.ts';
import type { RevocationWatcher } from '../../auth/RevocationWatcher.ts';
import type { ServerConfig } from '../../config.ts';
import type { CallService } from '../../domain/CallService.ts';
import type { Presence } from '../../domain/Presence.ts';
import type { TransportStats } from '../../metrics/TransportStats.ts';
import type { Connection, SessionRegistry } from '../../routing/SessionRegistry.ts';
import type { SfuService } from '../../sfu/SfuService.ts';
import type { StorageHealth } from '../../store/StorageHealth.ts';
import type { Store, UserRow } from '../../store/Store.ts';
import type { UserCache } from '../../store/UserCache.ts';
import type { RequestLane } from '../RequestLane.ts';
import type { WriteCoalescer } from '../WriteCoalescer.ts';

export interface Services {
  config: ServerConfig;
  store: Store;
  /** User rows for hot paths; in-process user writes go through it (docs/architecture.md, "User cache"). */
  users: UserCache;
  auth: AuthService;
  revocations: RevocationWatcher;
  calls: CallService;
  sessions: SessionRegistry;
  presence: Presence;
  sfu: SfuService;
  /** Whether the database can be written; /healthz reads it. */
  storage: StorageHealth;
  /** Corks each connection's socket for the rest of the tick: one write per connection per tick. */
  writes: WriteCoalescer;
  /** Where sign-ins and list reads wait their turn behind calling (RequestLane.ts). */
  lane: RequestLane;
  now(): number;
  /** Frame and sign-in counters the transport bumps; read by /metrics. */
  stats: TransportStats;
  /** A one-shot timer on the server's clock (see ServerClock); returns its cancel. */
  after(ms: number, fn: () => void): () => void;
}

export interface Session {
  user: UserRow;
  deviceId: DeviceId;
  deviceName: string;
}

/** What a handler may see of the connection it serves. */
export interface RequestContext {
  session: Session | null;
  /** The connection the request came on (presence subscriptions belong to it); null outside a socket. */
  connection: Connection | null;
  /** The client's address, for sign-in throttling. */
  address: string;
  /** Called by login/resume once credentials are good; the transport registers the session after responding. */
  authenticate(session: Session): void;
  logout(): void;
}

/** The parsed request of one type. */
export type RequestOf<T extends RequestType> = Extract<ParsedRequest, { type: T }>;

/** One handler per request type; its result type is checked against that type's result schema at compile time. */
export type Handler<T extends RequestType> = (s: Services, ctx: RequestContext, req: RequestOf<T>) => Promise<RequestResult<T>>;
export type HandlerMap<K extends RequestType> = { [T in K]: Handler<T> };

export function needUser(ctx: RequestContext): Session {
  if (!ctx.session) throw new RingdeskError('unauthenticated', 'sign in first');
  return ctx.session;
}

export function actor(ctx: RequestContext): { userId: UserId; deviceId: DeviceId } {
  const s = needUser(ctx);
  return { userId: s.user.userId, deviceId: s.deviceId };
}
