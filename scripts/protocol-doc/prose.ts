// The prose of docs/protocol.md, keyed by type: a new request, push, error code, close code, user state,
// end reason, outcome or limit does not compile until it is documented here (or in ../protocolDoc*.ts).
import { DRAIN_RECONNECT_WINDOW_MS } from '../../server/drain/Drain.ts';
import type { ErrorCode } from '../../src/shared/errors.ts';
import {
  CLOSE_CODES as CLOSE,
  LIMITS,
  PROTOCOL_VERSION,
  type CallEndReason,
  type CallOutcome,
  type CallUserState,
  type PushType,
  type RequestType,
} from '../../src/shared/protocol/index.ts';
import { DIRECTORY_ERROR_MEANINGS, DIRECTORY_PUSH_DOCS, DIRECTORY_REQUEST_DOCS } from './directory.ts';
import { SFU_ERROR_MEANINGS, SFU_PUSH_DOCS, SFU_REQUEST_DOCS } from './sfu.ts';
import { DEFAULTS, SERVER_FACTS } from './facts.ts';
import { link, ordinal, seconds } from './markdown.ts';

/** Notes that the schema cannot say (refinements, meaning). Keys: `<type>.<data|result>.<path>`; unused keys throw. */
export const FIELD_NOTES: Record<string, string> = {
  'login.data.deviceName': "shown to the user's other devices (`handledOnOtherDevice`)",
  'login.data.protocolVersion': `must be ${PROTOCOL_VERSION}`,
  'resume.data.protocolVersion': `must be ${PROTOCOL_VERSION}`,
  'callInvite.data.invitees': 'distinct; may be empty only in advanced mode',
  'callInvite.data.timeout': 'seconds each invitee rings',
  'callInvite.data.extendedData': "becomes the call's and the inviter's `extendedData`",
  'callInvite.result.errorInvitees': 'invitees that were not called',
  'callInvite.result.errorInvitees[].reason': '`alreadyInCall` is never sent: busy invitees are Rejected with reason `busy` instead',
  'callCancel.data.invitees': 'distinct, at least one; omitted: every pending invitee you invited',
  'callCancel.data.extendedData': 'passed to the cancelled invitees in `callInvitationCancelled`',
  'callCancel.result.errorInvitees': 'always empty',
  'callingInvite.data.invitees': 'distinct, at least one',
  'callingInvite.data.extendedData': 'accepted, but not passed on to anyone',
  'callingInvite.result.errorInvitees': 'invitees that were not called',
  'callingInvite.result.errorInvitees[].reason': '`alreadyInCall` is never sent (see `callInvite`)',
  'callEnd.data.extendedData': 'passed to everyone in `callInvitationEnded`',
  'queryCallInvitationList.data.count': 'more than 100 reads as 100 (clamped, as ZIM does)',
  'queryCallInvitationList.data.nextFlag': '0: from the newest call; otherwise the `nextFlag` of the previous page',
  'queryCallInvitationList.result.nextFlag': '0: nothing older',
  'queryCallRecords.data.count': 'more than 100 reads as 100 (clamped, like `queryCallInvitationList`)',
  'queryCallRecords.data.nextFlag': '0: from the newest record; otherwise the `nextFlag` of the previous page',
  'queryCallRecords.result.nextFlag': '0: nothing older',
};

