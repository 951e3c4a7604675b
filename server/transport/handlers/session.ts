import { RingdeskError } from '../../../src/shared/errors.ts';
import { PROTOCOL_VERSION, type DeviceId, type RequestResult } from '../../../src/shared/protocol/index.ts';
import type { UserRow } from '../../store/Store.ts';
import { needUser, type HandlerMap, type Services } from './types.ts';

/** Sign-in, sign-out, heartbeats, and the user's own settings. */
export const sessionHandlers: HandlerMap<'login' | 'resume' | 'logout' | 'heartbeat' | 'setDNDStatus'> = {
  login: async (s, ctx, req) => {
    checkVersion(req.data.protocolVersion);
    const user = await s.auth.login(req.data.userId, req.data.password, ctx.address);
    // Stored before the session exists: logout revokes tokens on this row, so a token must not outlive a failed write.
    await s.store.upsertDevice(user.userId, req.data.deviceId, req.data.deviceName, s.now());
    ctx.authenticate({ user, deviceId: req.data.deviceId, deviceName: req.data.deviceName });
    return sessionResult(s, user, req.data.deviceId, s.now());
  },
  resume: async (s, ctx, req) => {
    checkVersion(req.data.protocolVersion);
    // The token is rotated: the result carries a new one that keeps the original sign-in time.
    // The device row (name, last sign-in, the token's use) is written by resume() itself, in one write.
    const { user, authAt } = await s.auth.resume(req.data.token, req.data.deviceId, req.data.deviceName);
    ctx.authenticate({ user, deviceId: req.data.deviceId, deviceName: req.data.deviceName });
    return sessionResult(s, user, req.data.deviceId, authAt);
  },
  logout: async (s, ctx) => {
    const me = needUser(ctx);
    await s.auth.revoke(me.user.userId, me.deviceId);
    ctx.logout();
    return {};
  },
  heartbeat: async (s) => ({ serverTime: s.now() }),
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

function sessionResult(s: Services, user: UserRow, deviceId: DeviceId, authAt: number): RequestResult<'login'> {
  const { token, expiresAt } = s.auth.issue(user.userId, deviceId, authAt);
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
