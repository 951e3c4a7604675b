#!/usr/bin/env node
// Writes docs/protocol.md: `npm run docs:protocol`. The schemas, limits, tables, server defaults and
// examples are read from the code; the prose lives here, keyed by type so a new request, push,
// error code or close code does not compile until it is documented. examples.test.ts checks the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ServerConfigSchema } from '../server/config.ts';
import { DRAIN_RECONNECT_WINDOW_MS } from '../server/drain/Drain.ts';
import { LANE_REQUESTS } from '../server/transport/RequestLane.ts';
import { ADVANCED_ONLY_APIS, API_ALLOWED_STATES, EVENT_AUDIENCE, type StateCheckedApi, type TableEvent } from '../src/shared/call/tables.ts';
import { ERROR_CODES, type ErrorCode } from '../src/shared/errors.ts';
import {
  CLOSE_CODES as CLOSE,
  CALL_USER_STATES,
  CallEndReasonSchema,
  CallIdSchema,
  CallInfoSchema,
  CallModeSchema,
  CallOutcomeSchema,
  CallRecordSchema,
  CallStateSchema,
  CallUserInfoSchema,
  CallUserStateSchema,
  DirectoryUserSchema,
  UserPageSchema,
  DeliverySchema,
  DeviceIdSchema,
  DndStatusSchema,
  ExtendedDataSchema,
  LIMITS,
  PRE_AUTH_REQUESTS,
  PROTOCOL_VERSION,
  PUSHES,
  PUSH_TYPES,
  PresenceSchema,
  REQUESTS,
  REQUEST_TYPES,
  RejectReasonSchema,
  AppDataSchema,
  DtlsParametersSchema,
  ProducerInfoSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  SFU_LIMITS,
  UserIdSchema,
  type CallEndReason,
  type CallOutcome,
  type CallUserState,
  type PushType,
  type RequestType,
} from '../src/shared/protocol/index.ts';
import { DIRECTORY_ERROR_MEANINGS, DIRECTORY_PUSH_DOCS, DIRECTORY_REQUEST_DOCS, directorySection } from './protocolDocDirectory.ts';
import { SFU_ERROR_MEANINGS, SFU_LIMIT_DOCS, SFU_PUSH_DOCS, SFU_REQUEST_DOCS, sfuIntro } from './protocolDocSfu.ts';
import {
  DEVICE_NAMES,
  ERROR_EXAMPLES,
  EXAMPLE_SENDERS,
  PUSH_EXAMPLES,
  REQUEST_EXAMPLES,
  examplePushFrame,
  exampleRequestFrame,
  exampleResponseFrame,
} from '../src/shared/protocol/examples.ts';

const ROOT = new URL('../', import.meta.url);
export const PROTOCOL_DOC_PATH = 'docs/protocol.md';

/** Reads a file of this repository (for the staleness and drift checks in the tests). */
export function readRepoFile(relPath: string): string {
  return readFileSync(new URL(relPath, ROOT), 'utf8');
}

/**
 * Server constants that are not exported. The test reads them from the server's source and fails
 * when they drift from these.
 */
export const SERVER_FACTS = {
  /** ClientConnection.ts MAX_FAILED_LOGINS */
  maxFailedLogins: 5,
  /** ClientConnection.ts MAX_RATE_VIOLATIONS */
  maxRateViolations: 200,
  /** app.ts HARD_FRAME_CAP: ws's maxPayload */
  hardFrameCapBytes: 1024 * 1024,
  /** app.ts PRESENCE_FLUSH_MS */
  presenceFlushMs: 100,
} as const;

const DEFAULTS = ServerConfigSchema.parse({});
const sweepMs = Math.max(100, Math.floor(DEFAULTS.heartbeatTimeoutMs / 4));

// ---- markdown helpers ------------------------------------------------------------------------

