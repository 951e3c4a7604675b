// The frames the bare relay (bench/bare/relay.ts) writes for a 1:1 call between two one-device users: the
// same pushes, to the same devices, in the same order and of the same shape and size as the real server's
// for the bench's invite → ack → reject (recorded from server/ at 0b5a652 and kept in step by
// test/bench/bareRelay.test.ts). Only what a frame is made of is here; nothing is validated or stored.

export interface BareCall {
  callID: string;
  caller: string;
  invitee: string;
  extendedData: string;
  /** Seconds, as invited. */
  timeout: number;
  createdAt: number;
}

export type Addressed = { to: 'caller' | 'invitee'; frame: unknown };
type InviteeState = 'inviting' | 'received' | 'rejected';

const inviteeMember = (c: BareCall, state: InviteeState, ringing: number) => ({
  userId: c.invitee,
  state,
  extendedData: '',
  invitedBy: c.caller,
  reason: state === 'rejected' ? 'declined' : null,
  delivery: state === 'rejected' ? null : { online: true, ringingDevices: ringing },
});

function callInfo(c: BareCall, state: InviteeState, version: number, endedAt: number | null = null) {
  return {
    callID: c.callID,
    inviter: c.caller,
    mode: 'normal',
    timeout: c.timeout,
    extendedData: c.extendedData,
    callState: endedAt === null ? 'started' : 'ended',
    createdAt: c.createdAt,
    endedAt,
    endReason: endedAt === null ? null : 'allAnswered',
    users: [
      { userId: c.caller, state: 'accepted', extendedData: c.extendedData, invitedBy: null, reason: null, delivery: null },
      inviteeMember(c, state, state === 'inviting' ? 0 : 1),
    ],
    version,
  };
}

/** callInvite: the pushes (written before the answer, as the server does) and the answer's result. */
export function inviteFrames(c: BareCall): { before: Addressed[]; result: unknown } {
  const call = callInfo(c, 'inviting', 1);
  return {
    before: [
      { to: 'invitee', frame: { type: 'callInvitationReceived', data: { call } } },
      { to: 'caller', frame: { type: 'callInvitationCreated', data: { call } } },
    ],
    result: { call, errorInvitees: [] },
  };
}

const stateChanged = (c: BareCall, state: InviteeState, version: number) => ({
  type: 'callUserStateChanged',
  data: { callID: c.callID, users: [inviteeMember(c, state, 1)], version },
});

/** callAck: both devices see the invitee Received; then the answer. */
export function ackFrames(c: BareCall): { before: Addressed[]; result: unknown } {
  const pushed = stateChanged(c, 'received', 2);
  return { before: [{ to: 'caller', frame: pushed }, { to: 'invitee', frame: pushed }], result: { call: callInfo(c, 'received', 2) } };
}

/** callReject: Rejected, the call ends (allAnswered) for the caller, a call record for both; then the answer. */
export function rejectFrames(c: BareCall, endedAt = Date.now()): { before: Addressed[]; result: unknown } {
  const pushed = stateChanged(c, 'rejected', 3);
  const record = {
    type: 'callRecord',
    data: {
      record: {
        callID: c.callID,
        inviter: c.caller,
        mode: 'normal',
        extendedData: c.extendedData,
        createdAt: c.createdAt,
        endedAt,
        durationMs: 0,
        endReason: 'allAnswered',
        participants: [
          { userId: c.caller, role: 'inviter', outcome: 'noAnswer', deviceId: 'bench-d1' },
          { userId: c.invitee, role: 'invitee', outcome: 'rejected', deviceId: 'bench-d1' },
        ],
      },
    },
  };
  return {
    before: [
      { to: 'caller', frame: pushed },
      { to: 'caller', frame: { type: 'callInvitationEnded', data: { callID: c.callID, caller: null, extendedData: '', endedAt, reason: 'allAnswered', version: 3 } } },
      { to: 'caller', frame: record },
      { to: 'invitee', frame: pushed },
      { to: 'invitee', frame: record },
    ],
    result: { call: callInfo(c, 'rejected', 3, endedAt) },
  };
}