export const ERROR_MEANINGS: Record<ErrorCode, { by: 'server' | 'client' | 'both'; meaning: string }> = {
  malformed_json: { by: 'both', meaning: 'The frame is not valid JSON. Answered with `id: null`.' },
  frame_too_large: { by: 'server', meaning: `The frame is larger than \`maxFrameBytes\` (default ${DEFAULTS.maxFrameBytes} bytes). Answered with \`id: null\`.` },
  bad_request: {
    by: 'both',
    meaning:
      'The frame is not a request frame, is binary, or its `data` fails the schema; a normal-mode `callInvite` without invitees; a second sign-in while one is in progress on the connection.',
  },
  unknown_type: { by: 'both', meaning: 'No request of that `type` exists (the app uses it for unknown IPC channels too).' },
  rate_limited: { by: 'server', meaning: `Over the connection's rate limit; the request was not run. See ${link('Rate limit')}.` },
  unsupported_version: { by: 'server', meaning: `\`protocolVersion\` in login/resume is not ${PROTOCOL_VERSION}. See ${link('Versioning')}.` },
  unauthenticated: { by: 'server', meaning: 'A request other than `login`/`resume` before sign-in. The connection is closed with 4401.' },
  already_authenticated: { by: 'server', meaning: '`login` or `resume` on a connection that is already signed in.' },
  auth_failed: { by: 'server', meaning: `Wrong user id or password (the two are not told apart). The ${ordinal(SERVER_FACTS.maxFailedLogins)} on one connection closes it with 4401.` },
  account_disabled: { by: 'server', meaning: 'A correct password, or a token this server signed, for a disabled account. The connection is closed with 4403.' },
  token_invalid: {
    by: 'server',
    meaning: `The token is damaged, expired, revoked, superseded by a newer one of this device (past the rotation grace), past the session's absolute lifetime (\`tokenMaxLifetimeSec\`, default ${DEFAULTS.tokenMaxLifetimeSec / 86_400} days), or was issued to another device. Sign in with the password.`,
  },
  auth_throttled: {
    by: 'server',
    meaning: `Too many failed sign-ins from this address, or on this account from this address: the password was not checked. \`retryAfterMs\` on the error says how long to wait. The wait starts after ${DEFAULTS.authThrottle.freeFailures} failures at ${seconds(DEFAULTS.authThrottle.baseDelayMs)} and doubles with each further failure, up to ${DEFAULTS.authThrottle.maxDelayMs / 60_000} minutes; it is never a lockout. See docs/accounts-and-tokens.md.`,
  },
  call_not_found: { by: 'server', meaning: 'No call has this `callID`.' },
  storage_unavailable: {
    by: 'server',
    meaning:
      "The server cannot write its database (disk full, read-only, I/O error). Nothing was changed and nothing was pushed: retry later (the Ringdesk client reconnects with backoff when a sign-in gets it). Any request may get it; `GET /healthz` shows `storage.ready: false` until a write succeeds again.",
  },
  unavailable: {
    by: 'server',
    meaning:
      'Cluster mode only: Redis (the nodes\' coordinator) cannot be reached, or the node that owns the call did not answer in time. Nothing was changed: retry shortly. A cluster answers `storage_unavailable` when PostgreSQL is down.',
  },
  call_ended: { by: 'server', meaning: 'The call has ended.' },
  not_a_member: { by: 'server', meaning: 'You are not a member of this call (never invited to it, nor its inviter).' },
  state_forbids: {
    by: 'server',
    meaning: `Your user state does not allow this request (see ${link('Who may do what')}); a \`callCancel\` target is no longer pending, or nobody is left to cancel; \`callJoin\` from the device that already is your main device.`,
  },
  advanced_only: { by: 'server', meaning: '`callingInvite`, `callJoin` and `callQuit` are for advanced-mode calls. Checked before the user state.' },
  already_in_call: { by: 'server', meaning: '`callInvite` while you are Accepted in another started call.' },
  already_answered: { by: 'server', meaning: '`callCancel` after one of the users you invited to this call accepted.' },
  not_inviter: { by: 'server', meaning: '`callCancel` by a member who invited nobody in this call.' },
  invitee_unknown: { by: 'server', meaning: 'None of the listed invitees can be called (unknown, disabled, or yourself); for `callInvite` the message lists them with their reasons.' },
  invalid_invitee: { by: 'server', meaning: '`callingInvite` of someone already pending or Accepted in the call; `callCancel` of someone you did not invite.' },
  too_many_participants: { by: 'server', meaning: `The call would have more than ${LIMITS.maxParticipants} active (pending or Accepted) members.` },
  forbidden: { by: 'client', meaning: 'Ringdesk app only: an IPC call from a page that may not make it.' },
  not_signed_in: { by: 'client', meaning: 'Ringdesk app only: a call API used while signed out.' },
  session_revoked: { by: 'client', meaning: 'Ringdesk app only: the server closed the session with 4410 (password changed, or sign out everywhere); the saved token was dropped and the user must sign in again.' },
  request_timeout: { by: 'client', meaning: 'Ringdesk app only: no response in time.' },
  disconnected: { by: 'client', meaning: 'Ringdesk app only: the connection closed before the response came.' },
  insecure_server: { by: 'client', meaning: 'Ringdesk app only: sign-in to a `ws://` server that is not on this machine, without the `AllowInsecureServer` IT policy. Use the `wss://` address.' },
  server_not_found: { by: 'client', meaning: 'Ringdesk app only, at sign-in: the server\'s host name does not resolve (DNS).' },
  server_refused: { by: 'client', meaning: 'Ringdesk app only, at sign-in: nothing accepts connections at that address and port, or the network path is down.' },
  server_tls: { by: 'client', meaning: 'Ringdesk app only, at sign-in: the `wss://` server\'s certificate is not trusted (self-signed, expired, wrong name) or TLS failed.' },
  server_timeout: { by: 'client', meaning: 'Ringdesk app only, at sign-in: the server took the connection but never answered in time.' },
  internal: { by: 'both', meaning: 'An unexpected failure. The server logs it; the message says nothing more.' },
  ...DIRECTORY_ERROR_MEANINGS,
  ...SFU_ERROR_MEANINGS,
};

