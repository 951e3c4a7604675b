import type {
  CallEndReason,
  CallId,
  CallInfo,
  CallMode,
  CallState,
  CallUserInfo,
  CallUserState,
  DeviceId,
  RejectReason,
  UserId,
} from '../protocol/common.ts';

/** One user in a call, with what the server needs beyond the wire view. */
export interface Member {
  userId: UserId;
  state: CallUserState;
  extendedData: string;
  invitedBy: UserId | null;
  reason: RejectReason | null;
  /** Invitation timeout, while the member is pending. */
  deadline: number | null;
  /** When to mark NotYetReceived, while no device has acknowledged. */
  receivedCheckAt: number | null;
  /** Devices that acknowledged the invitation and are ringing. */
  ackedDevices: DeviceId[];
  /** The device that invited, accepted, rejected or joined: only it gets further events. */
  mainDevice: DeviceId | null;
  /** The device that answered or declined, for the call record. */
  handledBy: DeviceId | null;
  /** This invitee accepted at some point (a later Quit keeps it true). */
  everAccepted: boolean;
}

export interface Call {
  callID: CallId;
  inviter: UserId;
  mode: CallMode;
  timeoutSec: number;
  extendedData: string;
  callState: CallState;
  createdAt: number;
  endedAt: number | null;
  endReason: CallEndReason | null;
  firstAcceptedAt: number | null;
  members: Member[];
  /** Bumped by every transition and sent with every call push, so clients drop what is older than what they hold. */
  version: number;
}

/**
 * A deep copy of a call for the machine's draft. Every field is a primitive except `members` and
 * each member's `ackedDevices`, so copying those is a full copy; spelled out because
 * structuredClone (serialise and deserialise) cost ~4 % of the server's CPU per transition.
 */
export function cloneCall(call: Call): Call {
  return { ...call, members: call.members.map((m) => ({ ...m, ackedDevices: [...m.ackedDevices] })) };
}

export const PENDING_STATES: ReadonlySet<CallUserState> = new Set<CallUserState>(['inviting', 'notYetReceived', 'received']);
/** Counted against the 10-participant limit: people in the call or on their way in. */
export const ACTIVE_STATES: ReadonlySet<CallUserState> = new Set<CallUserState>([...PENDING_STATES, 'accepted']);

export const isPending = (m: Member): boolean => PENDING_STATES.has(m.state);
export const isActive = (m: Member): boolean => ACTIVE_STATES.has(m.state);

export function findMember(call: Call, userId: UserId): Member | undefined {
  return call.members.find((m) => m.userId === userId);
}

/** Some invitee (not the creator) accepted at some point. */
export function anyInviteeAccepted(call: Call): boolean {
  return call.members.some((m) => m.userId !== call.inviter && m.everAccepted);
}

/** Lookups the pure machine may ask of the world, passed in so it stays pure. */
export interface Context {
  now: number;
  isOnline(userId: UserId): boolean;
}

export function userInfo(m: Member, ctx: Pick<Context, 'isOnline'>): CallUserInfo {
  return {
    userId: m.userId,
    state: m.state,
    extendedData: m.extendedData,
    invitedBy: m.invitedBy,
    reason: m.reason,
    delivery: isPending(m) ? { online: ctx.isOnline(m.userId), ringingDevices: m.ackedDevices.length } : null,
  };
}

export function callInfo(call: Call, ctx: Pick<Context, 'isOnline'>): CallInfo {
  return {
    callID: call.callID,
    inviter: call.inviter,
    mode: call.mode,
    timeout: call.timeoutSec,
    extendedData: call.extendedData,
    callState: call.callState,
    createdAt: call.createdAt,
    endedAt: call.endedAt,
    endReason: call.endReason,
    users: call.members.map((m) => userInfo(m, ctx)),
    version: call.version,
  };
}

/** The earliest stored deadline: the server keeps one timer per call and re-arms it from this after a restart. */
export function nextWakeAt(call: Call): number | null {
  if (call.callState === 'ended') return null;
  let at: number | null = null;
  for (const m of call.members) {
    if (!isPending(m)) continue;
    for (const t of [m.deadline, m.receivedCheckAt]) {
      if (t !== null && (at === null || t < at)) at = t;
    }
  }
  return at;
}
