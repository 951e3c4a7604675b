import type { WireError } from '../errors.ts';
import {
  asCallId,
  asDeviceId,
  asUserId,
  type CallId,
  type CallInfo,
  type CallRecord,
  type CallUserInfo,
  type Delivery,
  type DeviceId,
  type UserId,
} from './common.ts';
import type { RequestId } from './envelope.ts';
import type { PushData, PushType } from './pushes.ts';
import { REQUEST_TYPES, type RequestInput, type RequestResult, type RequestType } from './requests.ts';
import { sfuExamples } from './sfuExamples.ts';
import { directoryExamples } from './directoryExamples.ts';

/**
 * One exact example per request, result and push: docs/protocol.md is generated from these
 * (`npm run docs:protocol`), and examples.test.ts parses each with its schema and replays the
 * call examples through the state machine, so they are what the server really sends.
 *
 * They tell one story. alice signs in and calls bob and carol (normal mode); carol is offline at
 * first, bob rings on two devices; alice cancels carol, bob answers on his desktop, and later hangs
 * up. An hour on, bob opens an advanced-mode call with alice, alice calls carol in, carol joins,
 * alice leaves. Times are ms since the epoch; T0 is 2026-01-01T10:00:00Z.
 */

export const T0 = 1_767_261_600_000;
/** The advanced-mode call starts an hour after the normal one. */
export const T2 = T0 + 3_600_000;

export const alice = asUserId('alice');
export const bob = asUserId('bob');
export const carol = asUserId('carol');
/** Not an account: shows up in errorInvitees. */
export const nobody = asUserId('nobody');

export const aliceLaptop = asDeviceId('alice-laptop');
export const bobDesktop = asDeviceId('bob-desktop');
export const bobLaptop = asDeviceId('bob-laptop');
export const carolLaptop = asDeviceId('carol-laptop');
export const DEVICE_NAMES: Readonly<Record<string, string>> = {
  [aliceLaptop]: "Alice's MacBook",
  [bobDesktop]: "Bob's desktop",
  [bobLaptop]: "Bob's laptop",
  [carolLaptop]: "Carol's ThinkPad",
};

/** The normal-mode call alice makes at T0 (the server's ids are UUIDs). */
export const CALL1 = asCallId('3f2b8c1e-6a4d-4b7e-9c21-5d8e0f7a9b14');
/** The advanced-mode call bob makes at T2. */
export const CALL2 = asCallId('8d4e2a90-1c7b-4f3e-a5d6-2b9c0e7f1a38');

/** Moments of the story, so the test can replay it at the same times. */
export const AT = {
  login: T0 - 120_000,
  heartbeat: T0 - 110_000,
  invite: T0,
  bobAckDesktop: T0 + 320,
  bobAckLaptop: T0 + 410,
  carolNotYetReceived: T0 + 5_000,
  carolOnline: T0 + 7_000,
  carolAck: T0 + 7_300,
  cancel: T0 + 8_000,
  accept: T0 + 9_000,
  /** Only in the other ending of callInvitationTimeout's example. */
  carolTimeout: T0 + 60_000,
  end: T0 + 193_000,
  setDnd: T0 + 1_800_000,
  resume: T0 + 7_200_000,
  call2Invite: T2,
  call2AliceAck: T2 + 250,
  call2AliceAccept: T2 + 4_000,
  callingInvite: T2 + 60_000,
  call2CarolAck: T2 + 60_300,
  callJoin: T2 + 64_000,
  callQuit: T2 + 900_000,
  queryActiveCalls: T2 + 900_500,
  queryList: T2 + 1_000_000,
} as const;

const TOKEN_AT_LOGIN =
  'eyJ1IjoiYWxpY2UiLCJkIjoiYWxpY2UtbGFwdG9wIiwiaWF0IjoxNzY3MjYxNDgwMDAwLCJleHAiOjE3Njk4NTM0ODAwMDB9.FED4O3383Z0uax5wG88T-PRdp5uoEOpg7wXrIcN72fk';
const TOKEN_AT_RESUME =
  'eyJ1IjoiYWxpY2UiLCJkIjoiYWxpY2UtbGFwdG9wIiwiaWF0IjoxNzY3MjY4ODAwMDAwLCJleHAiOjE3Njk4NjA4MDAwMDB9.-9HQm3SVlCWE4PC9sF6pjzgNqZB1rtY-DhCvOG-GA3c';
const TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

// ---- building blocks -------------------------------------------------------------------------

