import { RingdeskError } from '../../shared/errors.ts';
import { TypedEmitter } from '../../shared/events.ts';
import {
  DIRECTORY_LIMITS,
  type DirectoryUser,
  type PresenceEntry,
  type Push,
  type RequestInput,
  type RequestResult,
  type RequestType,
  type UserId,
  type UserPage,
} from '../../shared/protocol/index.ts';

/** The part of SignalingClient the directory needs, so tests can fake it. */
export interface DirectoryPort {
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<RequestResult<T>>;
  on(event: 'push', fn: (push: Push) => void): () => void;
  on(event: 'session', fn: (session: RequestResult<'login'>, resumed: boolean) => void): () => void;
}

/** What the client shows, by purpose; the subscription is their union. Earlier purposes win when the cap bites. */
export const SHOWN = ['calls', 'favorites', 'page', 'recents'] as const;
export type Shown = (typeof SHOWN)[number];

export interface People {
  favorites: DirectoryUser[];
  recents: DirectoryUser[];
}

export type DirectoryEvents = {
  /** Favorites or recents changed (or a presence in them): what the home screen renders. */
  people: [people: People];
  /** Presence of subscribed users changed; a subscription's snapshot also carries their names. */
  presence: [users: (PresenceEntry & { displayName?: string })[]];
  /** A background step (reload, re-subscribe) failed; reported, never thrown. */
  error: [error: RingdeskError];
};

const RECENTS_SHOWN = 20;

/**
 * Favorites, recents, directory search and presence subscriptions over the signaling connection.
 * It subscribes to exactly what the client shows (members of its calls, favorites, the visible
 * search page, recents), keeps the subscription to their union under the server's cap, and after
 * every (re)connect (the server forgets subscriptions with the connection) reloads and
 * re-subscribes.
 */
export class DirectoryClient extends TypedEmitter<DirectoryEvents> {
  readonly #sig: DirectoryPort;
  readonly #shown = new Map<Shown, UserId[]>();
  /** What the server has for this connection (as far as answered requests say). */
  #subscribed = new Set<UserId>();
  /** Everyone seen (names and presence), for names of callers and call members. */
  readonly #known = new Map<UserId, DirectoryUser>();
  #favorites: UserId[] = [];
  #recents: UserId[] = [];
  /** One subscription sync at a time; a change meanwhile triggers one more pass. */
  #syncing: Promise<void> | null = null;
  #again = false;

