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

/** One call state to store, with the record its transition produced (if it ended). */
export interface CallSave {
  call: Call;
  record: CallRecord | null;
}

/** Where hot paths read user rows: the server's UserCache, or the store itself. */
export interface UserLookup {
  get(userId: UserId): Promise<UserRow | undefined>;
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
  setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean>;
  setPassword(userId: UserId, passwordHash: string): Promise<boolean>;
  setDnd(userId: UserId, dnd: DndStatus): Promise<void>;

  upsertDevice(userId: UserId, deviceId: DeviceId, name: string, now: number): Promise<void>;
  /** Logout: this device's tokens issued at or before `before` stop working. */
  revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void>;
  deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  saveCall(call: Call, record: CallRecord | null): Promise<void>;
  /**
   * Group commit: every save of the batch in ONE transaction, in order, all or nothing. The
   * service's GroupCommit gathers the transitions of one event-loop tick into one batch.
   */
  saveCalls(batch: readonly CallSave[]): Promise<void>;
  getCall(callID: CallId): Promise<Call | undefined>;
  /** Calls still started: what a restarted server reloads and re-arms timers for. */
  startedCalls(): Promise<Call[]>;
  listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage>;
  getRecord(callID: CallId): Promise<CallRecord | undefined>;

  close(): Promise<void>;
}
