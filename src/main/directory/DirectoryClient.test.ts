import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../shared/events.ts';
import { asUserId, DIRECTORY_LIMITS, type Push, type RequestInput, type RequestResult, type RequestType, type UserId } from '../../shared/protocol/index.ts';
import { DirectoryClient, type DirectoryPort } from './DirectoryClient.ts';

type Ev = { push: [Push]; session: [RequestResult<'login'>, boolean] };

/** A server that answers the directory's requests from memory and records what it was asked. */
class FakeServer extends TypedEmitter<Ev> implements DirectoryPort {
  readonly asked: { type: RequestType; data: unknown }[] = [];
  readonly subs = new Set<UserId>();
  favorites: UserId[] = [];
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<RequestResult<T>> {
    this.asked.push({ type, data });
    const user = (userId: UserId) => ({ userId, displayName: userId.toUpperCase(), presence: 'offline' as const, dnd: false });
    const d = data as { userIds?: UserId[] };
    const answer: Record<string, () => unknown> = {
      favoritesList: () => ({ users: this.favorites.map(user), nextCursor: null }),
      recentsList: () => ({ users: [], nextCursor: null }),
      presenceSubscribe: () => {
        for (const u of d.userIds ?? []) this.subs.add(u);
        if (this.subs.size > DIRECTORY_LIMITS.maxSubscriptionsPerConnection) throw new Error('cap passed');
        return { users: (d.userIds ?? []).map(user), unknown: [], subscribed: this.subs.size };
      },
      presenceUnsubscribe: () => {
        for (const u of d.userIds ?? []) this.subs.delete(u);
        return { subscribed: this.subs.size };
      },
    };
    const f = answer[type];
    if (!f) return Promise.reject(new Error(`unexpected ${type}`));
    return Promise.resolve().then(() => f() as RequestResult<T>); // the answers above follow the result schemas
  }
  session(): void {
    this.subs.clear(); // a new connection: the server forgot everything
    this.emit('session', {} as RequestResult<'login'>, true); // DirectoryClient reads nothing from the session
  }
}

const ids = (prefix: string, n: number): UserId[] => Array.from({ length: n }, (_, i) => asUserId(`${prefix}${i}`));
const settle = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

describe('DirectoryClient', () => {
  it('keeps the subscription to the union of what is shown, under the cap, calls and favorites first', async () => {
    const s = new FakeServer();
    s.favorites = ids('fav', 200);
    const d = new DirectoryClient(s);
    s.session();
    await settle();
    d.show('calls', ids('call', 9));
    d.show('page', ids('page', 350)); // 9 + 200 + 350 > 500: the page is cut
    await settle();
    expect(s.subs.size).toBe(DIRECTORY_LIMITS.maxSubscriptionsPerConnection);
    for (const u of [...ids('call', 9), ...ids('fav', 200)]) expect(s.subs.has(u)).toBe(true);
    const perRequest = s.asked.filter((a) => a.type === 'presenceSubscribe').map((a) => (a.data as { userIds: UserId[] }).userIds.length);
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(DIRECTORY_LIMITS.maxSubscribePerRequest);

    // The page changes: what left is unsubscribed, only what is new is subscribed.
    s.asked.length = 0;
    d.show('page', ids('other', 3));
    await settle();
    expect(s.subs.size).toBe(9 + 200 + 3);
    expect(s.asked.filter((a) => a.type === 'presenceSubscribe').flatMap((a) => (a.data as { userIds: UserId[] }).userIds)).toEqual(ids('other', 3));
  });

  it('re-reads favorites and subscribes again after every session', async () => {
    const s = new FakeServer();
    s.favorites = [asUserId('bob')];
    const d = new DirectoryClient(s);
    s.session();
    await settle();
    expect([...s.subs]).toEqual(['bob']);
    s.favorites = [asUserId('bob'), asUserId('carol')]; // changed on another device while we were away
    s.session();
    await settle();
    expect([...s.subs].sort()).toEqual(['bob', 'carol']);
    expect(d.people.favorites.map((u) => u.userId)).toEqual(['bob', 'carol']);
    expect(d.nameOf(asUserId('carol'))).toBe('CAROL');
    expect(d.nameOf(asUserId('stranger'))).toBe('stranger');
  });
});
