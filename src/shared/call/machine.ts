import type { CallEndReason, CallId, CallMode, DeviceId, UserId } from '../protocol/common.ts';
import { LIMITS } from '../protocol/common.ts';
import type { Push } from '../protocol/pushes.ts';
import { assertNever } from '../assertNever.ts';
import { refuse, type TransitionResult } from './effects.ts';
import {
  anyInviteeAccepted,
  callInfo,
  findMember,
  isActive,
  isPending,
  userInfo,
  type Call,
  type Context,
  type Member,
} from './model.ts';
import { buildRecord } from './record.ts';
import { ADVANCED_ONLY_APIS, API_ALLOWED_STATES, EVENT_AUDIENCE, type StateCheckedApi } from './tables.ts';
import { Tx } from './transaction.ts';

/** Busy and DND are decided by the service (they need other calls and settings); the machine records the answer. */
export interface Invitee {
  userId: UserId;
  availability: 'available' | 'busy' | 'dnd';
}

export interface CreateCall {
  callID: CallId;
  inviter: UserId;
  device: DeviceId;
  invitees: Invitee[];
  mode: CallMode;
  timeoutSec: number;
  extendedData: string;
}

type Actor = { by: UserId; device: DeviceId };
export type CallEvent =
  | ({ type: 'cancel'; invitees: UserId[] | null; extendedData: string } & Actor)
  | ({ type: 'accept'; extendedData: string } & Actor)
  | ({ type: 'reject'; extendedData: string } & Actor)
  | ({ type: 'ack' } & Actor)
  | ({ type: 'callingInvite'; invitees: Invitee[]; extendedData: string } & Actor)
  | ({ type: 'join'; extendedData: string } & Actor)
  | ({ type: 'quit'; extendedData: string } & Actor)
  | ({ type: 'end'; extendedData: string } & Actor)
  /** Stored deadlines (timeouts, NotYetReceived checks) at or before `now` are due. */
  | { type: 'tick' }
  /**
   * A member's main device was gone past the heartbeat grace, or they logged out. Before anyone
   * accepted, a lost inviter cancels the call (ZIM). After, a lost Accepted member quits (advanced)
   * or ends the call (normal: there is nobody to hang up otherwise).
   */
  | { type: 'memberLost'; userId: UserId }
  /** A device of a member signed in: an invitation still Inviting is delivered to it (offline invitees). */
  | { type: 'deviceOnline'; userId: UserId; device: DeviceId }
  /** A device went away or a user went offline: only what the caller sees of delivery changes. */
  | { type: 'deliveryChanged'; userId: UserId; goneDevice: DeviceId | null };

function newMember(userId: UserId, invitedBy: UserId | null, ctx: Context, timeoutSec: number): Member {
  return {
    userId,
    state: 'inviting',
    extendedData: '',
    invitedBy,
    reason: null,
    deadline: ctx.now + timeoutSec * 1000,
    receivedCheckAt: ctx.now + LIMITS.notReceivedCheckMs,
    ackedDevices: [],
    mainDevice: null,
    handledBy: null,
    everAccepted: false,
  };
}

/** Puts each invitee into the call: ringing, or rejected at once for busy / DND. */
function addInvitees(tx: Tx, invitees: Invitee[], by: UserId): Member[] {
  const added: Member[] = [];
  for (const inv of invitees) {
    const fresh = newMember(inv.userId, by, tx.ctx, tx.call.timeoutSec);
    const existing = findMember(tx.call, inv.userId);
    // A re-invited former member keeps the fact that they once accepted (it decides their call-record outcome).
    const m = existing ? Object.assign(existing, { ...fresh, everAccepted: existing.everAccepted }) : fresh;
    if (!existing) tx.call.members.push(m);
    if (inv.availability !== 'available') {
      Object.assign(m, { state: 'rejected', reason: inv.availability, deadline: null, receivedCheckAt: null });
    }
    added.push(m);
  }
  for (const m of added) {
    if (isPending(m)) tx.push(m, { type: 'callInvitationReceived', data: { call: callInfo(tx.call, tx.ctx) } });
  }
  return added;
}