export const CLOSE_DOCS: Record<keyof typeof CLOSE, { reason: string; when: string; then: string }> = {
  loggedOut: { reason: '`logged out`', when: 'After the response to `logout`.', then: 'Stay signed out: the token is revoked.' },
  badFrameBeforeAuth: {
    reason: 'the error message (at most 120 characters)',
    when: 'Before sign-in: a frame that is binary, too large, not JSON, not a request frame, of an unknown type, or fails its schema (after the error response).',
    then: 'A client bug: fix the frame.',
  },
  unauthenticated: {
    reason: '`sign in first`, `authentication timeout`, `too many failed sign-ins`',
    when: `Before sign-in: a request other than \`login\`/\`resume\` (after the \`unauthenticated\` response); no sign-in within \`authTimeoutMs\` (${seconds(DEFAULTS.authTimeoutMs)}); the ${ordinal(SERVER_FACTS.maxFailedLogins)} \`auth_failed\` on the connection.`,
    then: 'Ask the user to sign in again; do not retry in a loop.',
  },
  accountDisabled: {
    reason: '`account disabled`',
    when: `After an \`account_disabled\` response to \`login\` or \`resume\`; or, with a \`sessionClosed\` (\`accountDisabled\`) push first, on every live connection of the user within ${seconds(DEFAULTS.revocationPollMs)} of \`user disable\` (even run as a separate process).`,
    then: 'Stay signed out; tell the user the account is disabled.',
  },
  signedOut: {
    reason: '`signed out: password changed`, `signed out everywhere`',
    when: `The user's sessions were revoked: \`user passwd\`, \`user signout\`, or \`signOutEverywhere\` from another device. A \`sessionClosed\` push (\`passwordChanged\` or \`signedOutEverywhere\`) comes first; the close follows within ${seconds(DEFAULTS.revocationPollMs)} of the change, whichever process made it.`,
    then: 'Forget the token (it no longer works) and ask the user to sign in again, saying why.',
  },
  replaced: { reason: '`signed in again on this device`', when: 'The same user signed in on the same device id over another connection (a `sessionClosed` push comes first).', then: 'Stay off: the other connection is this device now.' },
  serverBusy: {
    reason: '`server busy; retry after <n> ms`',
    when: `At once, to a NEW connection, when the server is overloaded: its event loop lags more than \`admission.maxEventLoopLagMs\` (default ${DEFAULTS.admission.maxEventLoopLagMs} ms, p99 over the last 0.5–1 s), sign-ins have waited in its request queue longer than \`admission.maxQueueWaitMs\` (default ${DEFAULTS.admission.maxQueueWaitMs} ms), or at least \`admission.maxPendingSignIns\` (default ${DEFAULTS.admission.maxPendingSignIns}) connections are waiting for their sign-in. The refusal is the WebSocket handshake's answer and the close frame in one write, before any other work for the connection. Connections already signed in are not affected. <n> is \`admission.retryAfterMs\` (default ${DEFAULTS.admission.retryAfterMs}) times how far past the limit the server is, at most 4 times. Even while overloaded, as many new connections per second are let in as signed in over the last second, never fewer than \`admission.minAdmitPerSec\` (default ${DEFAULTS.admission.minAdmitPerSec}; 0 refuses everyone while overloaded), so a storm always drains at the pace the server signs people in.`,
    then: 'Reconnect after <n> ms plus a random extra of up to <n> ms (so the clients turned away together do not return together), then `resume` as usual.',
  },
  draining: {
    reason: '`server draining; reconnect elsewhere; retry after <n> ms`',
    when: `<n> is the reconnect window, ${DRAIN_RECONNECT_WINDOW_MS} ms. The node is draining (SIGTERM: a rolling restart or a scale-down; see docs/deployment-server.md, "Draining"). To every NEW connection at once, before any work. To signed-in connections once their calls were handed to another node, or, on a single node, once the user takes part in no call there any more (on a single node with \`drainTimeoutMs\` unset, at once, after a \`sfuRoomClosed\` (\`serverRestart\`) for each room). Also when the server process stops on SIGINT.`,
    then: 'Reconnect at once with full jitter: after a random wait in [0, <n>] ms, not the growing backoff, and `resume`; the load balancer sends the client to a node that is ready. If that connection is refused with 4307 too, back off as after any failed connection. Rejoin call rooms as after `serverRestart`.',
  },
  rateLimited: { reason: '`rate limit exceeded`', when: `More than ${SERVER_FACTS.maxRateViolations} refused (\`rate_limited\`) frames in a row; no response to the last one.`, then: 'Reconnect after a pause, and slow down.' },
};

