import { RingdeskError } from '../../src/shared/errors.ts';
import type { CallId, CallRecord, DeviceId, DndStatus, UserId } from '../../src/shared/protocol/index.ts';
import type { Call } from '../../src/shared/call/index.ts';
import type { StorageHealth } from './StorageHealth.ts';
import type { StorageFault } from './storageFaults.ts';
import type { CallOwner, CallPage, CallSave, CursorKey, DeviceTokenState, DirectoryEntry, DirectoryPage, FavoriteAdd, RecordPage, Revocation, RevocationReason, SaveOutcome, Store, UserRow } from './Store.ts';

const UNAVAILABLE = 'the server cannot use its database right now; nothing was changed, try again shortly';

/**
 * The store as the server sees it: a storage fault (disk full, read-only, I/O error) becomes a
 * retryable `storage_unavailable` and is reported to StorageHealth; a successful write reports
 * recovery. Other errors (bugs, bad data) pass through unchanged.
 */
export class GuardedStore implements Store {
  readonly #inner: Store;
  readonly #health: StorageHealth;
  readonly #classify: (e: unknown) => StorageFault | null;

  constructor(inner: Store, health: StorageHealth, classify: (e: unknown) => StorageFault | null) {
    this.#inner = inner;
    this.#health = health;
    this.#classify = classify;
  }