function member(userId: UserId, state: CallUserInfo['state'], more: Partial<CallUserInfo> = {}): CallUserInfo {
  return { userId, state, extendedData: '', invitedBy: null, reason: null, delivery: null, ...more };
}
const ringing = (online: boolean, ringingDevices: number): Delivery => ({ online, ringingDevices });

/** Keys in the order the server writes them, so the JSON in the document is byte for byte what goes on the wire. */
function call(callID: CallId, o: Pick<CallInfo, 'inviter' | 'mode' | 'timeout' | 'extendedData' | 'createdAt' | 'users' | 'version'> & Partial<CallInfo>): CallInfo {
  return {
    callID,
    inviter: o.inviter,
    mode: o.mode,
    timeout: o.timeout,
    extendedData: o.extendedData,
    callState: o.callState ?? 'started',
    createdAt: o.createdAt,
    endedAt: o.endedAt ?? null,
    endReason: o.endReason ?? null,
    users: o.users,
    version: o.version,
  };
}

// The normal call, CALL1, at each step of the story.
const CALL1_BASE = { inviter: alice, mode: 'normal', timeout: 60, extendedData: '{"media":"video"}', createdAt: T0 } as const;
const alice1 = member(alice, 'accepted', { extendedData: CALL1_BASE.extendedData });

// Every transition bumps the version, also those nobody hears of (a device signing in, a repeated ack).
const call1Invited = call(CALL1, {
  ...CALL1_BASE,
  version: 1,
  users: [alice1, member(bob, 'inviting', { invitedBy: alice, delivery: ringing(true, 0) }), member(carol, 'inviting', { invitedBy: alice, delivery: ringing(false, 0) })],
});
const call1BobAcked = call(CALL1, {
  ...CALL1_BASE,
  version: 2,
  users: [alice1, member(bob, 'received', { invitedBy: alice, delivery: ringing(true, 1) }), member(carol, 'inviting', { invitedBy: alice, delivery: ringing(false, 0) })],
});
const carolCancelled = member(carol, 'cancelled', { invitedBy: alice });
// v3 bob's laptop acks, v4 carol turns NotYetReceived, v5 carol's laptop signs in, v6 it acks.
const call1Cancelled = call(CALL1, {
  ...CALL1_BASE,
  version: 7,
  users: [alice1, member(bob, 'received', { invitedBy: alice, delivery: ringing(true, 2) }), carolCancelled],
});
const bobAccepted1 = member(bob, 'accepted', { invitedBy: alice });
const call1Accepted = call(CALL1, { ...CALL1_BASE, version: 8, users: [alice1, bobAccepted1, carolCancelled] });
const call1Ended = call(CALL1, { ...CALL1_BASE, version: 9, callState: 'ended', endedAt: AT.end, endReason: 'ended', users: [alice1, bobAccepted1, carolCancelled] });
/** The normal call's record: pushed when it ends, and read back with queryCallRecords. */
const CALL1_RECORD: CallRecord = {
  callID: CALL1,
  inviter: alice,
  mode: 'normal',
  extendedData: CALL1_BASE.extendedData,
  createdAt: T0,
  endedAt: AT.end,
  durationMs: AT.end - AT.accept,
  endReason: 'ended',
  participants: [
    { userId: alice, role: 'inviter', outcome: 'answered', deviceId: aliceLaptop },
    { userId: bob, role: 'invitee', outcome: 'answered', deviceId: bobDesktop },
    { userId: carol, role: 'invitee', outcome: 'cancelled', deviceId: null },
  ],
};

// The advanced call, CALL2.
const CALL2_BASE = { inviter: bob, mode: 'advanced', timeout: 30, extendedData: '{"topic":"design review"}', createdAt: T2 } as const;
const bob2 = member(bob, 'accepted', { extendedData: CALL2_BASE.extendedData });
const alice2 = member(alice, 'accepted', { invitedBy: bob });
// v1 created, v2 alice acks, v3 alice accepts.
const call2CarolInvited = call(CALL2, {
  ...CALL2_BASE,
  version: 4,
  users: [bob2, alice2, member(carol, 'inviting', { invitedBy: alice, delivery: ringing(true, 0) })],
});
const carol2 = member(carol, 'accepted', { invitedBy: alice });
// v5 carol's laptop acks.
const call2CarolJoined = call(CALL2, { ...CALL2_BASE, version: 6, users: [bob2, alice2, carol2] });
const call2AliceQuit = call(CALL2, {
  ...CALL2_BASE,
  version: 7,
  users: [bob2, member(alice, 'quit', { invitedBy: bob, extendedData: '{"reason":"next meeting"}' }), carol2],
});

