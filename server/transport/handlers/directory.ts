import { RingdeskError } from '../../../src/shared/errors.ts';
import { DIRECTORY_LIMITS, type DirectoryUser, type UserPage } from '../../../src/shared/protocol/index.ts';
import { queryWords } from '../../domain/directoryTerms.ts';
import { CURSOR_SHAPES, type KeyPart } from '../../store/directoryQueries.ts';
import type { CursorKey, DirectoryEntry, DirectoryPage } from '../../store/Store.ts';
import { needUser, type HandlerMap, type RequestContext, type Services } from './types.ts';

/** A cursor is the page's last sort key as base64url JSON: opaque to clients, checked on the way back. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const fits = (x: unknown, part: KeyPart): boolean => (part === 'text' ? typeof x === 'string' : typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);

/**
 * The key of a cursor, checked against the listing's key shape: a forged key of the right length but
 * the wrong types once reached the store (recents: `Number("x")`, an `internal` from Postgres).
 */
export function decodeCursor(cursor: string | undefined, shape: readonly KeyPart[]): CursorKey | null {
  if (cursor === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== shape.length || !shape.every((part, i) => fits(v[i], part))) {
    throw new RingdeskError('bad_request', 'cursor: not a cursor this server issued; send the nextCursor of the previous page unchanged');
  }
  return v as CursorKey; // checked element by element above
}

function user(s: Services, e: DirectoryEntry): DirectoryUser {
  return { userId: e.userId, displayName: e.displayName, presence: s.sessions.isOnline(e.userId) ? 'online' : 'offline', dnd: e.dnd };
}

/** `isOnline` is synchronous: a cluster node learns who of the page is online elsewhere first (one Redis round trip). */
async function page(s: Services, p: DirectoryPage): Promise<UserPage> {
  await s.sessions.prefetch(p.users.map((e) => e.userId));
  return { users: p.users.map((e) => user(s, e)), nextCursor: p.next ? encodeCursor(p.next) : null };
}

/** Presence subscriptions belong to the connection that asked. */
function conn(ctx: RequestContext): NonNullable<RequestContext['connection']> {
  if (!ctx.connection) throw new RingdeskError('unauthenticated', 'sign in first');
  return ctx.connection;
}

/** The directory, favorites, recents and presence subscriptions (docs/protocol.md, "Directory and presence"). */
export const directoryHandlers: HandlerMap<'directorySearch' | 'favoritesList' | 'favoritesAdd' | 'favoritesRemove' | 'recentsList' | 'presenceSubscribe' | 'presenceUnsubscribe'> = {
  directorySearch: async (s, ctx, req) => {
    needUser(ctx);
    const words = queryWords(req.data.query);
    return await page(s, await s.store.searchDirectory(words, decodeCursor(req.data.cursor, CURSOR_SHAPES.search), req.data.limit));
  },
  favoritesList: async (s, ctx, req) => await page(s, await s.store.listFavorites(needUser(ctx).user.userId, decodeCursor(req.data.cursor, CURSOR_SHAPES.favorites), req.data.limit)),
  favoritesAdd: async (s, ctx, req) => {
    const me = needUser(ctx).user.userId;
    if (req.data.userId === me) throw new RingdeskError('bad_request', 'favoritesAdd: you cannot add yourself');
    const [entry] = await s.store.directoryEntries([req.data.userId]);
    if (!entry || entry.disabled) throw new RingdeskError('user_not_found', `no user ${req.data.userId}`);
    const r = await s.store.addFavorite(me, req.data.userId, DIRECTORY_LIMITS.maxFavorites, s.now());
    if (r === 'full') throw new RingdeskError('limit_exceeded', `at most ${DIRECTORY_LIMITS.maxFavorites} favorites per user; remove one first`);
    await s.sessions.prefetch([entry.userId]);
    const u = user(s, entry);
    if (r === 'added') pushToOtherDevices(s, ctx, { type: 'favoritesChanged', data: { user: u, favorite: true } });
    return { user: u, added: r === 'added' };
  },
  favoritesRemove: async (s, ctx, req) => {
    const me = needUser(ctx).user.userId;
    const removed = await s.store.removeFavorite(me, req.data.userId);
    if (removed) {
      const [entry] = await s.store.directoryEntries([req.data.userId]);
      const u = entry ? user(s, entry) : { userId: req.data.userId, displayName: req.data.userId, presence: 'offline' as const, dnd: false };
      pushToOtherDevices(s, ctx, { type: 'favoritesChanged', data: { user: u, favorite: false } });
    }
    return { removed };
  },
  recentsList: async (s, ctx, req) =>
    await page(s, await s.store.listRecents(needUser(ctx).user.userId, DIRECTORY_LIMITS.recentsCallWindow, decodeCursor(req.data.cursor, CURSOR_SHAPES.recents), req.data.limit)),
  presenceSubscribe: async (s, ctx, req) => {
    needUser(ctx);
    const c = conn(ctx);
    const found = new Map((await s.store.directoryEntries(req.data.userIds)).map((e) => [e.userId, e]));
    // In the order asked; unknown ids are never subscribed, so they never count against the cap.
    const entries = req.data.userIds.flatMap((u) => found.get(u) ?? []);
    const subscribed = s.presence.subscribe(c, entries.map((e) => e.userId));
    await s.sessions.prefetch(entries.map((e) => e.userId));
    return { users: entries.map((e) => user(s, e)), unknown: req.data.userIds.filter((u) => !found.has(u)), subscribed };
  },
  presenceUnsubscribe: async (s, ctx, req) => {
    needUser(ctx);
    return { subscribed: s.presence.unsubscribe(conn(ctx), req.data.userIds) };
  },
};

function pushToOtherDevices(s: Services, ctx: RequestContext, push: Parameters<Services['sessions']['push']>[2]): void {
  const me = needUser(ctx);
  s.sessions.pushToOthers(me.user.userId, me.deviceId, push);
}