interface RequestDoc {
  /** What it does, who may send it, what follows. */
  text: string;
}

export const REQUEST_DOCS: Record<RequestType, RequestDoc> = {
  login: {
    text: `Signs the connection in with a password. Allowed only before sign-in. Checks \`protocolVersion\` first (\`unsupported_version\`), then the password (\`auth_failed\`; the ${ordinal(SERVER_FACTS.maxFailedLogins)} failure on a connection closes it with 4401), then whether the account is disabled (\`account_disabled\`, then close 4403). The response carries a new token. After it, for every started call in which the user is still Inviting or NotYetReceived, this connection gets \`callInvitationReceived\`; the other members see the new device in \`callDeliveryChanged\` for calls where the user is pending; the connections subscribed to the user get \`presenceChanged\` if this is the user's first device. If this device id was signed in on another connection, that one gets \`sessionClosed\` and close 4409.`,
  },
  resume: {
    text: `Signs the connection in with a token from an earlier \`login\` or \`resume\` of **the same device id**. Everything else is as for \`login\`. A token that is damaged, expired, revoked or for another device gets \`token_invalid\` (the connection stays open for a \`login\`). A valid token of a disabled account gets \`account_disabled\` and close 4403, even though disabling also revoked it. The response carries a **new, rotated** token: save it. The token you sent keeps working until the new one is used in a \`resume\`, and then for \`tokenRotationGraceSec\` (default ${DEFAULTS.tokenRotationGraceSec} s) more, so a lost reply costs nothing. However often a session is renewed, it ends \`tokenMaxLifetimeSec\` (default ${DEFAULTS.tokenMaxLifetimeSec / 86_400} days) after the password \`login\` that began it.`,
  },
  signOutEverywhere: {
    text: "Revokes every token of the user, on every device, issued up to now, and answers `{}`. The user's other live connections get `sessionClosed` (`signedOutEverywhere`) and close 4410; this connection closes with 4000 after the reply, as for `logout`. An administrator does the same with `user signout <id>`.",
  },
  logout: {
    text: 'Revokes every token of this device issued up to now, answers `{}` and closes the connection with 4000. Other devices of the user stay signed in. In each started call where this device is the main device of a member who is Accepted or the inviter, that member is lost at once, without the grace period (see [Lost connections](#lost-connections)).',
  },
  heartbeat: {
    text: `Keeps the connection alive: send it every \`heartbeatIntervalMs\` from the session (default ${seconds(DEFAULTS.heartbeatIntervalMs)}). Any frame counts as activity; a connection silent for \`heartbeatTimeoutMs\` (${seconds(DEFAULTS.heartbeatTimeoutMs)}) is dropped. \`serverTime\` is the server's clock.`,
  },
  setDNDStatus: {
    text: "Replaces the user's do-not-disturb settings and returns them. The connections subscribed to the user get `presenceChanged` with the new `dnd` flag (the allow-list is not shared). It applies to invitations sent afterwards; calls already ringing go on ringing.",
  },
  callInvite: {
    text: `Starts a call; the sender becomes its inviter, Accepted, and the sending device its main device. Refused with \`already_in_call\` while the sender is Accepted in another started call. Each listed invitee is screened: the sender, unknown and disabled accounts are not called and come back in \`errorInvitees\` (\`self\`, \`unknown\`); if nobody listed can be called the request fails with \`invitee_unknown\`. An invitee in DND who has not allow-listed the sender is Rejected with reason \`dnd\`; an invitee Accepted in another started call is Rejected with reason \`busy\`; everyone else becomes Inviting and rings. Pushes, sent before the response: \`callInvitationCreated\` to every device of the inviter, \`callInvitationReceived\` to every device of each ringing invitee (one who signs in later, within the timeout, gets it then). If every invitee was Rejected at once, the call ends in the same step (reason \`allAnswered\`): the result already shows it ended, and \`callInvitationEnded\` and \`callRecord\` follow.`,
  },
  callCancel: {
    text: 'Withdraws invitations. Only the pending invitees that the sender invited can be cancelled (`invalid_invitee` for others, `state_forbids` for one no longer pending or when nobody is left), and only while no user the sender invited to this call has ever accepted (`already_answered`); a member who invited nobody gets `not_inviter`, and someone who is not a member of the call gets `not_a_member`. Allowed in both modes. Each cancelled invitee gets `callInvitationCancelled` with this `extendedData`, and everyone in the `callUserStateChanged` column (the cancelled invitees included) gets `callUserStateChanged`. If then nobody is pending and no invitee ever accepted, the call ends with reason `cancelled`.',
  },
  callAccept: {
    text: "A pending invitee (Inviting, NotYetReceived or Received) answers, in either mode; the sending device becomes the member's main device. The user's other devices get `handledOnOtherDevice` (`accepted`); the `callUserStateChanged` audience (the accepter included) gets `callUserStateChanged`. A normal call then stays started until `callEnd` or a lost connection. Busy is not checked here: the server decided busy when the invitation was sent.",
  },
  callReject: {
    text: 'A pending invitee declines (reason `declined`), in either mode; the sending device becomes the main device. `handledOnOtherDevice` (`rejected`) to the other devices, `callUserStateChanged` to the audience (the rejecter included). If then nobody is pending and no invitee ever accepted, the call ends with reason `allAnswered` in the same step.',
  },
  callAck: {
    text: `A device of a pending invitee says it got \`callInvitationReceived\` and is ringing; the Ringdesk client sends it at once. The first acknowledgement turns Inviting or NotYetReceived into Received (\`callUserStateChanged\`, the invitee included); one from another device of a Received invitee raises its ringing count (\`callDeliveryChanged\`); a repeat from the same device changes nothing. It does not make the device the main device. Without any acknowledgement within ${seconds(LIMITS.notReceivedCheckMs)} the invitee becomes NotYetReceived.`,
  },
  callingInvite: {
    text: `Advanced mode only (\`advanced_only\`, checked before the state); the sender must be Accepted. Invites more users: anyone who is not pending or Accepted in the call, so former members (Rejected, Cancelled, Timeout, Quit) can be invited again with a fresh timeout; an active one gets \`invalid_invitee\`. Invitees are screened as for \`callInvite\` (\`errorInvitees\`, \`invitee_unknown\`, busy and DND answered at once). The active members after adding everyone who can be called (busy and DND invitees included) must not exceed ${LIMITS.maxParticipants} (\`too_many_participants\`). Pushes: \`callInvitationReceived\` to every device of each ringing new invitee, \`callUserStateChanged\` with the new users to the existing audience.`,
  },
  callJoin: {
    text: `Advanced mode only. Any member of the call, in any state, may send it; users who were never in the call get \`not_a_member\`. A pending invitee joins as with \`callAccept\`; a former member (Rejected, Cancelled, Timeout, Quit) comes back Accepted if the call stays within ${LIMITS.maxParticipants} active members. Either way the user's other devices get \`handledOnOtherDevice\` (\`joined\`) and the audience \`callUserStateChanged\`. A member already Accepted on another device moves the call to this device instead: the other devices (the old main device included) get \`handledOnOtherDevice\` (\`joined\`), nobody else hears anything; from the device that is already the main device it is \`state_forbids\`.`,
  },
  callQuit: {
    text: 'Advanced mode only; the sender must be Accepted (the inviter too). The member becomes Quit and the audience (the quitter included) gets `callUserStateChanged`. When no Accepted member is left, the call ends with reason `everyoneLeft`.',
  },
  callEnd: {
    text: 'Any Accepted member ends the call for everyone, in either mode. Members who were Inviting, NotYetReceived, Received or Accepted get `callInvitationEnded` (`caller` is the sender, reason `ended`, this `extendedData`); every member gets `callRecord`.',
  },
  queryCallInvitationList: {
    text: `The calls this user is or was a member of, in any state, started or ended, newest first (by creation), as they are now. Page with \`nextFlag\`. \`count\` must be at least 1; a larger \`count\` than ${LIMITS.maxListCount} is read as ${LIMITS.maxListCount}, as ZIM does.`,
  },
  queryCallRecords: {
    text: `The call records of the ended calls this user was a member of, newest call first (by creation, the same order and \`nextFlag\` cursor as \`queryCallInvitationList\`; started calls have no record yet and are left out), each exactly as pushed in \`callRecord\` when the call ended: every participant's \`outcome\`, \`durationMs\`, the answering device. A device that was offline when a call ended (no \`callRecord\` reached it) reads its missed calls, their outcome and duration here; the Ringdesk app does so at every sign-in. \`count\` must be at least 1; more than ${LIMITS.maxListCount} is read as ${LIMITS.maxListCount}.`,
  },
  queryActiveCalls: {
    text: `The started calls this user is a member of, in any user state (a member who already declined or quit a call that goes on is listed too). A client re-reads this after every (re)connect: pushes missed while offline are not replayed. Bounded: at most the newest ${LIMITS.maxListCount} such calls (a user is Accepted in one call at a time; the rest are invitations still ringing, each ending within its \`timeout\`).`,
  },
  ...DIRECTORY_REQUEST_DOCS,
  ...SFU_REQUEST_DOCS,
};