// ---- the examples ----------------------------------------------------------------------------

export interface RequestExample<T extends RequestType> {
  /** What the client sends as `data` (defaults may be left out; here they are mostly spelled out). */
  data: RequestInput<T>;
  /** The success response's `result`. */
  result: RequestResult<T>;
  /** Where this happens in the story. */
  note: string;
}
export type RequestExamples = { [T in RequestType]: RequestExample<T> };

export interface PushExample<T extends PushType> {
  data: PushData<T>;
  note: string;
}
export type PushExamples = { [T in PushType]: PushExample<T> };

/** The SFU's examples (sfuExamples.ts), in CALL2. */
const DIRECTORY = directoryExamples({ alice, bob, carol, aliceLaptop });

const SFU = sfuExamples({ alice, bob, aliceLaptop, bobDesktop, call: CALL2, deviceName: (d) => DEVICE_NAMES[d] ?? d });

export const REQUEST_EXAMPLES: RequestExamples = {
  login: {
    data: { userId: alice, password: 'correct horse battery staple', deviceId: aliceLaptop, deviceName: "Alice's MacBook", protocolVersion: 1 },
    result: {
      token: TOKEN_AT_LOGIN,
      expiresAt: AT.login + TOKEN_TTL_MS,
      userId: alice,
      displayName: 'Alice Chen',
      deviceId: aliceLaptop,
      dnd: { enabled: false, allowList: [] },
      serverTime: AT.login,
      heartbeatIntervalMs: 10_000,
    },
    note: 'alice signs in on her laptop at 09:58.',
  },
  resume: {
    data: { token: TOKEN_AT_LOGIN, deviceId: aliceLaptop, deviceName: "Alice's MacBook", protocolVersion: 1 },
    result: {
      token: TOKEN_AT_RESUME,
      expiresAt: AT.resume + TOKEN_TTL_MS,
      userId: alice,
      displayName: 'Alice Chen',
      deviceId: aliceLaptop,
      dnd: { enabled: false, allowList: [] },
      serverTime: AT.resume,
      heartbeatIntervalMs: 10_000,
    },
    note: "alice's laptop reconnects at 12:00 with the token it saved; the answer carries a fresh token.",
  },
  logout: { data: {}, result: {}, note: 'alice signs out of this device; the server then closes the socket with 4000.' },
  signOutEverywhere: {
    data: {},
    result: {},
    note: "alice lost her phone: she signs out everywhere from her laptop. Her other devices get sessionClosed (signedOutEverywhere) and close 4410; the laptop's socket closes with 4000 after this reply. Every token she holds stops working.",
  },
  heartbeat: { data: {}, result: { serverTime: AT.heartbeat }, note: 'alice, ten seconds after signing in.' },
  setDNDStatus: {
    data: { enabled: true, allowList: [alice] },
    result: { enabled: true, allowList: [alice] },
    note: "carol turns on do-not-disturb at 10:30 but lets alice's calls ring.",
  },
  callInvite: {
    data: { invitees: [bob, carol, nobody], mode: 'normal', timeout: 60, extendedData: '{"media":"video"}' },
    result: { call: call1Invited, errorInvitees: [{ userId: 'nobody', reason: 'unknown' }] },
    note: 'alice calls bob and carol at 10:00 (and a user id that does not exist). bob is online, carol is not.',
  },
  callCancel: {
    data: { callID: CALL1, invitees: [carol], extendedData: '' },
    result: { call: call1Cancelled, errorInvitees: [] },
    note: 'alice takes carol off the call 8 s in, before anyone answered. bob is now ringing on two devices.',
  },
  callAccept: {
    data: { callID: CALL1, extendedData: '' },
    result: { call: call1Accepted },
    note: 'bob answers on his desktop 9 s in.',
  },
  callReject: {
    data: { callID: CALL1, extendedData: '' },
    result: {
      call: {
        ...call1Cancelled,
        version: 8,
        callState: 'ended',
        endedAt: AT.accept,
        endReason: 'allAnswered',
        users: [alice1, member(bob, 'rejected', { invitedBy: alice, reason: 'declined' }), carolCancelled],
      },
    },
    note: 'Instead of answering, bob declines. carol was already cancelled, so nobody is pending and nobody accepted: the call ends in the same step.',
  },
  callAck: {
    data: { callID: CALL1 },
    result: { call: call1BobAcked },
    note: "bob's desktop got callInvitationReceived and is ringing; its client acknowledges at once.",
  },
  callingInvite: {
    data: { callID: CALL2, invitees: [carol], extendedData: '' },
    result: { call: call2CarolInvited, errorInvitees: [] },
    note: "In bob's advanced call, alice (Accepted) calls carol in. carol is in DND but has alice on her allow-list, so she rings.",
  },
  callJoin: {
    data: { callID: CALL2, extendedData: '' },
    result: { call: call2CarolJoined },
    note: 'carol, ringing, joins from her laptop (same effect as callAccept, but callJoin also works for former members and for moving to another device).',
  },
  callQuit: {
    data: { callID: CALL2, extendedData: '{"reason":"next meeting"}' },
    result: { call: call2AliceQuit },
    note: 'alice leaves the advanced call after 15 minutes; bob and carol stay.',
  },
  callEnd: {
    data: { callID: CALL1, extendedData: '' },
    result: { call: call1Ended },
    note: 'bob hangs up the normal call after talking for 3 min 4 s.',
  },
  queryCallInvitationList: {
    data: { count: 2, nextFlag: 0 },
    result: { calls: [call2AliceQuit, call1Ended], nextFlag: 17 },
    note: 'alice reads her two newest calls; there are older ones, so nextFlag is not 0: send it back to get the next page.',
  },
  queryCallRecords: {
    data: { count: 20, nextFlag: 0 },
    result: { records: [CALL1_RECORD], nextFlag: 0 },
    note: "carol's laptop was closed when the normal call ended: at the next sign-in it reads her records and learns the call's outcome (hers: cancelled, a missed call) and duration. The advanced call has no record yet (still started); nothing is older, so nextFlag is 0.",
  },
  queryActiveCalls: {
    data: {},
    result: { calls: [call2AliceQuit] },
    note: 'bob reads the calls still started that involve him, as a client does after every (re)connect.',
  },
  ...DIRECTORY.requests,
  ...SFU.requests,
};

