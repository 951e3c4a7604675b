import type { CallView } from '../../../shared/ipc/model.ts';
import type { CallUserInfo, UserId } from '../../../shared/protocol/common.ts';
import { invitees, someoneAnswered } from './phase.ts';

/** A message key plus its parameters: views translate, these helpers stay pure and testable. */
export interface Text {
  key: string;
  params?: Record<string, string | number>;
  /** For plural messages. */
  count?: number;
}

type NameOf = (id: UserId) => string;

/** The line under each invitee on the outgoing screen. */
export function deliveryText(u: CallUserInfo): Text {
  switch (u.state) {
    case 'rejected':
      return { key: u.reason === 'busy' ? 'delivery.busy' : u.reason === 'dnd' ? 'delivery.dnd' : 'delivery.declined' };
    case 'accepted':
      return { key: 'delivery.accepted' };
    case 'timeout':
      return { key: 'delivery.timeout' };
    case 'cancelled':
      return { key: 'delivery.cancelled' };
    case 'quit':
      return { key: 'delivery.quit' };
    case 'inviting':
    case 'received':
    case 'notYetReceived': {
      const d = u.delivery;
      if (d && !d.online) return { key: 'delivery.offline' };
      if (u.state === 'notYetReceived') return { key: 'delivery.notYetReceived' };
      if (d && d.ringingDevices > 0) return { key: 'delivery.ringing', params: { n: d.ringingDevices }, count: d.ringingDevices };
      return { key: 'delivery.calling' };
    }
  }
}

/** What one invitee's answer meant for the caller, on the ended screen. */
function peerOutcome(u: CallUserInfo, nameOf: NameOf): Text {
  const name = nameOf(u.userId);
  if (u.state === 'rejected') {
    const key = u.reason === 'busy' ? 'ended.peerBusy' : u.reason === 'dnd' ? 'ended.peerDnd' : 'ended.peerDeclined';
    return { key, params: { name } };
  }
  return { key: 'ended.peerNoAnswer', params: { name } };
}

/**
 * Why the call ended, from this device's point of view. Who pressed End call comes from main's view
 * (`endedBy`, from the end push), so it holds across a re-created window and on the user's other devices.
 */
export function endedReason(v: CallView, me: UserId | null, nameOf: NameOf): Text {
  const { call } = v;
  if (v.handledElsewhere) return { key: 'ended.handledElsewhere' };
  if (v.endedBy !== null && call.endReason === 'ended') {
    // The user's own id also when they ended it on another device of theirs: "You ended the call" is still true.
    return v.endedBy === me ? { key: 'ended.youEnded' } : { key: 'ended.peerEnded', params: { name: nameOf(v.endedBy) } };
  }
  const caller = nameOf(call.inviter);
  if (v.direction === 'incoming') {
    switch (v.myState) {
      case 'cancelled':
        return { key: 'ended.callerCancelled', params: { name: caller } };
      case 'timeout':
      case 'inviting':
      case 'received':
      case 'notYetReceived':
        return call.endReason === 'callerLost' ? { key: 'ended.callerLost' } : call.endReason === 'cancelled' ? { key: 'ended.callerCancelled', params: { name: caller } } : { key: 'ended.missed', params: { name: caller } };
      case 'rejected':
        return { key: 'ended.youDeclined' };
      case 'quit':
        return { key: 'ended.youLeft' };
      default:
        break;
    }
  } else {
    if (call.endReason === 'cancelled') return { key: 'ended.youCancelled' };
    if (v.myState === 'quit') return { key: 'ended.youLeft' };
    if (!someoneAnswered(call)) {
      const others = invitees(call).filter((u) => u.userId !== me);
      const only = others.length === 1 ? others[0] : undefined;
      if (only) return peerOutcome(only, nameOf);
      if (call.endReason === 'allAnswered' || call.endReason === null) return { key: 'ended.noAnswer' };
    }
  }
  switch (call.endReason) {
    case 'callerLost':
      return { key: 'ended.callerLost' };
    case 'connectionLost':
      return { key: 'ended.connectionLost' };
    case 'everyoneLeft':
      return { key: 'ended.everyoneLeft' };
    default:
      return { key: 'ended.ended' };
  }
}

export function handledElsewhereText(v: CallView): Text | null {
  const h = v.handledElsewhere;
  if (!h) return null;
  const key = h.action === 'accepted' ? 'ended.handledAccepted' : h.action === 'rejected' ? 'ended.handledRejected' : 'ended.handledJoined';
  return { key, params: { device: h.deviceName } };
}

/**
 * How long a finished call lasted, for History and the ended card: nothing for a call under a
 * second, where "00:00" would read as a call that never connected (Teams and Signal show no length).
 */
export function finishedDuration(ms: number | undefined): string | null {
  return ms !== undefined && ms >= 1000 ? formatDuration(ms) : null;
}

/** mm:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
