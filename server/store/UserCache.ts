import type { DndStatus, UserId } from '../../src/shared/protocol/index.ts';
import type { Store, UserRow } from './Store.ts';

export interface UserCacheOptions {
  /** How long an entry is trusted. 0 turns the cache off (every get reads the store). */
  ttlMs: number;
  /** Oldest entries go first past this many. */
  maxEntries?: number;
  now?: () => number;
}

/** Expired entries dropped from the front at each miss. */
const EXPIRED_DROPS_PER_MISS = 4;

interface Entry {
  row: Promise<UserRow | undefined>;
  at: number;
}

/**
 * User rows by id, for the hot paths that read them: every sign-in and every invitee screened.
 *
 * The rule (docs/architecture.md, "User cache"):
 * - every write to a user made by THIS process goes through the write methods here, which write
 *   the store first and then drop the entry, so this process never serves its own stale write;
 * - writes made elsewhere (the admin CLI in another process, another server node) are seen when
 *   the entry expires (`ttlMs`, default 2 s) or at once when something calls `invalidate(userId)`,
 *   e.g. a poll of the store's revocation counter;
 * - an entry invalidated while its read is in flight is not kept: the next get reads again.
 * Concurrent gets of one id share one store read.
 */
export class UserCache {
  readonly #store: Pick<Store, 'getUser' | 'setDnd' | 'setUserDisabled' | 'setPassword'>;
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<UserId, Entry>();
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(store: Pick<Store, 'getUser' | 'setDnd' | 'setUserDisabled' | 'setPassword'>, o: UserCacheOptions) {
    if (!(o.ttlMs >= 0)) throw new TypeError('UserCache: ttlMs must be ≥ 0');
    this.#store = store;
    this.#ttlMs = o.ttlMs;
    this.#max = o.maxEntries ?? 100_000;
    this.#now = o.now ?? Date.now;
  }

  get(userId: UserId): Promise<UserRow | undefined> {
    const now = this.#now();
    const e = this.#entries.get(userId);
    if (e && now - e.at < this.#ttlMs) {
      this.stats.hits++;
      return e.row;
    }
    this.stats.misses++;
    const row = this.#store.getUser(userId);
    if (this.#ttlMs === 0) return row;
    const entry: Entry = { row, at: now };
    this.#entries.delete(userId); // re-insert at the end: Map order is the eviction order
    this.#entries.set(userId, entry);
    // A failed read is not cached; neither is one invalidated meanwhile (the entry is gone or replaced).
    row.catch(() => {
      if (this.#entries.get(userId) === entry) this.#entries.delete(userId);
    });
    // Map order is insertion order, so the front holds the oldest entries: drop a few that expired
    // (amortised, so expired rows do not sit in memory until maxEntries), and the oldest past maxEntries.
    for (let i = 0; i < EXPIRED_DROPS_PER_MISS; i++) {
      const first = this.#entries.entries().next();
      if (first.done || now - first.value[1].at < this.#ttlMs) break;
      this.#entries.delete(first.value[0]);
    }
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return row;
  }

  /** Forget one user (a write elsewhere was seen). Safe for unknown ids. */
  invalidate(userId: UserId): void {
    if (this.#entries.delete(userId)) this.stats.invalidations++;
  }
  clear(): void {
    this.#entries.clear();
  }
  get size(): number {
    return this.#entries.size;
  }

  async setDnd(userId: UserId, dnd: DndStatus): Promise<void> {
    try {
      await this.#store.setDnd(userId, dnd);
    } finally {
      this.invalidate(userId);
    }
  }
  async setUserDisabled(userId: UserId, disabled: boolean): Promise<boolean> {
    try {
      return await this.#store.setUserDisabled(userId, disabled);
    } finally {
      this.invalidate(userId);
    }
  }
  async setPassword(userId: UserId, passwordHash: string): Promise<boolean> {
    try {
      return await this.#store.setPassword(userId, passwordHash);
    } finally {
      this.invalidate(userId);
    }
  }
}
