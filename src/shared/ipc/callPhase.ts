import type { CallInfo, CallUserInfo, CallUserState } from '../protocol/common.ts';
import type { CallView } from './model.ts';

/**
 * Which screen a call shows on a device. Pure and shared: the renderer picks its screen with it, and
 * main stamps when a call first showed as in progress (CallView.connectedAt), which a re-created
 * window cannot know by itself.
 */
export type CallPhase = 'incoming' | 'outgoing' | 'inCall' | 'ended';

const PENDING: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived']);

export const isPendingState = (s: CallUserState | null): boolean => s !== null && PENDING.has(s);

/** Everyone but the inviter. */
export function invitees(call: CallInfo): CallUserInfo[] {
  return call.users.filter((u) => u.userId !== call.inviter);
}

/** Some invitee is (or was, and left) in the call: the inviter is no longer just ringing. */
export function someoneAnswered(call: CallInfo): boolean {
  return invitees(call).some((u) => u.state === 'accepted' || u.state === 'quit');
}

export function callPhase(v: Pick<CallView, 'call' | 'direction' | 'myState' | 'handledElsewhere'>): CallPhase {
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