  constructor(sig: DirectoryPort) {
    super();
    this.#sig = sig;
    sig.on('push', (p) => this.#onPush(p));
    sig.on('session', () => {
      this.#subscribed = new Set();
      void this.reload();
    });
  }

  get people(): People {
    const pick = (ids: UserId[]): DirectoryUser[] => ids.flatMap((id) => this.#known.get(id) ?? []);
    return { favorites: pick(this.#favorites), recents: pick(this.#recents) };
  }
  /** The users this connection is subscribed to (for tests and diagnostics). */
  get subscribed(): ReadonlySet<UserId> {
    return this.#subscribed;
  }
  nameOf(userId: UserId): string {
    return this.#known.get(userId)?.displayName || userId;
  }
  user(userId: UserId): DirectoryUser | undefined {
    return this.#known.get(userId);
  }

  /** Reads favorites (every page: at most maxFavorites) and recents, then subscribes to what is shown. */
  async reload(): Promise<void> {
    try {
      const favs: DirectoryUser[] = [];
      let cursor: string | undefined;
      do {
        const p: UserPage = await this.#sig.request('favoritesList', { limit: DIRECTORY_LIMITS.maxPageSize, ...(cursor ? { cursor } : {}) });
        favs.push(...p.users);
        cursor = p.nextCursor ?? undefined;
      } while (cursor && favs.length < DIRECTORY_LIMITS.maxFavorites);
      const rec = await this.#sig.request('recentsList', { limit: RECENTS_SHOWN });
      this.#learn([...favs, ...rec.users]);
      this.#favorites = favs.map((u) => u.userId);
      this.#recents = rec.users.map((u) => u.userId);
      this.#shown.set('favorites', this.#favorites);
      this.#shown.set('recents', this.#recents);
      this.#emitPeople();
      await this.#sync();
    } catch (e) {
      this.emit('error', e instanceof RingdeskError ? e : new RingdeskError('internal', String(e)));
    }
  }

  /** One page of the directory; a first page (no cursor) replaces what the search shows, a later one adds to it. */
  async search(query: string, cursor?: string, limit: number = DIRECTORY_LIMITS.defaultPageSize): Promise<UserPage> {
    const page = await this.#sig.request('directorySearch', { query, limit, ...(cursor ? { cursor } : {}) });
    this.#learn(page.users);
    const ids = page.users.map((u) => u.userId);
    this.show('page', cursor ? [...(this.#shown.get('page') ?? []), ...ids] : ids);
    return page;
  }

  async addFavorite(userId: UserId): Promise<People> {
    const r = await this.#sig.request('favoritesAdd', { userId });
    this.#setFavorite(r.user, true);
    return this.people;
  }
  async removeFavorite(userId: UserId): Promise<People> {
    await this.#sig.request('favoritesRemove', { userId });
    const u = this.#known.get(userId);
    if (u) this.#setFavorite(u, false);
    return this.people;
  }

  /** Declares what one purpose shows now; the subscription follows (debounced by the one-at-a-time sync). */
  show(purpose: Shown, userIds: readonly UserId[]): void {
    this.#shown.set(purpose, [...userIds]);
    void this.#sync();
  }

  #setFavorite(u: DirectoryUser, on: boolean): void {
    this.#learn([u]);
    this.#favorites = on ? [...new Set([...this.#favorites, u.userId])].sort() : this.#favorites.filter((x) => x !== u.userId);
    this.#shown.set('favorites', this.#favorites);
    this.#emitPeople();
    void this.#sync();
  }

  /** The union of what is shown, in purpose order, cut at the server's cap. */
  #wanted(): Set<UserId> {
    const out = new Set<UserId>();
    for (const p of SHOWN) {
      for (const id of this.#shown.get(p) ?? []) {
        if (out.size >= DIRECTORY_LIMITS.maxSubscriptionsPerConnection) return out;
        out.add(id);
      }
    }
    return out;
  }

  #sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      do {
        this.#again = false;
        try {
          await this.#syncOnce();
        } catch (e) {
          // Disconnected: the next session re-subscribes from scratch.
          if (!(e instanceof RingdeskError && e.code === 'disconnected')) this.emit('error', e instanceof RingdeskError ? e : new RingdeskError('internal', String(e)));
        }
      } while (this.#again);
      this.#syncing = null;
    })();
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    const want = this.#wanted();
    const drop = [...this.#subscribed].filter((u) => !want.has(u));
    const add = [...want].filter((u) => !this.#subscribed.has(u));
    const n = DIRECTORY_LIMITS.maxSubscribePerRequest;
    // Unsubscribe first, so the cap is never passed on the way.
    for (let i = 0; i < drop.length; i += n) {
      const ids = drop.slice(i, i + n);
      await this.#sig.request('presenceUnsubscribe', { userIds: ids });
      for (const u of ids) this.#subscribed.delete(u);
    }
    for (let i = 0; i < add.length; i += n) {
      const ids = add.slice(i, i + n);
      const r = await this.#sig.request('presenceSubscribe', { userIds: ids });
      for (const u of r.users) this.#subscribed.add(u.userId);
      this.#learn(r.users);
      this.#emitPresence(r.users);
    }
  }

  #learn(users: readonly DirectoryUser[]): void {
    for (const u of users) this.#known.set(u.userId, u);
  }

  #emitPresence(users: readonly (PresenceEntry & { displayName?: string })[]): void {
    if (users.length === 0) return;
    this.emit('presence', users.map((u) => ({ userId: u.userId, presence: u.presence, dnd: u.dnd, ...(u.displayName !== undefined ? { displayName: u.displayName } : {}) })));
    const mine = new Set([...this.#favorites, ...this.#recents]);
    if (users.some((u) => mine.has(u.userId))) this.#emitPeople();
  }

  #emitPeople(): void {
    this.emit('people', this.people);
  }

  #onPush(p: Push): void {
    if (p.type === 'presenceChanged') {
      for (const u of p.data.users) {
        const k = this.#known.get(u.userId);
        if (k) this.#known.set(u.userId, { ...k, presence: u.presence, dnd: u.dnd });
      }
      this.#emitPresence(p.data.users);
    } else if (p.type === 'favoritesChanged') {
      this.#setFavorite(p.data.user, p.data.favorite);
    }
  }
}
