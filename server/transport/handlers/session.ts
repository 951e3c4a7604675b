import { RingdeskError } from '../../../src/shared/errors.ts';
import { PROTOCOL_VERSION, type DeviceId, type RequestResult } from '../../../src/shared/protocol/index.ts';
import type { UserRow } from '../../store/Store.ts';
import { needUser, type HandlerMap, type Services } from './types.ts';

/** Sign-in, sign-out, heartbeats, and the user's own settings. */
export const sessionHandlers: HandlerMap<'login' | 'resume' | 'logout' | 'heartbeat' | 'listContacts' | 'setDNDStatus'> = {
  login: async (s, ctx, req) => {
    checkVersion(req.data.protocolVersion);
    const user = await s.auth.login(req.data.userId, req.data.password);
    ctx.authenticate({ user, deviceId: req.data.deviceId, deviceName: req.data.deviceName });
    return sessionResult(s, user, req.data.deviceId);
  },
  resume: async (s, ctx, req) => {
    checkVersion(req.data.protocolVersion);
    const user = await s.auth.resume(req.data.token, req.data.deviceId);
    ctx.authenticate({ user, deviceId: req.data.deviceId, deviceName: req.data.deviceName });
    return sessionResult(s, user, req.data.deviceId);
  },
  logout: async (s, ctx) => {
    const me = needUser(ctx);
    await s.auth.revoke(me.user.userId, me.deviceId);
    ctx.logout();
    return {};
  },
  heartbeat: async (s) => ({ serverTime: s.now() }),
  listContacts: async (s, ctx) => {
    const me = needUser(ctx);
    const users = await s.store.listUsers();
    return {
      contacts: users
        .filter((u) => u.userId !== me.user.userId && !u.disabled)
        .map((u) => ({ userId: u.userId, displayName: u.displayName, presence: s.sessions.isOnline(u.userId) ? 'online' : 'offline', dnd: u.dnd.enabled })),
    };
  },
  setDNDStatus: async (s, ctx, req) => {
    const me = needUser(ctx);
    await s.users.setDnd(me.user.userId, req.data);
    me.user.dnd = req.data;
    s.presence.changed({ userId: me.user.userId, presence: 'online', dnd: req.data.enabled });
    return req.data;
  },
};

function checkVersion(v: number): void {
  if (v !== PROTOCOL_VERSION) throw new RingdeskError('unsupported_version', `server speaks protocol ${PROTOCOL_VERSION}, client sent ${v}`);
}

function sessionResult(s: Services, user: UserRow, deviceId: DeviceId): RequestResult<'login'> {
  const { token, expiresAt } = s.auth.issue(user.userId, deviceId);
  return {
    token,
    expiresAt,
    userId: user.userId,
    displayName: user.displayName,
    deviceId,
    dnd: user.dnd,
    serverTime: s.now(),
    heartbeatIntervalMs: s.config.heartbeatIntervalMs,
  };
}