export const PUSH_DOCS: Record<PushType, string> = {
  callInvitationReceived:
    'To every signed-in device of each invitee that starts ringing (`callInvite`, `callingInvite`), and to a device that signs in while its user is still Inviting or NotYetReceived in a started call. Answer with `callAck`.',
  callInvitationCreated: 'To every signed-in device of the inviter when `callInvite` succeeds, before the response. Only the device that sent the request acts on the call.',
  callInvitationCancelled:
    'To an invitee whose invitation was withdrawn while it was pending (every device: a pending invitee has no main device): by `callCancel`, or because the inviter was lost before anyone accepted (then `extendedData` is empty). `callUserStateChanged` follows.',
  callInvitationTimeout:
    'To an invitee whose timeout passed while it was Inviting or NotYetReceived. A Received invitee is told by `callUserStateChanged` (its own state `timeout`) instead; the Ringdesk client raises its timeout event for both.',
  callInvitationEnded:
    'To every member who was Inviting, NotYetReceived, Received or Accepted when the call ended (the main device of an Accepted member, every device of a pending one). `caller` is who sent `callEnd`, `null` when the call ended by itself. `callRecord` follows.',
  callUserStateChanged: `The users whose state changed. To every member whose own state, before the change, was in the \`callUserStateChanged\` column of ${link('Who hears what')}: the users who changed included, so a user hears its own accept, decline, cancellation, timeout or quit. Not sent when a call is created (\`callInvitationCreated\` and \`callInvitationReceived\` carry the first states).`,
  callDeliveryChanged:
    "A pending invitee's `delivery` may have changed while its state did not: a further device of a Received invitee acknowledged, or a device of the invitee signed in or disconnected (the delivery sent can be unchanged). To the same audience as `callUserStateChanged`, minus that invitee.",
  handledOnOtherDevice:
    "To every other signed-in device of a user when one of its devices accepts, declines or joins (including moving a call to another device with `callJoin`): stop ringing or leave the call here. `deviceName` is the acting device's name.",
  callRecord: 'To every signed-in device of every member (in any state) when a call ends. A member with no device signed in misses it; no request reads records back yet.',
  presenceChanged: `To the connections subscribed to the users it lists (\`presenceSubscribe\`), and only those, batched: one push per connection carries the changes of the last ${SERVER_FACTS.presenceFlushMs} ms that it subscribed to. Sent when a user's first device signs in, the last one signs out or drops, or DND is switched.`,
  sessionClosed:
    'To a connection just before the server closes it on purpose: `replaced` (then close 4409), `accountDisabled` (then 4403), `passwordChanged` and `signedOutEverywhere` (then 4410). `loggedOut` is in the schema but not sent: `logout` and `signOutEverywhere` are answered, then closed with 4000.',
  ...DIRECTORY_PUSH_DOCS,
  ...SFU_PUSH_DOCS,
};

