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

/** An account as the directory lists it (presence is added by the server, which knows who is online). */
export interface DirectoryEntry {
  userId: UserId;
  displayName: string;
  dnd: boolean;
}
/** Where a page ended, as the sort key's parts; the transport turns it into an opaque cursor. */
export type CursorKey = readonly (string | number)[];
export interface DirectoryPage {
  users: DirectoryEntry[];
  /** null when nothing follows. */
  next: CursorKey | null;
}
export type FavoriteAdd = 'added' | 'exists' | 'full';

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

/** One call state to store, with the record its transition produced (if it ended). */
export interface CallSave {
  call: Call;
  record: CallRecord | null;
  /**
   * Cluster mode: the fencing token of the node saving it (its lease's epoch, from claimCall). The
   * save lands only if the stored call still carries this epoch, so a node that lost the call's lease
   * cannot overwrite the new owner's state. A new call is inserted with it. Absent: no check.
   */
  fence?: CallFence;
}

export interface CallFence {
  epoch: number;
  node: string;
}

/** The saves of a batch that were refused because another node claimed their call (a newer epoch). */
export interface SaveOutcome {
  fenced: readonly CallId[];
}

/** A started call and who owns it (cluster mode). */
export interface CallOwner {
  callID: CallId;
  ownerNode: string | null;
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

export interface RecordPage {
  records: CallRecord[];
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
   * The device signed in again with a token issued at `issuedAt`, in ONE write (a reconnect storm
   * makes one per user): its name and last sign-in are recorded, and the token supersedes older
   * ones (unless a newer one was used already). The previous supersession's tokens become void at
   * once, so at most one older generation is ever in grace. Creates the row if it is missing.
   */
  deviceResumed(userId: UserId, deviceId: DeviceId, name: string, issuedAt: number, now: number): Promise<void>;

  /** Renames a user; the directory index follows. */
  setDisplayName(userId: UserId, displayName: string): Promise<boolean>;

  // The directory (docs/protocol.md, "Directory and presence"). `words` are folded query words (directoryTerms.ts).
  /** Users with a term starting with each word (none: browse by folded display name); disabled users left out. */
  searchDirectory(words: string[], after: CursorKey | null, limit: number): Promise<DirectoryPage>;
  /** These users if they exist, disabled ones included (flagged). */
  directoryEntries(userIds: readonly UserId[]): Promise<(DirectoryEntry & { disabled: boolean })[]>;
  listFavorites(userId: UserId, after: CursorKey | null, limit: number): Promise<DirectoryPage>;
  /** Adds unless present or the user already has `max`; atomic, so two devices cannot pass the cap together. */
  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): Promise<FavoriteAdd>;
  removeFavorite(userId: UserId, favorite: UserId): Promise<boolean>;
  /** The distinct other members of the user's `window` newest calls, most recent first. */
  listRecents(userId: UserId, window: number, after: CursorKey | null, limit: number): Promise<DirectoryPage>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  deleteMeta(key: string): Promise<void>;

  saveCall(call: Call, record: CallRecord | null): Promise<void>;
  /**
   * Group commit: every save of the batch in ONE transaction, in order, all or nothing. The
   * service's GroupCommit gathers the transitions of one event-loop tick into one batch.
   */
  saveCalls(batch: readonly CallSave[]): Promise<SaveOutcome | void>;
  /**
   * Takes a started call over for `node`: its fencing epoch goes up by one (saves still carrying the
   * old epoch are refused from now on). Undefined when the call is unknown or has ended.
   */
  claimCall(callID: CallId, node: string): Promise<{ call: Call; epoch: number } | undefined>;
  /** Started calls whose owner is not among `aliveNodes` (a node died, or never had one), oldest first. */
  orphanedCalls(aliveNodes: readonly string[], limit: number): Promise<CallOwner[]>;
  /**
   * The started calls any of these users is a member of, each once, oldest first (busy checks and
   * re-reads across nodes: an invitation asks for the caller and every invitee in one read).
   */
  startedCallsOf(userIds: readonly UserId[]): Promise<Call[]>;
  getCall(callID: CallId): Promise<Call | undefined>;
  /** Calls still started: what a restarted server reloads and re-arms timers for. */
  startedCalls(): Promise<Call[]>;
  listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage>;
  getRecord(callID: CallId): Promise<CallRecord | undefined>;
  /** The records of ended calls this user was in, newest call first; same cursor as listCallsFor. */
  listRecordsFor(userId: UserId, count: number, nextFlag: number): Promise<RecordPage>;

  /** Drops and reopens the connection (a database opened read-only stays so until reopened). Optional. */
  reopen?(): Promise<void>;

  close(): Promise<void>;
}
