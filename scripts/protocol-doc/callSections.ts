// The sections of docs/protocol.md about calls and the reference: the call model, media, every request
// and push with its example, the named types, and the differences from ZIM.
import { ADVANCED_ONLY_APIS, API_ALLOWED_STATES, EVENT_AUDIENCE, type StateCheckedApi, type TableEvent } from '../../src/shared/call/tables.ts';
import { DEVICE_NAMES, EXAMPLE_SENDERS, PUSH_EXAMPLES, REQUEST_EXAMPLES, examplePushFrame, exampleRequestFrame, exampleResponseFrame } from '../../src/shared/protocol/examples.ts';
import {
  CALL_USER_STATES,
  CallEndReasonSchema,
  CallOutcomeSchema,
  LIMITS,
  PUSHES,
  PUSH_TYPES,
  REQUESTS,
  REQUEST_TYPES,
  SFU_LIMITS,
  type CallEndReason,
  type CallOutcome,
  type CallUserState,
  type RequestType,
} from '../../src/shared/protocol/index.ts';
import { SFU_LIMIT_DOCS, sfuIntro } from './sfu.ts';
import { DEFAULTS, sweepMs } from './facts.ts';
import { fieldTable, typesSection } from './fields.ts';
import { code, json, link, seconds, table } from './markdown.ts';
import { END_REASON_DOCS, LIMIT_DOCS, OUTCOME_DOCS, PUSH_DOCS, REQUEST_DOCS, USER_STATE_DOCS } from './prose.ts';