  #fail(e: unknown): never {
    const f = this.#classify(e);
    if (!f) throw e;
    this.#health.fault(f);
    throw new RingdeskError('storage_unavailable', UNAVAILABLE);
  }
  async #read<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      return this.#fail(e);
    }
  }
  async #write<T>(fn: () => Promise<T>): Promise<T> {
    let r: T;
    try {
      r = await fn();
    } catch (e) {
      return this.#fail(e);
    }
    this.#health.ok();
    return r;
  }

  /**
   * A write that touches nothing anyone reads: what the periodic probe runs while storage is down, so
   * readiness recovers without traffic. Reopens the connection first when the fault needs it.
   */
  async probe(now: number): Promise<boolean> {
    try {
      if (this.#health.needsReopen) await this.#read(() => this.#inner.reopen?.() ?? Promise.resolve());
      await this.#write(() => this.#inner.setMeta('storage_probe', String(now)));
      return true;
    } catch {
      return false; // already reported to StorageHealth (or a non-storage error the next request will show)
    }
  }

  createUser(user: Omit<UserRow, 'dnd' | 'tokensAfter'>): Promise<void> {
    return this.#write(() => this.#inner.createUser(user));
  }
  getUser(userId: UserId): Promise<UserRow | undefined> {
    return this.#read(() => this.#inner.getUser(userId));
  }
  listUsers(): Promise<UserRow[]> {
    return this.#read(() => this.#inner.listUsers());
  }
  setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    return this.#write(() => this.#inner.setUserDisabled(userId, disabled));
  }
  setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    return this.#write(() => this.#inner.setPassword(userId, passwordHash));
  }
  setDnd(userId: UserId, dnd: DndStatus): Promise<void> {
    return this.#write(() => this.#inner.setDnd(userId, dnd));
  }
  setDisplayName(userId: UserId, displayName: string): Promise<boolean> {
    return this.#write(() => this.#inner.setDisplayName(userId, displayName));
  }
  searchDirectory(words: string[], after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#read(() => this.#inner.searchDirectory(words, after, limit));
  }
  directoryEntries(userIds: readonly UserId[]): Promise<(DirectoryEntry & { disabled: boolean })[]> {
    return this.#read(() => this.#inner.directoryEntries(userIds));
  }
  listFavorites(userId: UserId, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#read(() => this.#inner.listFavorites(userId, after, limit));
  }
  addFavorite(userId: UserId, favorite: UserId, max: number, now: number): Promise<FavoriteAdd> {
    return this.#write(() => this.#inner.addFavorite(userId, favorite, max, now));
  }
  removeFavorite(userId: UserId, favorite: UserId): Promise<boolean> {
    return this.#write(() => this.#inner.removeFavorite(userId, favorite));
  }
  listRecents(userId: UserId, window: number, after: CursorKey | null, limit: number): Promise<DirectoryPage> {
    return this.#read(() => this.#inner.listRecents(userId, window, after, limit));
  }
  createUsers(users: Omit<UserRow, 'dnd' | 'tokensAfter'>[]): Promise<void> {
    return this.#write(() => this.#inner.createUsers(users));
  }
  revokeUserSessions(userId: UserId, reason: RevocationReason, exceptDevice: DeviceId | null, at: number): Promise<boolean> {
    return this.#write(() => this.#inner.revokeUserSessions(userId, reason, exceptDevice, at));
  }
  revocationsAfter(afterSeq: number, limit: number): Promise<Revocation[]> {
    return this.#read(() => this.#inner.revocationsAfter(afterSeq, limit));
  }
  lastRevocationSeq(): Promise<number> {
    return this.#read(() => this.#inner.lastRevocationSeq());
  }
  deviceTokenState(userId: UserId, deviceId: DeviceId): Promise<DeviceTokenState> {
    return this.#read(() => this.#inner.deviceTokenState(userId, deviceId));
  }
  deviceResumed(userId: UserId, deviceId: DeviceId, name: string, issuedAt: number, now: number): Promise<void> {
    return this.#write(() => this.#inner.deviceResumed(userId, deviceId, name, issuedAt, now));
  }
  deleteMeta(key: string): Promise<void> {
    return this.#write(() => this.#inner.deleteMeta(key));
  }
  upsertDevice(userId: UserId, deviceId: DeviceId, name: string, now: number): Promise<void> {
    return this.#write(() => this.#inner.upsertDevice(userId, deviceId, name, now));
  }
  revokeDeviceTokens(userId: UserId, deviceId: DeviceId, before: number): Promise<void> {
    return this.#write(() => this.#inner.revokeDeviceTokens(userId, deviceId, before));
  }
  deviceTokensAfter(userId: UserId, deviceId: DeviceId): Promise<number> {
    return this.#read(() => this.#inner.deviceTokensAfter(userId, deviceId));
  }
  getMeta(key: string): Promise<string | undefined> {
    return this.#read(() => this.#inner.getMeta(key));
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.#write(() => this.#inner.setMeta(key, value));
  }
  saveCall(call: Call, record: CallRecord | null): Promise<void> {
    return this.#write(() => this.#inner.saveCall(call, record));
  }
  saveCalls(batch: readonly CallSave[]): Promise<SaveOutcome | void> {
    return this.#write(() => this.#inner.saveCalls(batch));
  }
  claimCall(callID: CallId, node: string): Promise<{ call: Call; epoch: number } | undefined> {
    return this.#write(() => this.#inner.claimCall(callID, node));
  }
  orphanedCalls(aliveNodes: readonly string[], limit: number): Promise<CallOwner[]> {
    return this.#read(() => this.#inner.orphanedCalls(aliveNodes, limit));
  }
  startedCallsOf(userIds: readonly UserId[]): Promise<Call[]> {
    return this.#read(() => this.#inner.startedCallsOf(userIds));
  }
  getCall(callID: CallId): Promise<Call | undefined> {
    return this.#read(() => this.#inner.getCall(callID));
  }
  startedCalls(): Promise<Call[]> {
    return this.#read(() => this.#inner.startedCalls());
  }
  listCallsFor(userId: UserId, count: number, nextFlag: number): Promise<CallPage> {
    return this.#read(() => this.#inner.listCallsFor(userId, count, nextFlag));
  }
  listRecordsFor(userId: UserId, count: number, nextFlag: number): Promise<RecordPage> {
    return this.#read(() => this.#inner.listRecordsFor(userId, count, nextFlag));
  }
  getRecord(callID: CallId): Promise<CallRecord | undefined> {
    return this.#read(() => this.#inner.getRecord(callID));
  }
  reopen(): Promise<void> {
    return this.#read(() => this.#inner.reopen?.() ?? Promise.resolve());
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}
