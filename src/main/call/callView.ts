import { mediaOf } from '../../shared/ipc/callMeta.ts';
import { callPhase } from '../../shared/ipc/callPhase.ts';
import type { CallView } from '../../shared/ipc/model.ts';
import type { CallInfo, CallUserState, PushData, UserId } from '../../shared/protocol/index.ts';

/** What this device shows for one call (declared with the IPC contract): it crosses IPC into a Pinia store as is. */
export type { CallView };

const PENDING: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived']);

/** `now`: main's clock, stamped as `connectedAt` the first time the call shows as in progress. */
export function makeView(call: CallInfo, me: UserId, prev?: CallView, now: () => number = Date.now): CallView {
  const myState = call.users.find((u) => u.userId === me)?.state ?? null;
  const direction = call.inviter === me ? 'outgoing' : 'incoming';
  const handledElsewhere = prev?.handledElsewhere ?? null;
  const connectedAt = prev?.connectedAt ?? (callPhase({ call, direction, myState, handledElsewhere }) === 'inCall' ? now() : null);
  return {
    call,
    direction,
    myState,
    ringing: direction === 'incoming' && call.callState === 'started' && myState !== null && PENDING.has(myState) && handledElsewhere === null,
    media: mediaOf(call.extendedData),
    handledElsewhere,
    // Only the end push (or this device's own callEnd) says who ended it; a whole CallInfo does not.
    endedBy: prev?.endedBy ?? null,
    connectedAt,
  };
}

/** Folds changed users into the call (ZIM callUserStateChanged carries only the users that changed). */
export function withUsers(call: CallInfo, users: CallInfo['users']): CallInfo {
  const next = call.users.map((u) => users.find((x) => x.userId === u.userId) ?? u);
  for (const u of users) if (!next.some((x) => x.userId === u.userId)) next.push(u);
  return { ...call, users: next };
}

export function withDelivery(call: CallInfo, d: PushData<'callDeliveryChanged'>['users']): CallInfo {
  return { ...call, users: call.users.map((u) => ({ ...u, delivery: d.find((x) => x.userId === u.userId)?.delivery ?? u.delivery })) };
}

export function withMyState(call: CallInfo, me: UserId, state: CallUserState): CallInfo {
  return { ...call, users: call.users.map((u) => (u.userId === me ? { ...u, state } : u)) };
}
