import { LIMITS, type CallId, type CallInfo } from '../../../src/shared/protocol/index.ts';
import { actor, needUser, type HandlerMap, type RequestContext, type Services } from './types.ts';

type Answer = 'accept' | 'reject' | 'join' | 'quit' | 'end';
type AnswerType = 'callAccept' | 'callReject' | 'callJoin' | 'callQuit' | 'callEnd';

/** accept, reject, join, quit and end are one event each with the same shape. */
async function answer(s: Services, ctx: RequestContext, d: { callID: CallId; extendedData?: string | undefined }, type: Answer): Promise<{ call: CallInfo }> {
  const a = actor(ctx);
  const call = await s.calls.dispatch(d.callID, { type, by: a.userId, device: a.deviceId, extendedData: d.extendedData ?? '' }, needUser(ctx).deviceName);
  return { call: s.calls.info(call) };
}

/** The call-invitation API (ZIM's model), answered by CallService. */
export const callHandlers: HandlerMap<
  'callInvite' | 'callingInvite' | 'callCancel' | 'callAck' | 'queryCallInvitationList' | 'queryActiveCalls' | 'queryCallRecords' | AnswerType
> = {
  callInvite: async (s, ctx, req) => s.calls.invite(actor(ctx), req.data),
  callingInvite: async (s, ctx, req) => s.calls.callingInvite(actor(ctx), req.data),
  callCancel: async (s, ctx, req) => {
    const a = actor(ctx);
    const call = await s.calls.dispatch(req.data.callID, { type: 'cancel', by: a.userId, device: a.deviceId, invitees: req.data.invitees ?? null, extendedData: req.data.extendedData ?? '' });
    return { call: s.calls.info(call), errorInvitees: [] };
  },
  callAccept: (s, ctx, req) => answer(s, ctx, req.data, 'accept'),
  callReject: (s, ctx, req) => answer(s, ctx, req.data, 'reject'),
  callJoin: (s, ctx, req) => answer(s, ctx, req.data, 'join'),
  callQuit: (s, ctx, req) => answer(s, ctx, req.data, 'quit'),
  callEnd: (s, ctx, req) => answer(s, ctx, req.data, 'end'),
  callAck: async (s, ctx, req) => {
    const a = actor(ctx);
    return { call: s.calls.info(await s.calls.dispatch(req.data.callID, { type: 'ack', by: a.userId, device: a.deviceId })) };
  },
  queryCallInvitationList: async (s, ctx, req) => s.calls.list(needUser(ctx).user.userId, req.data.count, req.data.nextFlag),
  // Bounded like every list: the newest maxListCount (a user is Accepted in one call at a time; the rest ring and time out).
  queryActiveCalls: async (s, ctx) => ({ calls: (await s.calls.activeCalls(needUser(ctx).user.userId)).slice(-LIMITS.maxListCount) }),
  queryCallRecords: async (s, ctx, req) => s.store.listRecordsFor(needUser(ctx).user.userId, req.data.count, req.data.nextFlag),
};