export function createCall(p: CreateCall, ctx: Context): TransitionResult {
  if (p.mode === 'normal' && p.invitees.length === 0) {
    return refuse('bad_request', 'a normal-mode call needs at least one invitee');
  }
  if (p.invitees.length + 1 > LIMITS.maxParticipants) {
    return refuse('too_many_participants', `a call holds at most ${LIMITS.maxParticipants} participants`);
  }
  const inviter: Member = {
    ...newMember(p.inviter, null, ctx, p.timeoutSec),
    state: 'accepted',
    extendedData: p.extendedData,
    deadline: null,
    receivedCheckAt: null,
    mainDevice: p.device,
    handledBy: p.device,
  };
  const call: Call = {
    callID: p.callID,
    inviter: p.inviter,
    mode: p.mode,
    timeoutSec: p.timeoutSec,
    extendedData: p.extendedData,
    callState: 'started',
    createdAt: ctx.now,
    endedAt: null,
    endReason: null,
    firstAcceptedAt: null,
    members: [inviter],
    version: 0,
  };
  const tx = new Tx(call, ctx);
  addInvitees(tx, p.invitees, p.inviter);
  // Every device of the inviter learns of the call (ZIM callInvitationCreated); only the main one acts on it.
  tx.effects.push({ type: 'push', userId: p.inviter, device: null, push: { type: 'callInvitationCreated', data: { call: callInfo(tx.call, ctx) } } });
  settle(tx, 'allAnswered');
  return tx.ok();
}

/** Checks that hold for every user action: the call is live, the user is in it, the mode and state allow it. */
function guard(call: Call, api: StateCheckedApi | 'callJoin', by: UserId): Member | TransitionResult {
  if (call.callState === 'ended') return refuse('call_ended', `call ${call.callID} has ended`);
  const m = findMember(call, by);
  if (!m) return refuse('not_a_member', `${by} is not a member of call ${call.callID}`);
  if (ADVANCED_ONLY_APIS.has(api) && call.mode !== 'advanced') {
    return refuse('advanced_only', `${api} is only available in advanced mode`);
  }
  if (api !== 'callJoin' && !API_ALLOWED_STATES[api].has(m.state)) {
    return refuse('state_forbids', `${api} is not allowed while you are ${m.state}`);
  }
  return m;
}
const refused = (g: Member | TransitionResult): g is TransitionResult => 'ok' in g;

function countActiveAfter(call: Call, joining: UserId[]): number {
  const active = new Set(call.members.filter(isActive).map((m) => m.userId));
  for (const u of joining) active.add(u);
  return active.size;
}

function endCall(tx: Tx, reason: CallEndReason, caller: UserId | null, extendedData: string): void {
  const before = tx.states();
  const c = tx.call;
  c.callState = 'ended';
  c.endedAt = tx.ctx.now;
  c.endReason = reason;
  for (const m of c.members) {
    m.deadline = null;
    m.receivedCheckAt = null;
  }
  tx.pushByTable('callInvitationEnded', before, {
    type: 'callInvitationEnded',
    data: { callID: c.callID, caller, extendedData, endedAt: tx.ctx.now, reason, version: c.version },
  });
  tx.effects.push({ type: 'record', record: buildRecord(c) });
}

/**
 * Ends the call when nobody is left to talk: no invitee ever accepted and nobody is still ringing
 * (both modes; a call created with no invitees stays open as a room), or in advanced mode nobody is Accepted.
 */
function settle(tx: Tx, reasonIfUnanswered: CallEndReason): void {
  const c = tx.call;
  if (c.callState === 'ended') return;
  const pending = c.members.some(isPending);
  if (c.members.length > 1 && !pending && !anyInviteeAccepted(c)) endCall(tx, reasonIfUnanswered, null, '');
  else if (c.mode === 'advanced' && !c.members.some((m) => m.state === 'accepted')) endCall(tx, 'everyoneLeft', null, '');
}

function answer(
  tx: Tx,
  m: Member,
  device: DeviceId,
  state: 'accepted' | 'rejected',
  extendedData: string,
  action: 'accepted' | 'rejected' | 'joined' = state,
): TransitionResult {
  const before = tx.states();
  Object.assign(m, { state, extendedData, deadline: null, receivedCheckAt: null, mainDevice: device, handledBy: device });
  if (state === 'accepted') {
    m.everAccepted = true;
    tx.call.firstAcceptedAt ??= tx.ctx.now;
  } else m.reason = 'declined';
  tx.effects.push({ type: 'handledElsewhere', callID: tx.call.callID, userId: m.userId, device, action, version: tx.call.version });
  tx.stateChanged(before, [m]);
  settle(tx, 'allAnswered');
  return tx.ok();
}

