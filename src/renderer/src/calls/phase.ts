import type { CallView } from '../../../shared/ipc/model.ts';
import type { CallInfo, CallUserInfo, CallUserState } from '../../../shared/protocol/common.ts';

/** Which screen a call shows on this device. */
export type CallPhase = 'incoming' | 'outgoing' | 'inCall' | 'ended';

/** ZIM: at most 10 people in one call, the creator included (LIMITS lives in a zod file, so it is repeated here). */
export const MAX_PARTICIPANTS = 10;
/** One callInvite carries at most this many invitees. */
export const MAX_INVITEES = 9;

const PENDING: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived']);
/** States that leave a seat taken: pending or in the call. */
const SEATED: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived', 'accepted']);

export const isPendingState = (s: CallUserState | null): boolean => s !== null && PENDING.has(s);

/** Everyone but the inviter. */
export function invitees(call: CallInfo): CallUserInfo[] {
  return call.users.filter((u) => u.userId !== call.inviter);
}

/** Some invitee is (or was, and left) in the call: the inviter is no longer just ringing. */
export function someoneAnswered(call: CallInfo): boolean {
  return invitees(call).some((u) => u.state === 'accepted' || u.state === 'quit');
}

export function seatsTaken(call: CallInfo): number {
  return call.users.filter((u) => SEATED.has(u.state)).length;
}

export function callPhase(v: CallView): CallPhase {
  const { call } = v;
  if (call.callState === 'ended' || v.handledElsewhere !== null) return 'ended';
  if (v.direction === 'incoming') {
    if (isPendingState(v.myState)) return 'incoming';
    return v.myState === 'accepted' ? 'inCall' : 'ended';
  }
  if (v.myState !== 'accepted') return 'ended';
  // The inviter is Accepted from the start: it is "calling" while invitees still ring and nobody answered.
  const pending = invitees(call).some((u) => PENDING.has(u.state));
  return pending && !someoneAnswered(call) ? 'outgoing' : 'inCall';
}

/** When the call is ordered for "newest": its end if it ended, else its start. */
export function callTime(v: CallView): number {
  return v.call.endedAt ?? v.call.createdAt;
}