export const PUSH_EXAMPLES: PushExamples = {
  callInvitationReceived: { data: { call: call1Invited }, note: "To bob's two devices when alice calls at 10:00." },
  callInvitationCreated: { data: { call: call1Invited }, note: "To every device of alice's when her callInvite succeeds." },
  callInvitationCancelled: { data: { callID: CALL1, inviter: alice, extendedData: '', version: 7 }, note: "To carol's laptop when alice cancels her." },
  callInvitationTimeout: {
    data: { callID: CALL1, version: 7 },
    note: "Another ending: carol's laptop signs in but never acknowledges (an old client), alice does not cancel her and bob accepts (v6). At 10:01, carol's 60 s timeout, her laptop gets this.",
  },
  callInvitationEnded: {
    data: { callID: CALL1, caller: bob, extendedData: '', endedAt: AT.end, reason: 'ended', version: 9 },
    note: "To alice and to bob's desktop when bob hangs up.",
  },
  callUserStateChanged: {
    data: { callID: CALL1, users: [member(carol, 'notYetReceived', { invitedBy: alice, delivery: ringing(false, 0) })], version: 4 },
    note: "5 s after the invitation no device of carol's has acknowledged it: alice and bob see her as NotYetReceived.",
  },
  callDeliveryChanged: {
    data: { callID: CALL1, users: [{ userId: bob, delivery: ringing(true, 2) }], version: 3 },
    note: "bob's laptop acknowledges too: alice sees bob ringing on two devices (bob is already Received, so no state changes).",
  },
  handledOnOtherDevice: {
    data: { callID: CALL1, deviceId: bobDesktop, deviceName: DEVICE_NAMES[bobDesktop] ?? '', action: 'accepted', version: 8 },
    note: "To bob's laptop when bob answers on his desktop: stop ringing here.",
  },
  callRecord: {
    data: { record: CALL1_RECORD },
    note: 'To every device of alice, bob and carol when the normal call ends.',
  },
  presenceChanged: {
    data: { users: [{ userId: carol, presence: 'online', dnd: false }] },
    note: 'To the connections subscribed to carol (alice\'s laptop) when carol signs in at 10:00:07.',
  },
  sessionClosed: { data: { reason: 'replaced' }, note: "To alice's old connection when her laptop signs in again on a new one." },
  ...DIRECTORY.pushes,
  ...SFU.pushes,
};

// ---- frames ----------------------------------------------------------------------------------