export function transition(call: Call, ev: CallEvent, ctx: Context): TransitionResult {
  const tx = new Tx(call, ctx);
  const c = tx.call;
  switch (ev.type) {
    case 'accept':
    case 'reject': {
      const g = guard(c, ev.type === 'accept' ? 'callAccept' : 'callReject', ev.by);
      if (refused(g)) return g;
      return answer(tx, g, ev.device, ev.type === 'accept' ? 'accepted' : 'rejected', ev.extendedData);
    }
    case 'ack': {
      const g = guard(c, 'callAck', ev.by);
      if (refused(g)) return g;
      if (g.ackedDevices.includes(ev.device)) return tx.ok();
      const before = tx.states();
      g.ackedDevices.push(ev.device);
      if (g.state === 'received') deliveryChanged(tx, g);
      else {
        Object.assign(g, { state: 'received', receivedCheckAt: null });
        tx.stateChanged(before, [g]);
      }
      return tx.ok();
    }
    case 'cancel':
      return cancel(tx, ev);
    case 'callingInvite': {
      const g = guard(c, 'callingInvite', ev.by);
      if (refused(g)) return g;
      const ids = ev.invitees.map((i) => i.userId);
      const taken = ids.filter((u) => {
        const m = findMember(c, u);
        return m !== undefined && isActive(m);
      });
      if (taken.length) return refuse('invalid_invitee', `already in the call: ${taken.join(', ')}`);
      if (countActiveAfter(c, ids) > LIMITS.maxParticipants) {
        return refuse('too_many_participants', `a call holds at most ${LIMITS.maxParticipants} participants`);
      }
      if (c.members.length + ids.filter((u) => !findMember(c, u)).length > LIMITS.maxMembersEver) {
        return refuse('too_many_participants', `a call keeps at most ${LIMITS.maxMembersEver} members, those who left included: start a new call`);
      }
      const before = tx.states();
      const added = addInvitees(tx, ev.invitees, ev.by);
      tx.stateChanged(before, added);
      return tx.ok();
    }
    case 'join': {
      const g = guard(c, 'callJoin', ev.by);
      if (refused(g)) return g;
      if (g.state === 'accepted') {
        if (g.mainDevice === ev.device) return refuse('state_forbids', 'already in the call on this device');
        g.mainDevice = ev.device;
        g.extendedData = ev.extendedData;
        tx.effects.push({ type: 'handledElsewhere', callID: c.callID, userId: g.userId, device: ev.device, action: 'joined', version: c.version });
        return tx.ok();
      }
      if (!isPending(g) && countActiveAfter(c, [g.userId]) > LIMITS.maxParticipants) {
        return refuse('too_many_participants', `a call holds at most ${LIMITS.maxParticipants} participants`);
      }
      return answer(tx, g, ev.device, 'accepted', ev.extendedData, 'joined');
    }
    case 'quit': {
      const g = guard(c, 'callQuit', ev.by);
      if (refused(g)) return g;
      const before = tx.states();
      Object.assign(g, { state: 'quit', extendedData: ev.extendedData });
      tx.stateChanged(before, [g]);
      settle(tx, 'allAnswered');
      return tx.ok();
    }
    case 'end': {
      const g = guard(c, 'callEnd', ev.by);
      if (refused(g)) return g;
      endCall(tx, 'ended', ev.by, ev.extendedData);
      return tx.ok();
    }
    case 'tick':
      return tick(tx);
    case 'memberLost':
      return memberLost(tx, ev.userId);
    case 'deviceOnline': {
      const m = findMember(c, ev.userId);
      if (c.callState === 'ended' || !m || !isPending(m)) return tx.ok();
      if (EVENT_AUDIENCE.callInvitationReceived.has(m.state)) {
        const push: Push = { type: 'callInvitationReceived', data: { call: callInfo(c, ctx) } };
        tx.effects.push({ type: 'push', userId: m.userId, device: ev.device, push });
      }
      deliveryChanged(tx, m);
      return tx.ok();
    }
    case 'deliveryChanged': {
      const m = findMember(c, ev.userId);
      if (c.callState === 'ended' || !m || !isPending(m)) return tx.ok();
      if (ev.goneDevice) m.ackedDevices = m.ackedDevices.filter((d) => d !== ev.goneDevice);
      deliveryChanged(tx, m);
      return tx.ok();
    }
    default:
      return assertNever(ev, 'call event');
  }
}

