// Test data shaped by the real contract: the schemas fill defaults, so fixtures cannot drift from it.
// Test-only: zod stays out of the app bundle because nothing outside testing/ imports this.
import type { AppSnapshot, CallView, ConnectionInfo, DndState, SessionInfo, Settings } from '../../../shared/ipc/model.ts';
import { SettingsSchema } from '../../../shared/ipc/model.ts';
import { NO_POLICY } from '../../../shared/ipc/managed.ts';
import type { DirectoryUser } from '../../../shared/protocol/directory.ts';
import {
  asCallId,
  asDeviceId,
  asUserId,
  type CallInfo,
  type CallUserInfo,
  type CallUserState,
  type RejectReason,
} from '../../../shared/protocol/common.ts';

export const T0 = Date.UTC(2025, 0, 15, 9, 30);

export function makeSettings(patch: Partial<Settings> = {}): Settings {
  return { ...SettingsSchema.parse({}), ...patch };
}

export function makeSession(userId = 'alice', over: Partial<SessionInfo> = {}): SessionInfo {
  return { serverUrl: 'ws://127.0.0.1:8787/ws', userId: asUserId(userId), displayName: userId.toUpperCase(), deviceId: asDeviceId(`${userId}-pc`), deviceName: `${userId}-pc`, ...over };
}

export function makeConnection(state: ConnectionInfo['state'] = 'connected', over: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return { state, retryInMs: null, at: T0, reason: null, ...over };
}

export function makeDnd(over: Partial<DndState> = {}): DndState {
  return { app: { enabled: false, allowList: [] }, os: { active: false, source: null }, followOs: true, effective: 'off', ...over };
}

export function makeSnapshot(over: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    platform: 'linux',
    osLocale: 'en-US',
    connection: makeConnection(),
    session: makeSession(),
    calls: [],
    dnd: makeDnd(),
    missed: { count: 0, calls: [] },
    settings: makeSettings(),
    notices: [],
    policy: NO_POLICY,
    update: { status: 'disabled', version: null, percent: null, reason: 'notInstalled', detail: null, waitingForCall: false },
    ...over,
  };
}

/** A person as the directory shows them; FakeBridge serves them as favorites and as its directory. */
export function makeContact(userId: string, presence: DirectoryUser['presence'] = 'online', dnd = false, displayName = userId.toUpperCase()): DirectoryUser {
  return { userId: asUserId(userId), displayName, presence, dnd };
}

export interface UserSpec {
  userId: string;
  state: CallUserState;
  reason?: RejectReason;
  delivery?: { online: boolean; ringingDevices: number } | null;
}

export function makeUser(u: UserSpec): CallUserInfo {
  const pending = u.state === 'inviting' || u.state === 'received' || u.state === 'notYetReceived';
  return {
    userId: asUserId(u.userId),
    state: u.state,
    extendedData: '',
    invitedBy: null,
    reason: u.reason ?? null,
    delivery: u.delivery !== undefined ? u.delivery : pending ? { online: true, ringingDevices: u.state === 'received' ? 1 : 0 } : null,
  };
}

export interface CallSpec {
  callID?: string;
  inviter?: string;
  mode?: CallInfo['mode'];
  callState?: CallInfo['callState'];
  createdAt?: number;
  endedAt?: number | null;
  endReason?: CallInfo['endReason'];
  media?: 'audio' | 'video';
  /** The invitees; the inviter is added as Accepted, as the server does. */
  users?: UserSpec[];
  version?: number;
}

export function makeCall(s: CallSpec = {}): CallInfo {
  const inviter = s.inviter ?? 'alice';
  return {
    callID: asCallId(s.callID ?? 'c1'),
    inviter: asUserId(inviter),
    mode: s.mode ?? 'normal',
    timeout: 60,
    extendedData: JSON.stringify({ media: s.media ?? 'audio' }),
    callState: s.callState ?? 'started',
    createdAt: s.createdAt ?? T0,
    endedAt: s.endedAt ?? null,
    endReason: s.endReason ?? null,
    users: [makeUser({ userId: inviter, state: 'accepted' }), ...(s.users ?? [{ userId: 'bob', state: 'received' }]).map(makeUser)],
    version: s.version ?? 1,
  };
}

/** This device's view of a call, computed like main's callView.ts. */
export function makeView(call: CallInfo, me: string, over: Partial<CallView> = {}): CallView {
  const myState = call.users.find((u) => u.userId === me)?.state ?? null;
  const direction = call.inviter === me ? 'outgoing' : 'incoming';
  const handledElsewhere = over.handledElsewhere ?? null;
  const pending = myState === 'inviting' || myState === 'received' || myState === 'notYetReceived';
  return {
    call,
    direction,
    myState,
    ringing: direction === 'incoming' && call.callState === 'started' && pending && handledElsewhere === null,
    media: call.extendedData.includes('video') ? 'video' : 'audio',
    handledElsewhere,
    endedBy: null,
    connectedAt: null,
    ...over,
  };
}