export const USER_STATE_DOCS: Record<CallUserState, string> = {
  inviting: 'Invited; no device has acknowledged yet.',
  received: 'At least one device acknowledged (`callAck`) and is ringing.',
  notYetReceived: `No device acknowledged within ${seconds(LIMITS.notReceivedCheckMs)} of the invitation (offline, or a client that does not acknowledge). An acknowledgement later still makes it Received.`,
  accepted: 'In the call. The inviter starts Accepted.',
  rejected: 'Declined (`reason: "declined"`), or answered by the server: `busy`, `dnd`.',
  cancelled: 'The invitation was withdrawn (`callCancel`, or the inviter was lost before anyone accepted).',
  timeout: "Nobody answered within the call's `timeout`.",
  quit: 'Left an advanced call (`callQuit`, or lost while Accepted).',
};

export const END_REASON_DOCS: Record<CallEndReason, string> = {
  allAnswered: 'Ended by itself: nobody is pending any more and no invitee ever accepted (the last one declined, timed out, or every invitee was busy or in DND).',
  cancelled: 'Ended by itself after a `callCancel` left nobody pending, with no invitee ever having accepted.',
  callerLost: 'The inviter was lost before any invitee accepted; pending invitees were cancelled.',
  connectionLost: 'Normal mode: an Accepted member was lost.',
  ended: 'A member sent `callEnd` (`caller` says who).',
  everyoneLeft: 'Advanced mode: no Accepted member is left (they quit or were lost).',
};