const code = (s: string | number): string => `\`${s}\``;
const json = (v: unknown): string => ['```json', JSON.stringify(v, null, 2), '```'].join('\n');
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
const link = (text: string, heading = text): string => `[${text}](#${slug(heading)})`;
const seconds = (ms: number): string => `${ms / 1000} s`;

function table(headers: string[], rows: string[][]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

// ---- field tables from the schemas -----------------------------------------------------------

/** Named types: each is documented once, in "Types", and linked from every table that uses it. */
const NAMED_TYPES: [string, z.ZodType, string][] = [
  ['UserId', UserIdSchema, 'A user id: 1–64 characters, lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit.'],
  ['DeviceId', DeviceIdSchema, 'Chosen by the client, stable per installation: 1–64 characters, letters, digits, `_`, `-`. Tokens are bound to it.'],
  ['CallId', CallIdSchema, 'Made by the server (a UUID today); clients treat it as opaque: 1–64 characters, letters, digits, `_`, `-`.'],
  ['ExtendedData', ExtendedDataSchema, `Free text the app passes along (often JSON), at most ${LIMITS.extendedDataMaxBytes} bytes of UTF-8.`],
  ['CallMode', CallModeSchema, `See ${link('Modes')}.`],
  ['CallState', CallStateSchema, 'A call is `started` until it ends; an ended call never starts again.'],
  ['CallUserState', CallUserStateSchema, `See ${link('User states')}.`],
  ['RejectReason', RejectReasonSchema, `Why an invitee is Rejected: \`declined\` by a person, or answered by the server: \`busy\`, \`dnd\`. See ${link('Busy and do-not-disturb')}.`],
  ['CallEndReason', CallEndReasonSchema, `See ${link('How a call ends')}.`],
  ['CallOutcome', CallOutcomeSchema, `See ${link('Call records')}.`],
  ['Presence', PresenceSchema, 'Online when at least one device of the user is signed in.'],
  ['Delivery', DeliverySchema, 'What the others see of a pending invitee: whether any device is signed in, and how many devices acknowledged the invitation and are ringing.'],
  ['CallUserInfo', CallUserInfoSchema, 'One member of a call as everyone sees it.'],
  ['CallInfo', CallInfoSchema, 'A call as the server sends it. `users` lists the inviter first, then invitees in the order they were invited.'],
  ['CallRecord', CallRecordSchema, `The record of an ended call. See ${link('Call records')}.`],
  ['DndStatus', DndStatusSchema, `Do-not-disturb settings. \`allowList\`: at most ${LIMITS.maxAllowList} users whose calls still ring.`],
  ['DirectoryUser', DirectoryUserSchema, 'An account as the directory, favorites, recents and presence snapshots show it.'],
  ['UserPage', UserPageSchema, `One page of users. See ${link('Directory and presence')}.`],
  ['Session', REQUESTS.login.result, 'What `login` and `resume` return.'],
  ['RtpCapabilities', RtpCapabilitiesSchema, "mediasoup's RtpCapabilities: what a router offers or a device can receive. Unknown fields are kept."],
  ['RtpParameters', RtpParametersSchema, "mediasoup's RtpParameters: what a producer sends or a consumer receives. Unknown fields are kept."],
  ['DtlsParameters', DtlsParametersSchema, "mediasoup's DtlsParameters."],
  ['AppData', AppDataSchema, `A flat object of strings, numbers and booleans, at most ${SFU_LIMITS.maxAppDataBytes} bytes as JSON.`],
  ['ProducerInfo', ProducerInfoSchema, 'A producer in a room, as the other members see it.'],
];
const registry = z.registry<{ id: string }>();
for (const [id, schema] of NAMED_TYPES) registry.add(schema, { id });
const nameOf = (schema: z.ZodType): string | undefined => registry.get(schema)?.id;

/** The JSON Schema keywords the tables read. */
interface JS {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JS[];
  items?: JS;
  properties?: Record<string, JS>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  $defs?: Record<string, JS>;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JS {
  return z.toJSONSchema(schema, { io, metadata: registry }) as JS; // JSON Schema; JS names the keywords we read
}

const refName = (ref: string): string => ref.split('/').at(-1) ?? ref;
const SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(s: JS): string {
  if (s.$ref) return link(refName(s.$ref));
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.enum) return s.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'unknown'}[]`;
  return s.type ?? 'unknown';
}

function range(min: number | undefined, max: number | undefined, what: string): string | null {
  const lo = min !== undefined && Math.abs(min) < SAFE ? min : undefined;
  const hi = max !== undefined && Math.abs(max) < SAFE ? max : undefined;
  if (lo !== undefined && hi !== undefined) return `${what}${lo}–${hi}`;
  if (lo !== undefined) return `${what}≥ ${lo}`;
  if (hi !== undefined) return `${what}≤ ${hi}`;
  return null;
}

function constraints(s: JS): string[] {
  const parts = (s.anyOf ?? [s]).flatMap((m) => [
    range(m.minimum, m.maximum, ''),
    range(m.minLength, m.maxLength, 'length '),
    range(m.minItems, m.maxItems, 'items: '),
    m.pattern && !m.$ref ? `pattern ${code(m.pattern)}` : null,
  ]);
  if (s.default !== undefined) parts.push(`default ${code(JSON.stringify(s.default))}`);
  return parts.filter((p): p is string => p !== null);
}

/** An object nested in place (not a named type), to be expanded into dotted rows. */
function inlineObject(s: JS): { schema: JS; suffix: string } | null {
  if (s.properties) return { schema: s, suffix: '.' };
  if (s.type === 'array' && s.items?.properties) return { schema: s.items, suffix: '[].' };
  const obj = s.anyOf?.find((m) => m.properties);
  return obj ? { schema: obj, suffix: '.' } : null;
}

type FieldRow = { path: string; type: string; required: boolean; notes: string[] };

function fieldRows(s: JS, prefix = ''): FieldRow[] {
  return Object.entries(s.properties ?? {}).flatMap(([name, p]) => {
    const path = `${prefix}${name}`;
    const row: FieldRow = { path, type: typeOf(p), required: s.required?.includes(name) ?? false, notes: constraints(p) };
    const nested = inlineObject(p);
    return [row, ...(nested ? fieldRows(nested.schema, `${path}${nested.suffix}`) : [])];
  });
}

/** Notes that the schema cannot say (refinements, meaning). Keys: `<type>.<data|result>.<path>`; unused keys throw. */
const FIELD_NOTES: Record<string, string> = {
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
const usedNotes = new Set<string>();

/** The schema's JSON Schema, with a named root (which comes back as a `$ref`) resolved. */
function resolved(schema: z.ZodType, io: 'input' | 'output'): JS {
  const s = jsonSchema(schema, io);
  return s.$ref ? (s.$defs?.[refName(s.$ref)] ?? s) : s;
}

function fieldTable(key: string, schema: z.ZodType, io: 'input' | 'output'): string {
  const named = nameOf(schema);
  return named ? `Same as ${link(named)}.` : rowsTable(key, resolved(schema, io), io);
}

function rowsTable(key: string, s: JS, io: 'input' | 'output'): string {
  const rows = fieldRows(s);
  if (rows.length === 0) return io === 'input' ? 'No fields: send `{}` (or leave `data` out).' : 'No fields: `{}`.';
  const withNotes = rows.map((r) => {
    const note = FIELD_NOTES[`${key}.${r.path}`] ?? (r.path === 'version' ? `see ${link('Call versions')}` : undefined);
    if (note) usedNotes.add(`${key}.${r.path}`);
    return { ...r, notes: note ? [...r.notes, note] : r.notes };
  });
  if (io === 'input') return table(['field', 'type', 'required', 'notes'], withNotes.map((r) => [code(r.path), r.type, r.required ? 'yes' : 'no', r.notes.join('; ')]));
  return table(['field', 'type', 'notes'], withNotes.map((r) => [code(r.path), r.type, r.notes.join('; ')]));
}

function typesSection(): string {
  return NAMED_TYPES.map(([id, schema, description]) => {
    const s = resolved(schema, 'output');
    const body = s.properties
      ? rowsTable(`type.${id}`, s, 'output')
      : s.enum
        ? `One of ${typeOf(s)}.`
        : `${s.type ?? 'value'}${constraints(s).length ? `, ${constraints(s).join('; ')}` : ''}.`;
    return [`### ${id}`, '', description, '', body].join('\n');
  }).join('\n\n');
}