export function callModel(): string {
  const stateRows = CALL_USER_STATES.map((s) => [code(s), s === 'accepted' ? 'active' : ['inviting', 'received', 'notYetReceived'].includes(s) ? 'pending, active' : '—', USER_STATE_DOCS[s]]);
  const check = (set: ReadonlySet<CallUserState>, s: CallUserState): string => (set.has(s) ? '✓' : '·');
  const apiRows = (Object.keys(API_ALLOWED_STATES) as StateCheckedApi[]).map((api) => [
    code(api) + (ADVANCED_ONLY_APIS.has(api) ? ' (advanced)' : ''),
    ...CALL_USER_STATES.map((s) => check(API_ALLOWED_STATES[api], s)),
  ]);
  apiRows.push([`${code('callJoin')} (advanced)`, ...CALL_USER_STATES.map(() => '✓')]);
  const eventRows = (Object.keys(EVENT_AUDIENCE) as TableEvent[]).map((ev) => [code(ev), ...CALL_USER_STATES.map((s) => check(EVENT_AUDIENCE[ev], s))]);
  return `## The call model

### Calls

A call has a server-made \`callID\`, an \`inviter\`, a \`mode\`, a \`timeout\` (seconds, ${LIMITS.minTimeoutSec}–${LIMITS.maxTimeoutSec}, default ${LIMITS.defaultTimeoutSec}), the inviter's \`extendedData\`, a \`callState\` (\`started\` until it ends, then \`ended\`), \`createdAt\`, \`endedAt\` and \`endReason\`, and its members (\`users\`), each with a user state, their last \`extendedData\` (from \`callInvite\` for the inviter, then from accept, reject, join or quit), who invited them, the reason of a rejection and, while pending, their \`delivery\`. See ${link('CallInfo')}. Started calls are stored and survive a server restart.

### Call versions

Every change to a call increases its \`version\` by one, a new call having version 1; that includes changes nobody is told about (a repeated \`callAck\`, a device of a member who is not ringing signing in or out), so the versions one member sees can skip numbers. Every \`CallInfo\` and every push about a call (except \`callRecord\`) carries the version it shows. A response and a push caused by someone else's request can cross on the wire, so keep the highest version seen per call and drop a result or push that is older (the Ringdesk client does).

### User states

${table(['state', 'kind', 'meaning'], stateRows)}

"Pending" states are ringing states; "active" members (pending or Accepted) count against the limit of ${LIMITS.maxParticipants} participants.

### Modes

- **normal** (default): the inviter rings one or more invitees (at least one). Members may \`callCancel\`, \`callAccept\`, \`callReject\`, \`callAck\` and \`callEnd\`. After someone accepts, the call stays started until an Accepted member sends \`callEnd\` or an Accepted member is lost. \`callingInvite\`, \`callJoin\` and \`callQuit\` are refused with \`advanced_only\`.
- **advanced**: also \`callingInvite\` (Accepted members call more people in), \`callJoin\` (members come back, or move the call to another device) and \`callQuit\` (leave; the call goes on while someone is Accepted). An advanced call may start with no invitees: a room people are called into later.

### Who may do what

A request a user's state does not allow is refused with \`state_forbids\` (mode, membership and whether the call ended are checked first). \`callInvite\` does not depend on a call state: the sender only must not be Accepted in a started call. \`callCancel\` does not depend on the sender's state (see the request).

${table(['request', ...CALL_USER_STATES.map(code)], apiRows)}

### Who hears what

Who gets an event is decided by each member's state **before** the change it reports. So a user hears its own accept, decline, cancellation or quit as \`callUserStateChanged\`, and a Received invitee whose timeout passes hears it only as \`callUserStateChanged\` (the Ringdesk client turns that into its timeout event). \`callDeliveryChanged\` goes to the \`callUserStateChanged\` audience minus the invitee it is about.

${table(['push', ...CALL_USER_STATES.map(code)], eventRows)}

### Timeouts and NotYetReceived

Each invitee has its own deadline: the call's \`timeout\` from the moment it was invited (\`callingInvite\` starts a new one). When it passes while the invitee is pending, the invitee becomes Timeout. ${seconds(LIMITS.notReceivedCheckMs)} after the invitation, an invitee still Inviting (no device acknowledged) becomes NotYetReceived; both changes reach the others as \`callUserStateChanged\`. The server keeps one timer per call at its earliest deadline and re-arms it from the stored deadlines after a restart.

### Devices and delivery

- Until a user accepts, declines or joins, pushes about the call go to **every** signed-in device of the user, and all of them ring. Each ringing device sends \`callAck\`; the others see \`delivery\` (\`online\`: some device of the invitee is signed in; \`ringingDevices\`: devices that acknowledged and are still connected) in ${link('CallInfo')} and in \`callDeliveryChanged\`. \`delivery\` is \`null\` for members who are not pending.
- An invitee who is offline when invited gets \`callInvitationReceived\` when a device signs in within the timeout (if still Inviting or NotYetReceived); after the timeout it is not rung, and finds the missed call with \`queryCallInvitationList\`.
- The device that invites, accepts, declines or joins becomes the user's **main device**: further pushes about that call go only to it. The user's other devices get \`handledOnOtherDevice\` at once (action \`accepted\`, \`rejected\` or \`joined\`, with the device's id and name) and can read the call with the query requests. In advanced mode \`callJoin\` from another device moves the main device. \`callInvitationCreated\` and \`callRecord\` go to every device.

### Busy and do-not-disturb

Decided when an invitation is sent (\`callInvite\`, \`callingInvite\`), not later:
- An invitee who is **Accepted in another started call** (the inviter of a call counts as Accepted in it) is Rejected at once with reason \`busy\`. Being only invited elsewhere is not busy. \`callAccept\` and \`callJoin\` are not checked.
- An invitee with **DND** on is Rejected at once with reason \`dnd\`, unless the inviter is on their allow-list.
- The caller sees these invitees Rejected (with the reason) in the result and in \`callInvitationCreated\`/\`callUserStateChanged\`; the invitee is not rung. The call record says \`busy\` or \`dnd\`.
- A caller who is Accepted in a started call cannot \`callInvite\` (\`already_in_call\`).

### How a call ends

A call ends by \`callEnd\`, or by itself:
- **Nobody accepted and nobody is pending** (both modes): after the last decline, timeout or cancellation of a call in which no invitee ever accepted. A call whose only member is its inviter (an advanced room created with no invitees) stays open.
- **Advanced: no Accepted member is left**, after quits or lost members.
- **A member is lost** (next section).

When it ends, every member who was Inviting, NotYetReceived, Received or Accepted gets \`callInvitationEnded\`, every member gets \`callRecord\`, and user states stay as they were.

${table(['endReason', 'meaning'], (CallEndReasonSchema.options as readonly CallEndReason[]).map((r) => [code(r), END_REASON_DOCS[r]]))}

### Lost connections

When a connection closes (the client closed it, the network failed, or the server dropped it for silence) and it was the **main device** of a member who is **Accepted or the inviter**, the server waits a grace period equal to \`heartbeatTimeoutMs\` (default ${seconds(DEFAULTS.heartbeatTimeoutMs)}). If by then the same device has not signed in again (nor has \`callJoin\` moved the call to a connected device), the member is **lost**:
- the **inviter, while no invitee has ever accepted**: every pending invitee is cancelled (\`callInvitationCancelled\`, \`callUserStateChanged\`) and the call ends with reason \`callerLost\`;
- an **Accepted member in advanced mode** becomes Quit; if no Accepted member is left, the call ends with \`everyoneLeft\`;
- an **Accepted member in normal mode**: the call ends with reason \`connectionLost\` (\`caller\` is \`null\`).

\`logout\` skips the grace period. A connection that goes silent is first dropped after \`heartbeatTimeoutMs\` of silence (checked every ${seconds(sweepMs)}), so with the defaults a member whose network dies silently is lost ${seconds(2 * DEFAULTS.heartbeatTimeoutMs)}–${seconds(2 * DEFAULTS.heartbeatTimeoutMs + sweepMs)} after its last frame. Pending invitees are never lost: their timeout runs on, and only their \`delivery\` changes. After a server restart, every Accepted member and inviter of a started call gets the grace period to reconnect.

### Call records

Every ended call yields one ${link('CallRecord')}, stored on the server and pushed to every member (\`callRecord\`): \`durationMs\` from the first accept to the end (0 when nobody accepted), the end reason, and per member their role, outcome and the device that answered or declined (\`deviceId\`, \`null\` if none; for the inviter, the calling device). A client shows "answered on another device" when the outcome is \`answered\` and \`deviceId\` is not its own.

${table(['outcome', 'meaning'], (CallOutcomeSchema.options as readonly CallOutcome[]).map((o) => [code(o), OUTCOME_DOCS[o]]))}

### Limits

${table(['limit', 'value', 'meaning'], (Object.keys(LIMITS) as (keyof typeof LIMITS)[]).map((k) => [code(k), String(LIMITS[k]), LIMIT_DOCS[k]]))}`;
}

