import type { CallOutcome, CallRecord } from '../protocol/common.ts';
import { assertNever } from '../assertNever.ts';
import { anyInviteeAccepted, type Call, type Member } from './model.ts';

function outcomeOf(call: Call, m: Member): CallOutcome {
  if (m.userId === call.inviter) {
    if (anyInviteeAccepted(call)) return 'answered';
    return call.endReason === 'cancelled' || call.endReason === 'callerLost' ? 'cancelled' : 'noAnswer';
  }
  if (m.everAccepted) return 'answered';
  switch (m.state) {
    case 'rejected':
      return m.reason === 'busy' ? 'busy' : m.reason === 'dnd' ? 'dnd' : 'rejected';
    case 'cancelled':
      return 'cancelled';
    case 'inviting':
    case 'notYetReceived':
    case 'received':
    case 'timeout':
      return 'missed';
    case 'accepted':
    case 'quit':
      return 'answered'; // unreachable with everAccepted kept right; answered is the honest reading
    default:
      return assertNever(m.state, 'call user state');
  }
}

/** The call record (话单) of an ended call. */
export function buildRecord(call: Call): CallRecord {
  const endedAt = call.endedAt ?? call.createdAt;
  return {
    callID: call.callID,
    inviter: call.inviter,
    mode: call.mode,
    extendedData: call.extendedData,
    createdAt: call.createdAt,
    endedAt,
    durationMs: call.firstAcceptedAt === null ? 0 : Math.max(0, endedAt - call.firstAcceptedAt),
    endReason: call.endReason ?? 'ended',
    participants: call.members.map((m) => ({
      userId: m.userId,
      role: m.userId === call.inviter ? 'inviter' : 'invitee',
      outcome: outcomeOf(call, m),
      deviceId: m.handledBy,
    })),
  };
}