// ---- prose keyed by type ---------------------------------------------------------------------

const ERROR_MEANINGS: Record<ErrorCode, { by: 'server' | 'client' | 'both'; meaning: string }> = {
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

function ordinal(n: number): string {
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
}

const CLOSE_DOCS: Record<keyof typeof CLOSE, { reason: string; when: string; then: string }> = {
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

const REQUEST_DOCS: Record<RequestType, RequestDoc> = {
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

const PUSH_DOCS: Record<PushType, string> = {
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

const USER_STATE_DOCS: Record<CallUserState, string> = {
  inviting: 'Invited; no device has acknowledged yet.',
  received: 'At least one device acknowledged (`callAck`) and is ringing.',
  notYetReceived: `No device acknowledged within ${seconds(LIMITS.notReceivedCheckMs)} of the invitation (offline, or a client that does not acknowledge). An acknowledgement later still makes it Received.`,
  accepted: 'In the call. The inviter starts Accepted.',
  rejected: 'Declined (`reason: "declined"`), or answered by the server: `busy`, `dnd`.',
  cancelled: 'The invitation was withdrawn (`callCancel`, or the inviter was lost before anyone accepted).',
  timeout: "Nobody answered within the call's `timeout`.",
  quit: 'Left an advanced call (`callQuit`, or lost while Accepted).',
};

const END_REASON_DOCS: Record<CallEndReason, string> = {
  allAnswered: 'Ended by itself: nobody is pending any more and no invitee ever accepted (the last one declined, timed out, or every invitee was busy or in DND).',
  cancelled: 'Ended by itself after a `callCancel` left nobody pending, with no invitee ever having accepted.',
  callerLost: 'The inviter was lost before any invitee accepted; pending invitees were cancelled.',
  connectionLost: 'Normal mode: an Accepted member was lost.',
  ended: 'A member sent `callEnd` (`caller` says who).',
  everyoneLeft: 'Advanced mode: no Accepted member is left (they quit or were lost).',
};

const OUTCOME_DOCS: Record<CallOutcome, string> = {
  answered: 'Invitee: accepted at some point (a later Quit keeps it). Inviter: some invitee accepted.',
  missed: 'Invitee: never answered (still pending when the call ended, or timed out).',
  rejected: 'Invitee: declined.',
  cancelled: 'Invitee: the invitation was withdrawn. Inviter: the call ended `cancelled` or `callerLost`.',
  busy: 'Invitee: was in another call when invited.',
  dnd: 'Invitee: was in DND and had not allow-listed the inviter.',
  noAnswer: 'Inviter: no invitee accepted and the inviter did not cancel.',
};

const LIMIT_DOCS: Record<keyof typeof LIMITS, string> = {
  maxInviteesPerRequest: 'invitees in one `callInvite`, `callingInvite` or `callCancel`',
  maxParticipants: 'active (pending or Accepted) members of one call, the inviter included',
  minTimeoutSec: 'smallest `timeout` (seconds)',
  maxTimeoutSec: 'largest `timeout` (seconds)',
  defaultTimeoutSec: '`timeout` when left out (seconds)',
  extendedDataMaxBytes: 'bytes of UTF-8 in any `extendedData` a client sends',
  notReceivedCheckMs: 'ms without any acknowledgement before an invitee is NotYetReceived',
  maxListCount: 'largest `count` of `queryCallInvitationList`',
  maxAllowList: 'users on a DND allow-list',
};

// ---- sections --------------------------------------------------------------------------------

function intro(): string {
  return `# Ringdesk signaling protocol

<!-- Generated by scripts/gen-protocol-doc.ts from src/shared/protocol/ (schemas and examples.ts), src/shared/call/tables.ts and the server's defaults. Do not edit by hand: change those and run \`npm run docs:protocol\`. src/shared/protocol/examples.test.ts fails when this file is out of date. -->

The wire protocol between Ringdesk clients and the signaling server, **protocol version ${PROTOCOL_VERSION}**. The zod schemas in \`src/shared/protocol/\` are the definition; this page is generated from them. Every example below is parsed with those schemas in the tests, and the call examples are replayed through the call state machine, so they are exactly what the server sends. The call model follows ZEGO ZIM's call invitations; ${link('Where Ringdesk differs from ZIM')} lists the differences.

**The examples tell one story.** alice (device \`alice-laptop\`) calls bob and carol at 10:00 on 2026-01-01 (\`createdAt\` ${REQUEST_EXAMPLES.callInvite.result.call.createdAt}) in normal mode. bob rings on two devices, \`bob-desktop\` and \`bob-laptop\`; carol is offline at first and signs in on \`carol-laptop\` 7 s later. alice cancels carol, bob answers on his desktop, and hangs up after about three minutes. An hour later bob opens an advanced-mode call with alice; alice calls carol in, carol joins, alice leaves. Times are milliseconds since the Unix epoch (UTC).

## Contents

${[
  'Transport',
  'Versioning',
  'Frames',
  'Authentication and sessions',
  'Heartbeat',
  'Rate limit',
  'Close codes',
  'Errors',
  'The call model',
  'Directory and presence',
  'Media (SFU)',
  'Requests',
  'Pushes',
  'Types',
  'Where Ringdesk differs from ZIM',
]
  .map((h, i) => `${i + 1}. ${link(h)}`)
  .join('\n')}`;
}

function transport(): string {
  return `## Transport

- One WebSocket per signed-in device, at path \`/ws\`: \`ws://HOST:PORT/ws\` (default \`ws://${DEFAULTS.host}:${DEFAULTS.port}/ws\`). The server itself speaks plain HTTP; \`GET /healthz\` answers \`{"ok":true,"connections":…,"activeCalls":…}\`, any other HTTP request gets 426.
- Every frame is a **text** frame holding one JSON object, UTF-8. Binary frames are refused (\`bad_request\`, "binary frames are not accepted"). Per-message compression is off.
- **Size cap.** A frame larger than \`maxFrameBytes\` (default ${DEFAULTS.maxFrameBytes} bytes; configurable up to 1 MiB) is answered with \`frame_too_large\` and \`id: null\`. A frame larger than ${SERVER_FACTS.hardFrameCapBytes} bytes is not answered: the WebSocket library closes the connection with 1009.
- **Before sign-in** any bad frame is answered and the connection is closed (4400, or 4401 for a request that needs sign-in). **After sign-in** a bad frame only gets an error response; the session goes on.
- When the server process stops (SIGTERM drains it first, SIGINT stops at once) it closes connections with 4307 (${link('Close codes')}) and keeps started calls; clients reconnect and \`resume\`. A crash drops them without a close frame (1006).`;
}

function versioning(): string {
  return `## Versioning

The protocol version is an integer, now **${PROTOCOL_VERSION}**, bumped on any incompatible change. \`login\` and \`resume\` carry \`protocolVersion\`; the server checks it before the credentials and requires it to be equal to its own. On a mismatch it answers \`unsupported_version\` ("server speaks protocol ${PROTOCOL_VERSION}, client sent 2") and does not sign the connection in. It does not close it either: the connection stays unauthenticated until the auth deadline closes it with 4401. There is no negotiation; a client should stop and tell the user to update (the Ringdesk client treats it as final).

Receivers validate what they get. Unknown fields in an object are ignored (dropped) by both sides. The Ringdesk client reports a push of an unknown \`type\` as a protocol error and ignores it.`;
}

function frames(): string {
  const login = exampleRequestFrame('login');
  return `## Frames

${table(
  ['frame', 'direction', 'shape'],
  [
    ['request', 'client → server', '`{ "id", "type", "data" }`'],
    ['success response', 'server → client', '`{ "id", "result" }`'],
    ['error response', 'server → client', '`{ "id", "error": { "code", "message" } }`'],
    ['push', 'server → client', '`{ "type", "data" }`: no `id`'],
  ],
)}

- \`id\`: chosen by the client, an integer ≥ 0 or a string of 1–64 characters, echoed in the response. Use a new one per request (the Ringdesk client counts up from 1). When the server could not read the id (not JSON, too large, binary, or a bad \`id\`), the error response has \`"id": null\`.
- **Put \`id\` first, as an integer**, as in the examples: a frame refused by the ${link('Rate limit')} is not parsed, and its \`rate_limited\` response carries the id only when the frame starts with \`{"id":<digits>\` (whitespace allowed, at most 15 digits); otherwise \`"id": null\`.
- \`type\`: the request type, at most 64 characters. See ${link('Requests')}.
- \`data\`: an object, validated against the request's schema. It may be left out when no field is required (it then counts as \`{}\`).
- Requests run concurrently, so **responses may come in a different order than the requests**: match them by \`id\`. They start in the order they arrived on their connection. Signing in and the list reads (${[...LANE_REQUESTS].map((t) => `\`${t}\``).join(', ')}) may wait in a queue behind calling while many people sign in at once (a reconnect storm); calling requests of signed-in users do not wait behind them, unless sent behind one of their own connection's queued requests.
- For call requests, the **pushes a request causes are sent before its response** (the server sends them as part of the state change, then answers). For \`login\`/\`resume\` the response comes first.
- An error response's \`message\` is for people; programs use \`code\` (${link('Errors')}).

A request and its response (the example of \`login\`):

${json(login)}

${json(exampleResponseFrame('login'))}`;
}

function auth(): string {
  return `## Authentication and sessions

- **Sign in by first message.** A new connection must send \`login\` (user id and password) or \`resume\` (a saved token) within \`authTimeoutMs\` (default ${seconds(DEFAULTS.authTimeoutMs)}), or it is closed with 4401 ("authentication timeout"). Only ${[...PRE_AUTH_REQUESTS].map((t) => code(t)).join(' and ')} are allowed before sign-in; anything else gets \`unauthenticated\` and close 4401. After sign-in both get \`already_authenticated\`; a second one sent while the first is still being checked gets \`bad_request\`.
- **Device.** Both carry \`deviceId\` (stable per installation), \`deviceName\` (shown on the user's other devices) and \`protocolVersion\`. A user may be signed in on several devices at once. Signing in as the same user with a device id that already has a connection replaces that connection: it gets \`sessionClosed\` (\`replaced\`) and close 4409.
- **Tokens.** Both answer with a ${link('Session')}: a new \`token\` and its \`expiresAt\`, \`tokenTtlSec\` after issue (default ${DEFAULTS.tokenTtlSec / 86_400} days). Tokens are opaque to clients (HMAC-signed by the server), **bound to the user and the device id**: \`resume\` with another device id gets \`token_invalid\`. Every sign-in issues a new token and **\`resume\` rotates it**: once the new token has been used, the one before it stops working after \`tokenRotationGraceSec\` (default ${DEFAULTS.tokenRotationGraceSec} s), so always keep the newest. \`expiresAt\` slides (\`tokenTtlSec\` after each renewal) but never past \`tokenMaxLifetimeSec\` (default ${DEFAULTS.tokenMaxLifetimeSec / 86_400} days) after the password sign-in; then \`resume\` gets \`token_invalid\` and the user signs in again.
- **Revocation.** \`logout\` revokes every token of that device issued up to then. \`signOutEverywhere\` (or the admin's \`user signout\`) and a password change void every token of the user issued before it; so does disabling or enabling the account. **Revocation reaches live connections**: the server closes them within about ${seconds(DEFAULTS.revocationPollMs)} (\`revocationPollMs\`) even when the change was made by an admin command in another process on the same database: 4403 for a disabled account, 4410 for a password change or sign out everywhere, each after a \`sessionClosed\` push saying why.
- **Failed sign-ins.** \`auth_failed\` does not close the connection, but the ${ordinal(SERVER_FACTS.maxFailedLogins)} on one connection closes it with 4401 ("too many failed sign-ins"). Across connections, failures are counted per client address and per account (only against the addresses that failed on it): after ${DEFAULTS.authThrottle.freeFailures} failures, \`login\` gets \`auth_throttled\` with \`retryAfterMs\` and the password is not checked. The user signing in from a clean address is not held back by an attack on the account. \`token_invalid\` and \`unsupported_version\` leave the connection open for a \`login\` until the auth deadline.
- **Disabled accounts.** Disabling an account (\`user disable\`, also from another process beside the running server) closes the user's live connections with a \`sessionClosed\` (\`accountDisabled\`) push and 4403. Others can no longer call the user (\`errorInvitees\` reason \`unknown\`), and the directory (\`directorySearch\`, favorites, recents) leaves the user out. A \`resume\` with a saved token gets \`account_disabled\` and close 4403; so does a \`login\` with the right password (a wrong one gets \`auth_failed\`).
- **After sign-in** the server does not replay pushes missed while offline. It rings this device for started calls in which the user is still Inviting or NotYetReceived (\`callInvitationReceived\`); for everything else a client re-reads \`queryActiveCalls\` after every (re)connect.`;
}

function heartbeat(): string {
  return `## Heartbeat

Send \`heartbeat\` every \`heartbeatIntervalMs\` (in the session; default ${seconds(DEFAULTS.heartbeatIntervalMs)}). These are application messages, not WebSocket pings. Any frame counts as activity. The server checks every ${seconds(sweepMs)} (a quarter of \`heartbeatTimeoutMs\`) and drops, without a close frame, every connection silent for more than \`heartbeatTimeoutMs\` (default ${seconds(DEFAULTS.heartbeatTimeoutMs)}). What a dropped connection means for calls is in ${link('Lost connections')}.`;
}

function rateLimit(): string {
  return `## Rate limit

Each connection has a token bucket: \`rateLimitPerSec\` (default ${DEFAULTS.rateLimitPerSec}) frames per second sustained, bursts of \`rateLimitBurst\` (default ${DEFAULTS.rateLimitBurst}). **Every frame takes a token**, before and after sign-in, before it is read: binary, oversized and malformed frames too. A frame over the limit is not read or run and gets \`rate_limited\`, with its \`id\` only if the frame starts with \`{"id":<digits>\` (${link('Frames')}), else \`"id": null\`; the connection stays open, also before sign-in. After more than ${SERVER_FACTS.maxRateViolations} refusals in a row the server stops answering and closes with 4429.`;
}

function closeCodes(): string {
  const rows = (Object.keys(CLOSE) as (keyof typeof CLOSE)[]).sort((a, b) => CLOSE[a] - CLOSE[b]).map((k) => [String(CLOSE[k]), code(k), CLOSE_DOCS[k].reason, CLOSE_DOCS[k].when, CLOSE_DOCS[k].then]);
  return `## Close codes

${table(
  ['code', 'name', 'close reason', 'when', 'what a client should do'],
  [
    ...rows,
    ['1009', '—', '—', `A frame over ${SERVER_FACTS.hardFrameCapBytes} bytes (closed by the WebSocket library, no response).`, 'A client bug.'],
    ['1006', '—', '—', 'No close frame: the server dropped a silent connection, or crashed; or the network failed.', 'Reconnect with backoff and `resume`.'],
  ],
)}

The Ringdesk client itself closes with 4001 when its heartbeat gets no answer and 4002 when a sign-in did not complete; the server never sends those.`;
}

function errors(): string {
  const rows = ERROR_CODES.map((c) => [code(c), ERROR_MEANINGS[c].by === 'client' ? 'client only' : ERROR_MEANINGS[c].by === 'both' ? 'server and client' : 'server', ERROR_MEANINGS[c].meaning]);
  const examples = ERROR_EXAMPLES.map((e) => {
    const sent = 'frame' in e.sent ? json(e.sent.frame) : ['```', e.sent.text, '```'].join('\n');
    return [
      `### ${e.title}`,
      '',
      ...(e.note ? [e.note, ''] : []),
      sent,
      '',
      json(e.response),
      ...(e.close ? ['', `Then the server closes the connection with ${e.close}.`] : []),
    ].join('\n');
  });
  return `## Errors

An error response is \`{ "id": …, "error": { "code": …, "message": … } }\`. Codes are stable and never renamed; messages may change. Codes marked "client only" are made by the Ringdesk app (its IPC and main process) and never come from the server.

${table(['code', 'from', 'meaning'], rows)}

Examples of error responses (request frame, then the response):

${examples.join('\n\n')}`;
}

function callModel(): string {
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

function media(): string {
  return sfuIntro(table(['limit', 'value', 'meaning'], (Object.keys(SFU_LIMITS) as (keyof typeof SFU_LIMITS)[]).map((k) => [code(k), String(SFU_LIMITS[k]), SFU_LIMIT_DOCS[k]])));
}

function sender(type: RequestType): string {
  const s = EXAMPLE_SENDERS[type];
  return `${s.userId} on ${code(s.deviceId)} (${DEVICE_NAMES[s.deviceId] ?? s.deviceId})`;
}

function requests(): string {
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

function pushes(): string {
  const body = PUSH_TYPES.map((t) =>
    [`### \`${t}\``, '', PUSH_DOCS[t], '', fieldTable(`${t}.push`, PUSHES[t], 'output'), '', `**Example**: ${PUSH_EXAMPLES[t].note}`, '', json(examplePushFrame(t))].join('\n'),
  );
  return `## Pushes

Server → client frames without an \`id\`. Every push is delivered only to connections signed in at that moment.

${body.join('\n\n')}`;
}

function types(): string {
  return `## Types

Types used in more than one place.

${typesSection()}`;
}

function zimDifferences(): string {
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

/** The whole of docs/protocol.md. Pure: the same code gives the same text. */
export function renderProtocolDoc(): string {
  usedNotes.clear();
  const doc = [intro(), transport(), versioning(), frames(), auth(), heartbeat(), rateLimit(), closeCodes(), errors(), callModel(), directorySection(table, SERVER_FACTS.presenceFlushMs), media(), requests(), pushes(), types(), zimDifferences()].join('\n\n');
  const unused = Object.keys(FIELD_NOTES).filter((k) => !usedNotes.has(k)); // notes for fields that were renamed or removed
  if (unused.length) throw new Error(`FIELD_NOTES for fields that do not exist: ${unused.join(', ')}`);
  return `${doc}\n`;
}

if (import.meta.main) {
  const text = renderProtocolDoc();
  writeFileSync(new URL(PROTOCOL_DOC_PATH, ROOT), text);
  console.log(`wrote ${PROTOCOL_DOC_PATH} (${text.length} characters)`);
}