/** The example request frames are numbered in REQUESTS order, as a client's counter would. */
export function exampleRequestId(type: RequestType): number {
  return REQUEST_TYPES.indexOf(type) + 1;
}

export function exampleRequestFrame<T extends RequestType>(type: T): { id: number; type: T; data: RequestInput<T> } {
  return { id: exampleRequestId(type), type, data: REQUEST_EXAMPLES[type].data };
}

export function exampleResponseFrame<T extends RequestType>(type: T): { id: number; result: RequestResult<T> } {
  return { id: exampleRequestId(type), result: REQUEST_EXAMPLES[type].result };
}

export function examplePushFrame<T extends PushType>(type: T): { type: T; data: PushData<T> } {
  return { type, data: PUSH_EXAMPLES[type].data };
}

// ---- errors ----------------------------------------------------------------------------------

export interface ErrorExample {
  /** Short heading. */
  title: string;
  /** What the client sent: a request frame, or raw text for frames that are not JSON. */
  sent: { frame: unknown } | { text: string };
  /** The server's answer. */
  response: { id: RequestId | null; error: WireError };
  /** The close code that follows, if the server then closes the connection. */
  close?: number;
  note?: string;
}

export const ERROR_EXAMPLES: readonly ErrorExample[] = [
  {
    title: 'A schema failure',
    sent: { frame: { id: 21, type: 'callInvite', data: { invitees: [bob], timeout: 900 } } },
    response: { id: 21, error: { code: 'bad_request', message: 'callInvite: timeout: Too big: expected number to be <=600' } },
    note: 'The message names the request type and the path of the first failing fields (at most five).',
  },
  {
    title: 'count below 1 is refused (above 100 is read as 100)',
    sent: { frame: { id: 22, type: 'queryCallInvitationList', data: { count: 0 } } },
    response: { id: 22, error: { code: 'bad_request', message: 'queryCallInvitationList: count: Too small: expected number to be >=1' } },
  },
  {
    title: 'A directory page over 50 is refused, not clamped',
    sent: { frame: { id: 25, type: 'directorySearch', data: { query: 'a', limit: 200 } } },
    response: { id: 25, error: { code: 'bad_request', message: 'directorySearch: limit: Too big: expected number to be <=50' } },
  },
  {
    title: 'Subscribing to more presence than a connection may',
    sent: { frame: { id: 26, type: 'presenceSubscribe', data: { userIds: [bob] } } },
    response: { id: 26, error: { code: 'limit_exceeded', message: 'a connection may subscribe to at most 500 users (500 now, 1 more asked)' } },
    note: 'Nothing of the request is subscribed. Unsubscribe from users no longer shown first.',
  },
  {
    title: 'An unknown request type',
    sent: { frame: { id: 23, type: 'callInvte', data: { invitees: [bob] } } },
    response: { id: 23, error: { code: 'unknown_type', message: 'unknown request type "callInvte"' } },
  },
  {
    title: 'A frame that is not JSON',
    sent: { text: '{"id":24,"type":"heartbeat"' },
    response: { id: null, error: { code: 'malformed_json', message: 'frame is not valid JSON' } },
    note: 'The id could not be read, so the response carries `id: null`. Before sign-in the server then closes with 4400.',
  },
  {
    title: 'A request before sign-in',
    sent: { frame: { id: 1, type: 'favoritesList', data: {} } },
    response: { id: 1, error: { code: 'unauthenticated', message: 'sign in first' } },
    close: 4401,
  },
  {
    title: 'A protocol version the server does not speak',
    sent: { frame: { id: 1, type: 'login', data: { ...REQUEST_EXAMPLES.login.data, protocolVersion: 2 } } },
    response: { id: 1, error: { code: 'unsupported_version', message: 'server speaks protocol 1, client sent 2' } },
    note: 'The connection stays open but unauthenticated; the auth deadline closes it (4401) unless a valid login follows.',
  },
  {
    title: 'Wrong user or password',
    sent: { frame: { id: 1, type: 'login', data: { ...REQUEST_EXAMPLES.login.data, password: 'wrong' } } },
    response: { id: 1, error: { code: 'auth_failed', message: 'wrong user or password' } },
    note: 'The fifth failure on one connection closes it with 4401.',
  },
  {
    title: 'Sign-ins throttled after repeated failures',
    sent: { frame: { id: 1, type: 'login', data: { ...REQUEST_EXAMPLES.login.data, password: 'guess-7' } } },
    response: { id: 1, error: { code: 'auth_throttled', message: 'too many failed sign-ins; try again in 4 s', retryAfterMs: 3_912 } },
    note: 'The password was not checked. Wait retryAfterMs before trying again; the wait doubles with each further failure, up to authThrottle.maxDelayMs.',
  },
  {
    title: 'A token that is expired, revoked, damaged or for another device',
    sent: { frame: { id: 1, type: 'resume', data: { ...REQUEST_EXAMPLES.resume.data, deviceId: bobLaptop } } },
    response: { id: 1, error: { code: 'token_invalid', message: 'session expired or not valid for this device; sign in again' } },
  },
  {
    title: 'A disabled account signs in',
    sent: { frame: { id: 1, type: 'login', data: REQUEST_EXAMPLES.login.data } },
    response: { id: 1, error: { code: 'account_disabled', message: 'this account is disabled; ask your administrator' } },
    close: 4403,
  },
  {
    title: 'Too many requests',
    sent: { frame: { id: 57, type: 'heartbeat', data: {} } },
    response: { id: 57, error: { code: 'rate_limited', message: 'too many requests; slow down' } },
  },
  {
    title: "An action the user's state forbids",
    sent: { frame: { id: 31, type: 'callAccept', data: { callID: CALL1, extendedData: '' } } },
    response: { id: 31, error: { code: 'state_forbids', message: 'callAccept is not allowed while you are accepted' } },
    note: 'bob accepts CALL1 a second time.',
  },
  {
    title: 'An advanced-mode request in a normal call',
    sent: { frame: { id: 32, type: 'callQuit', data: { callID: CALL1 } } },
    response: { id: 32, error: { code: 'advanced_only', message: 'callQuit is only available in advanced mode' } },
    note: 'bob, Accepted in the normal CALL1, tries to quit it. The mode is checked before the state.',
  },
  {
    title: 'Cancelling after an invitee answered',
    sent: { frame: { id: 33, type: 'callCancel', data: { callID: CALL1 } } },
    response: { id: 33, error: { code: 'already_answered', message: 'an invitee already accepted; hang up instead' } },
    note: 'alice, after bob accepted CALL1.',
  },
  {
    title: 'A request on an ended call',
    sent: { frame: { id: 34, type: 'callAccept', data: { callID: CALL1 } } },
    response: { id: 34, error: { code: 'call_ended', message: `call ${CALL1} has ended` } },
  },
  {
    title: 'Calling while in a call',
    sent: { frame: { id: 35, type: 'callInvite', data: { invitees: [alice] } } },
    response: { id: 35, error: { code: 'already_in_call', message: 'you are already in a call; end it first' } },
    note: 'bob, Accepted in CALL2, starts another call.',
  },
  {
    title: 'Over the participant limit',
    sent: { frame: { id: 36, type: 'callingInvite', data: { callID: CALL2, invitees: [asUserId('dave')] } } },
    response: { id: 36, error: { code: 'too_many_participants', message: 'a call holds at most 10 participants' } },
    note: 'The call already has 10 active (pending or Accepted) members.',
  },
];

