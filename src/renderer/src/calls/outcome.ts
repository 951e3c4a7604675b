import { isMissedCall } from '../../../shared/ipc/missed.ts';
import type { CallInfo, UserId } from '../../../shared/protocol/common.ts';
import { invitees, someoneAnswered } from './phase.ts';

export type HistoryOutcome = 'answered' | 'missed' | 'rejected' | 'busy' | 'dnd' | 'cancelled' | 'noAnswer' | 'ongoing';

/**
 * Missed for me: I am an invitee and my state is not accepted, rejected or quit (the caller gave
 * up or it timed out). The same rule as main's missed-call badge (shared/ipc/missed.ts).
 */
export function isMissed(call: CallInfo, me: UserId): boolean {
  return isMissedCall(call, me);
}

/** One history row's outcome, read from the call as the server keeps it. */
export function historyOutcome(call: CallInfo, me: UserId): HistoryOutcome {
  if (call.callState === 'started') return 'ongoing';
  if (call.inviter !== me) {
    const mine = call.users.find((u) => u.userId === me);
    if (!mine) return 'missed';
    if (mine.state === 'accepted' || mine.state === 'quit') return 'answered';
    if (mine.state === 'rejected') return mine.reason === 'busy' ? 'busy' : mine.reason === 'dnd' ? 'dnd' : 'rejected';
    return 'missed';
  }
  if (someoneAnswered(call)) return 'answered';
  if (call.endReason === 'cancelled' || call.endReason === 'callerLost') return 'cancelled';
  const others = invitees(call);
  if (others.length > 0 && others.every((u) => u.state === 'rejected')) {
    const reasons = new Set(others.map((u) => u.reason));
    if (reasons.size === 1 && reasons.has('busy')) return 'busy';
    if (reasons.size === 1 && reasons.has('dnd')) return 'dnd';
    return 'rejected';
  }
  return 'noAnswer';
}

/** The other people of a call, as I see them: the caller, or whom I called. */
export function peersOf(call: CallInfo, me: UserId): UserId[] {
  return call.inviter === me ? invitees(call).map((u) => u.userId) : [call.inviter];
}
