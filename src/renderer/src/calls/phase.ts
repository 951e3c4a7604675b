import type { CallView } from '../../../shared/ipc/model.ts';
import type { CallInfo, CallUserState } from '../../../shared/protocol/common.ts';

// The phase itself is shared with main (which stamps CallView.connectedAt from it).
export { callPhase, invitees, isPendingState, someoneAnswered, type CallPhase } from '../../../shared/ipc/callPhase.ts';

/** ZIM: at most 10 people in one call, the creator included (LIMITS lives in a zod file, so it is repeated here). */
export const MAX_PARTICIPANTS = 10;
/** One callInvite carries at most this many invitees. */
export const MAX_INVITEES = 9;

/** States that leave a seat taken: pending or in the call. */
const SEATED: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived', 'accepted']);

export function seatsTaken(call: CallInfo): number {
  return call.users.filter((u) => SEATED.has(u.state)).length;
}

/** When the call is ordered for "newest": its end if it ended, else its start. */
export function callTime(v: CallView): number {
  return v.call.endedAt ?? v.call.createdAt;
}
