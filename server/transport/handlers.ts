import { assertNever } from '../../src/shared/assertNever.ts';
import { RingdeskError } from '../../src/shared/errors.ts';
import { PROTOCOL_VERSION, type DeviceId, type ParsedRequest, type RequestResult, type RequestType, type UserId } from '../../src/shared/protocol/index.ts';
import type { AuthService } from '../auth/AuthService.ts';
import type { UserRow } from '../store/Store.ts';
import type { CallService } from '../domain/CallService.ts';
import type { Presence } from '../domain/Presence.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import type { Store } from '../store/Store.ts';
import type { ServerConfig } from '../config.ts';
import type { SfuService } from '../sfu/SfuService.ts';

export interface Services {
  config: ServerConfig;
  store: Store;
  auth: AuthService;
  calls: CallService;
  sessions: SessionRegistry;
  presence: Presence;
  sfu: SfuService;
  now(): number;
}

export interface Session {
  user: UserRow;
  deviceId: DeviceId;
  deviceName: string;
}

/** What a handler may see of the connection it serves. */
export interface RequestContext {
  session: Session | null;
  /** Called by login/resume once credentials are good; the transport registers the session after responding. */
  authenticate(session: Session): void;
  logout(): void;
}

type Handled = { [T in RequestType]: RequestResult<T> }[RequestType];

function needUser(ctx: RequestContext): Session {
  if (!ctx.session) throw new RingdeskError('unauthenticated', 'sign in first');
  return ctx.session;
}

function actor(ctx: RequestContext): { userId: UserId; deviceId: DeviceId } {
  const s = needUser(ctx);
  return { userId: s.user.userId, deviceId: s.deviceId };
}

/** One place that maps each request type to the service that answers it. */
export async function handle(s: Services, ctx: RequestContext, req: ParsedRequest): Promise<Handled> {
  switch (req.type) {
    case 'login':
    case 'resume': {
      if (req.data.protocolVersion !== PROTOCOL_VERSION) {
        throw new RingdeskError('unsupported_version', `server speaks protocol ${PROTOCOL_VERSION}, client sent ${req.data.protocolVersion}`);
      }
      const user = req.type === 'login' ? await s.auth.login(req.data.userId, req.data.password) : await s.auth.resume(req.data.token, req.data.deviceId);
      ctx.authenticate({ user, deviceId: req.data.deviceId, deviceName: req.data.deviceName });
      const { token, expiresAt } = s.auth.issue(user.userId, req.data.deviceId);
      return {
        token,
        expiresAt,
        userId: user.userId,
        displayName: user.displayName,
        deviceId: req.data.deviceId,
        dnd: user.dnd,
        serverTime: s.now(),
        heartbeatIntervalMs: s.config.heartbeatIntervalMs,
      };
    }
    case 'logout': {
      const me = needUser(ctx);
      await s.auth.revoke(me.user.userId, me.deviceId);
      ctx.logout();
      return {};
    }
    case 'heartbeat':
      return { serverTime: s.now() };
    case 'listContacts': {
      const me = needUser(ctx);
      const users = await s.store.listUsers();
      return {
        contacts: users
          .filter((u) => u.userId !== me.user.userId && !u.disabled)
          .map((u) => ({ userId: u.userId, displayName: u.displayName, presence: s.sessions.isOnline(u.userId) ? 'online' : 'offline', dnd: u.dnd.enabled })),
      };
    }
    case 'setDNDStatus': {
      const me = needUser(ctx);
      await s.store.setDnd(me.user.userId, req.data);
      me.user.dnd = req.data;
      s.presence.changed({ userId: me.user.userId, presence: 'online', dnd: req.data.enabled });
      return req.data;
    }
    case 'callInvite':
      return s.calls.invite(actor(ctx), req.data);
    case 'callingInvite':
      return s.calls.callingInvite(actor(ctx), req.data);
    case 'callCancel': {
      const a = actor(ctx);
      const call = await s.calls.dispatch(req.data.callID, { type: 'cancel', by: a.userId, device: a.deviceId, invitees: req.data.invitees ?? null, extendedData: req.data.extendedData ?? '' });
      return { call: s.calls.info(call), errorInvitees: [] };
    }
    case 'callAccept':
    case 'callReject':
    case 'callJoin':
    case 'callQuit':
    case 'callEnd': {
      const a = actor(ctx);
      const type = ({ callAccept: 'accept', callReject: 'reject', callJoin: 'join', callQuit: 'quit', callEnd: 'end' } as const)[req.type];
      const call = await s.calls.dispatch(req.data.callID, { type, by: a.userId, device: a.deviceId, extendedData: req.data.extendedData ?? '' });
      return { call: s.calls.info(call) };
    }
    case 'callAck': {
      const a = actor(ctx);
      return { call: s.calls.info(await s.calls.dispatch(req.data.callID, { type: 'ack', by: a.userId, device: a.deviceId })) };
    }
    case 'queryCallInvitationList':
      return s.calls.list(needUser(ctx).user.userId, req.data.count, req.data.nextFlag);
    case 'queryActiveCalls':
      return { calls: s.calls.activeCalls(needUser(ctx).user.userId) };
    case 'sfuCapabilities':
    case 'sfuJoin':
    case 'sfuLeave':
    case 'sfuCreateTransport':
    case 'sfuConnectTransport':
    case 'sfuRestartIce':
    case 'sfuProduce':
    case 'sfuPauseProducer':
    case 'sfuResumeProducer':
    case 'sfuCloseProducer':
    case 'sfuConsume':
    case 'sfuResumeConsumer':
    case 'sfuSetPreferredLayers':
    case 'sfuGetStats':
      return s.sfu.handle(actor(ctx), req);
    default:
      return assertNever(req, 'request');
  }
}
