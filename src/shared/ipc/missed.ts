import type { CallInfo, UserId } from '../protocol/common.ts';

const UNANSWERED = new Set(['inviting', 'received', 'notYetReceived', 'timeout', 'cancelled']);

/**
 * A call is missed for `me` when someone else called me and it ended before I answered or
 * declined on any device (the caller gave up, or it timed out). One rule for main's badge and
 * the renderer's "missed" filter.
 */
export function isMissedCall(call: CallInfo, me: UserId): boolean {
  if (call.inviter === me || call.callState !== 'ended') return false;
  const mine = call.users.find((u) => u.userId === me);
  return mine !== undefined && UNANSWERED.has(mine.state);
}