/** The device each example request is sent from, for the replay test and the document. */
export const EXAMPLE_SENDERS: { [T in RequestType]: { userId: UserId; deviceId: DeviceId } } = {
  login: { userId: alice, deviceId: aliceLaptop },
  resume: { userId: alice, deviceId: aliceLaptop },
  logout: { userId: alice, deviceId: aliceLaptop },
  signOutEverywhere: { userId: alice, deviceId: aliceLaptop },
  heartbeat: { userId: alice, deviceId: aliceLaptop },
  setDNDStatus: { userId: carol, deviceId: carolLaptop },
  callInvite: { userId: alice, deviceId: aliceLaptop },
  callCancel: { userId: alice, deviceId: aliceLaptop },
  callAccept: { userId: bob, deviceId: bobDesktop },
  callReject: { userId: bob, deviceId: bobDesktop },
  callAck: { userId: bob, deviceId: bobDesktop },
  callingInvite: { userId: alice, deviceId: aliceLaptop },
  callJoin: { userId: carol, deviceId: carolLaptop },
  callQuit: { userId: alice, deviceId: aliceLaptop },
  callEnd: { userId: bob, deviceId: bobDesktop },
  queryCallInvitationList: { userId: alice, deviceId: aliceLaptop },
  queryActiveCalls: { userId: bob, deviceId: bobDesktop },
  queryCallRecords: { userId: carol, deviceId: carolLaptop },
  ...DIRECTORY.senders,
  ...SFU.senders,
};
