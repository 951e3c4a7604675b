import type { CallUserState } from '../protocol/common.ts';

/**
 * The two tables of the ZIM seed (状态与接口/回调的关系), as data. The tests walk every cell.
 * NotYetReceived is ZIM's later split of Inviting ("not delivered after 5 s"), so it takes Inviting's row.
 */
const S = (...s: CallUserState[]): ReadonlySet<CallUserState> => new Set(s);

/**
 * API × state. callInvite ("only when not already in a call") and callCancel ("only the inviter,
 * only while nobody answered") do not depend on the user's own state, so they are checked elsewhere.
 * callJoin and callAck come from the advanced-mode and delivery sections, not from the table.
 */
export const API_ALLOWED_STATES = {
  callAccept: S('inviting', 'notYetReceived', 'received'),
  callReject: S('inviting', 'notYetReceived', 'received'),
  callingInvite: S('accepted'),
  callQuit: S('accepted'),
  callEnd: S('accepted'),
  callAck: S('inviting', 'notYetReceived', 'received'),
} as const;
export type StateCheckedApi = keyof typeof API_ALLOWED_STATES;

/**
 * Event × state: who hears an event is decided by each user's state when it happens
 * (before the change it reports). That is why a user who quits still hears their own Quit,
 * and a Received invitee who times out hears it as a callUserStateChanged, not a callInvitationTimeout.
 */
export const EVENT_AUDIENCE = {
  callInvitationReceived: S('inviting', 'notYetReceived'),
  callInvitationTimeout: S('inviting', 'notYetReceived'),
  callInvitationCancelled: S('inviting', 'notYetReceived', 'received'),
  callInvitationEnded: S('inviting', 'notYetReceived', 'received', 'accepted'),
  callUserStateChanged: S('inviting', 'notYetReceived', 'received', 'accepted', 'quit'),
} as const;
export type TableEvent = keyof typeof EVENT_AUDIENCE;

export const ADVANCED_ONLY_APIS: ReadonlySet<string> = new Set(['callingInvite', 'callJoin', 'callQuit']);
