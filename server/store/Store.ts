import type { CallRecord, DndStatus, UserId, DeviceId, CallId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';

export interface UserRow {
  userId: UserId;
  displayName: string;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  /** Tokens issued at or before this time are void (password change, disable). */
  tokensAfter: number;
  dnd: DndStatus;
}

/** Why a user's live sessions were ended; each maps to a close code (docs/accounts-and-tokens.md). */
export type RevocationReason = 'disabled' | 'password' | 'signout';

export interface Revocation {
  /** Increases with every revocation written, by any process sharing the database. */
  seq: number;
  userId: UserId;
  reason: RevocationReason;
  /** The device that asked to sign out everywhere: it closes itself after its reply. */
  exceptDevice: DeviceId | null;
  at: number;
}

/** What decides whether a device's token still works (see AuthService.resume). */
export interface DeviceTokenState {
  /** Tokens issued at or before this are void (logout). */
  tokensAfter: number;
  /** The newest token this device has used (its issue time)… */
  supersededBefore: number;
  /** …and when: older tokens work until supersededAt + grace. */
  supersededAt: number;
}

export interface CallPage {
  calls: Call[];
  /** 0 when nothing older is left. */
  nextFlag: number;
}

/**
 * Persistence behind one interface. SQLite is the default; the methods are async so that a
 * Postgres store can stand in later without touching the service.
 * Every call save is one transaction: the call, its member index and its record land together.
 */
export interface Store {
  createUser(user: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void>;
  getUser(userId: UserId): Promise<UserRow | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Inserts all or none (one transaction); the caller has checked ids and duplicates. */
  createUsers(users: Omit<UserRow, 'dnd' | 'tokensAfter'>[]): Promise<void>;
  /** Disabling also voids the tokens and records a 'disabled' revocation, in one transaction. */
  setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean>;
  /** Also voids the tokens and records a 'password' revocation, in one transaction. */
  setPassword(userId: UserId, passwordHash: string): Promise<boolean>;
  /** Sign out everywhere: voids every token of the user issued at or before `at` and records a revocation. False for no such user. */
  revokeUserSessions(userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): Promise<boolean>;
  /** Revocations with seq > `afterSeq`, oldest first. */
  revocationsAfter(afterSeq: number, limit: number): Promise<Revocation[]>;
  lastRevocationSeq(): Promise<number>;
  setDnd(userId: UserId, dnd: DndStatus): Promise<void>;

  upsertDevice(userId: UserId, deviceId: DeviceId, name: string, now: number): Promise<void>;
  /** Logout: this device's tokens issued at or before `before` stop working. */
  revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void>;
  deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number>;
  deviceTokenState(userId: UserId, deviceId: DeviceId): Promise<DeviceTokenState>;
  /**
   * A token issued at `issuedAt` was just used: it supersedes older ones (unless a newer one was
   * used already). The previous supersession's tokens become void at once, so at most one older
   * generation is ever in grace.
   */
  tokenUsed(userId: UserId, deviceId: DeviceId, issuedAt: number, now: number): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  deleteMeta(key: string): Promise<void>;

  saveCall(call: Call, record: CallRecord | null): Promise<void>;
  getCall(callID: CallId): Promise<Call | undefined>;
  /** Calls still started: what a restarted server reloads and re-arms timers for. */
  startedCalls(): Promise<Call[]>;
  listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage>;
  getRecord(callID: CallId): Promise<CallRecord | undefined>;

  close(): Promise<void>;
}