export function media(): string {
  return sfuIntro(table(['limit', 'value', 'meaning'], (Object.keys(SFU_LIMITS) as (keyof typeof SFU_LIMITS)[]).map((k) => [code(k), String(SFU_LIMITS[k]), SFU_LIMIT_DOCS[k]])));
}

function sender(type: RequestType): string {
  const s = EXAMPLE_SENDERS[type];
  return `${s.userId} on ${code(s.deviceId)} (${DEVICE_NAMES[s.deviceId] ?? s.deviceId})`;
}

export function requests(): string {
  const body = REQUEST_TYPES.map((t) =>
    [
      `### \`${t}\``,
      '',
      REQUEST_DOCS[t].text,
      '',
      '**data**',
      '',
      fieldTable(`${t}.data`, REQUESTS[t].data, 'input'),
      '',
      '**result**',
      '',
      fieldTable(`${t}.result`, REQUESTS[t].result, 'output'),
      '',
      `**Example**: ${REQUEST_EXAMPLES[t].note} Sent by ${sender(t)}:`,
      '',
      json(exampleRequestFrame(t)),
      '',
      json(exampleResponseFrame(t)),
    ].join('\n'),
  );
  return `## Requests

Every request is answered with its \`result\` or an error. Requests about a call (\`callID\`) also fail with \`call_not_found\`, \`call_ended\` or \`not_a_member\`; any request can fail with the envelope errors (${link('Errors')}).

${body.join('\n\n')}`;
}