/** Ringing-device counts go to those who see the invitee's state changes, minus the invitee. */
function deliveryChanged(tx: Tx, m: Member): void {
  const delivery = userInfo(m, tx.ctx).delivery;
  if (!delivery) return;
  const push: Push = { type: 'callDeliveryChanged', data: { callID: tx.call.callID, users: [{ userId: m.userId, delivery }], version: tx.call.version } };
  tx.pushByTable('callUserStateChanged', tx.states(), push, m);
}

function memberLost(tx: Tx, userId: UserId): TransitionResult {
  const c = tx.call;
  const m = findMember(c, userId);
  if (c.callState === 'ended' || !m) return tx.ok();
  if (userId === c.inviter && !anyInviteeAccepted(c)) {
    cancelMembers(tx, c.members.filter(isPending), '');
    if (c.callState === 'started') endCall(tx, 'callerLost', null, '');
  } else if (m.state === 'accepted' && c.mode === 'advanced') {
    const before = tx.states();
    m.state = 'quit';
    tx.stateChanged(before, [m]);
    settle(tx, 'allAnswered');
  } else if (m.state === 'accepted') {
    endCall(tx, 'connectionLost', null, '');
  }
  return tx.ok();
}

function cancelMembers(tx: Tx, targets: Member[], extendedData: string): void {
  const before = tx.states();
  for (const m of targets) {
    Object.assign(m, { state: 'cancelled', deadline: null, receivedCheckAt: null });
    const push: Push = { type: 'callInvitationCancelled', data: { callID: tx.call.callID, inviter: tx.call.inviter, extendedData, version: tx.call.version } };
    if (EVENT_AUDIENCE.callInvitationCancelled.has(before.get(m.userId) ?? 'quit')) tx.push(m, push);
  }
  tx.stateChanged(before, targets);
}

function cancel(tx: Tx, ev: Extract<CallEvent, { type: 'cancel' }>): TransitionResult {
  const c = tx.call;
  if (c.callState === 'ended') return refuse('call_ended', `call ${c.callID} has ended`);
  // Someone outside the call learns only that, like every other call API (guard()), not who invited whom.
  if (!findMember(c, ev.by)) return refuse('not_a_member', `${ev.by} is not a member of call ${c.callID}`);
  const mine = c.members.filter((m) => m.invitedBy === ev.by);
  if (mine.length === 0) return refuse('not_inviter', `${ev.by} invited nobody in call ${c.callID}`);
  // ZIM: cancelling is possible only while nobody this user invited has answered.
  if (mine.some((m) => m.everAccepted)) return refuse('already_answered', 'an invitee already accepted; hang up instead');
  const wanted = ev.invitees ?? mine.filter(isPending).map((m) => m.userId);
  const targets: Member[] = [];
  for (const u of wanted) {
    const m = mine.find((x) => x.userId === u);
    if (!m) return refuse('invalid_invitee', `${u} was not invited by ${ev.by}`);
    if (!isPending(m)) return refuse('state_forbids', `${u} already answered (${m.state})`);
    targets.push(m);
  }
  if (targets.length === 0) return refuse('state_forbids', 'nobody is left to cancel');
  cancelMembers(tx, targets, ev.extendedData);
  settle(tx, 'cancelled');
  return tx.ok();
}

function tick(tx: Tx): TransitionResult {
  const c = tx.call;
  if (c.callState === 'ended') return tx.ok();
  const before = tx.states();
  const changed: Member[] = [];
  for (const m of c.members) {
    if (!isPending(m)) continue;
    if (m.deadline !== null && m.deadline <= tx.ctx.now) {
      Object.assign(m, { state: 'timeout', deadline: null, receivedCheckAt: null });
      if (EVENT_AUDIENCE.callInvitationTimeout.has(before.get(m.userId) ?? 'quit')) {
        tx.push(m, { type: 'callInvitationTimeout', data: { callID: c.callID, version: c.version } });
      }
      changed.push(m);
    } else if (m.receivedCheckAt !== null && m.receivedCheckAt <= tx.ctx.now) {
      m.receivedCheckAt = null;
      if (m.state === 'inviting') {
        m.state = 'notYetReceived';
        changed.push(m);
      }
    }
  }
  tx.stateChanged(before, changed);
  settle(tx, 'allAnswered');
  return tx.ok();
}