export const OUTCOME_DOCS: Record<CallOutcome, string> = {
  answered: 'Invitee: accepted at some point (a later Quit keeps it). Inviter: some invitee accepted.',
  missed: 'Invitee: never answered (still pending when the call ended, or timed out).',
  rejected: 'Invitee: declined.',
  cancelled: 'Invitee: the invitation was withdrawn. Inviter: the call ended `cancelled` or `callerLost`.',
  busy: 'Invitee: was in another call when invited.',
  dnd: 'Invitee: was in DND and had not allow-listed the inviter.',
  noAnswer: 'Inviter: no invitee accepted and the inviter did not cancel.',
};

export const LIMIT_DOCS: Record<keyof typeof LIMITS, string> = {
  maxInviteesPerRequest: 'invitees in one `callInvite`, `callingInvite` or `callCancel`',
  maxParticipants: 'active (pending or Accepted) members of one call, the inviter included',
  maxMembersEver: 'members one call keeps, those who left included (its `users`, its record\'s `participants`); `callingInvite` of a new person past it gets `too_many_participants`',
  minTimeoutSec: 'smallest `timeout` (seconds)',
  maxTimeoutSec: 'largest `timeout` (seconds)',
  defaultTimeoutSec: '`timeout` when left out (seconds)',
  extendedDataMaxBytes: 'bytes of UTF-8 in any `extendedData` a client sends',
  notReceivedCheckMs: 'ms without any acknowledgement before an invitee is NotYetReceived',
  maxListCount: 'largest `count` of `queryCallInvitationList`',
  maxAllowList: 'users on a DND allow-list',
};