export function pushes(): string {
  const body = PUSH_TYPES.map((t) =>
    [`### \`${t}\``, '', PUSH_DOCS[t], '', fieldTable(`${t}.push`, PUSHES[t], 'output'), '', `**Example**: ${PUSH_EXAMPLES[t].note}`, '', json(examplePushFrame(t))].join('\n'),
  );
  return `## Pushes

Server → client frames without an \`id\`. Every push is delivered only to connections signed in at that moment.

${body.join('\n\n')}`;
}

export function types(): string {
  return `## Types

Types used in more than one place.

${typesSection()}`;
}

export function zimDifferences(): string {
  return `## Where Ringdesk differs from ZIM

Ringdesk follows ZIM's call invitations (modes, user states, the API × state and event × state tables above). Where it differs:

- **Normal calls stay started after an accept**, until an Accepted member sends \`callEnd\` (or is lost); in ZIM a normal call ends once every invitee has answered. \`callEnd\` therefore works in both modes, while \`callQuit\`, \`callingInvite\` and \`callJoin\` stay advanced-only. The mode is checked before the state: \`callQuit\` in a normal call is \`advanced_only\`, not \`state_forbids\`.
- **A call ends by itself when nobody ever accepted and no invitee is still pending**, in both modes; the only exception is an advanced call whose only member is its creator (an empty room). An advanced call also ends when no Accepted member is left (reason \`everyoneLeft\`).
- **Lost connections** (grace period \`heartbeatTimeoutMs\`, default ${seconds(DEFAULTS.heartbeatTimeoutMs)}, after the connection is gone; a silent connection is first dropped after the same time): the inviter before anyone accepted → the call is cancelled (\`callerLost\`); an Accepted member → Quit (advanced) or the call ends with reason \`connectionLost\` (normal).
- **\`callCancel\`** is allowed only to the user who invited those invitees, and only while no user they invited to the call has accepted (\`already_answered\` even if the targets themselves have not answered). It works in both modes and for any member who invited someone with \`callingInvite\`.
- **The ${LIMITS.maxParticipants}-participant limit counts active members** (pending or Accepted), not everyone ever invited; members who declined, timed out, were cancelled or quit free their place. Busy or DND invitees in a \`callingInvite\` count for that check even though they end up Rejected.
- **Event audience is decided by each user's state before the event**: a cancelled or rejected invitee also hears its own \`callUserStateChanged\`; a Received invitee learns of its timeout from \`callUserStateChanged\`, and the Ringdesk client synthesizes \`callInvitationTimeout\` from it.
- **\`callJoin\` is for members**: users who were never in the call get \`not_a_member\`.
- **Additions** from other SDKs: \`callAck\` and \`delivery\` (an explicit acknowledgement drives Received; NotYetReceived after ${seconds(LIMITS.notReceivedCheckMs)}), \`handledOnOtherDevice\` (netcall's callerAckSync), busy and DND answered by the server with a reason (CloudRoom), \`callRecord\`, presence, \`queryActiveCalls\` and call \`version\`s.
- **Disabled accounts**: live connections are closed (4403) within \`revocationPollMs\`; a \`resume\` or a \`login\` with the right password gets \`account_disabled\` and close 4403.
- **Offline push notifications** (ZIM's pushConfig) do not exist: an offline invitee is rung only when a device signs in within the timeout.`;
}
