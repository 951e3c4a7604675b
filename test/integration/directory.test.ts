import { afterEach, describe, expect, it } from 'vitest';
import { RingdeskError } from '../../src/shared/errors.ts';
import { asUserId, type PushData, type UserId } from '../../src/shared/protocol/index.ts';
import { connect, once, sleep, startTestServer, until, type TestClient, type TestServer } from './harness.ts';

let srv: TestServer;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.sig.close();
  await srv.close();
});

async function client(user: string, device?: string): Promise<TestClient> {
  const c = await connect(srv.url, user, device);
  clients.push(c);
  return c;
}
async function named(names: Record<string, string>): Promise<void> {
  for (const [id, name] of Object.entries(names)) expect(await srv.server.services.store.setDisplayName(asUserId(id), name)).toBe(true);
}
const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof RingdeskError ? e.code : String(e)));
const ids = (r: { users: { userId: UserId }[] }): string[] => r.users.map((u) => u.userId);
const presencePushes = (c: TestClient): number => c.heard.filter((t) => t === 'presenceChanged').length;

describe('directory search', () => {
  it('matches id and word prefixes across case, accents and Chinese; pages; leaves disabled users out', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol', 'wei', 'min', 'zoe', 'dave']);
    await named({ carol: 'Carol Díaz', wei: '张伟', min: '张敏', zoe: 'Zoë Adams', dave: 'Dave Díaz' });
    await srv.server.services.store.setUserDisabled(asUserId('dave'), true);
    const a = await client('alice');
    const search = (query: string, limit = 50, cursor?: string) => a.sig.request('directorySearch', { query, limit, ...(cursor ? { cursor } : {}) });
    expect(ids(await search('diaz'))).toEqual(['carol']);
    expect(ids(await search('DÍA'))).toEqual(['carol']);
    expect(ids(await search('zoe'))).toEqual(['zoe']);
    expect(ids(await search('伟'))).toEqual(['wei']);
    expect(ids(await search('张'))).toEqual(['wei', 'min']); // by the matched term: 张伟 < 张敏 in code point order
    expect(ids(await search('ca'))).toEqual(['carol']); // "ca" prefixes the id carol (and the word Carol): listed once
    expect(ids(await search('ali'))).toEqual(['alice']); // self included
    expect((await search('bob')).users[0]).toEqual({ userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false });

    // Browse everyone two at a time: every enabled user once, by display name.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await search('', 2, cursor);
      expect(p.users.length).toBeLessThanOrEqual(2);
      seen.push(...ids(p));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['alice', 'bob', 'carol', 'zoe', 'wei', 'min']);

    expect(await codeOf(search('a', 51))).toBe('bad_request');
    expect(await codeOf(search('a', 10, 'not-a-cursor'))).toBe('bad_request');
  });
});

describe('favorites and recents', () => {
  it('favorites live on the server: the same on every device, with a push to the others', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol']);
    const d1 = await client('alice', 'alice-d1');
    const d2 = await client('alice', 'alice-d2');
    const pushes: PushData<'favoritesChanged'>[] = [];
    d2.sig.on('push', (p) => {
      if (p.type === 'favoritesChanged') pushes.push(p.data);
    });
    const heard = once(d2.sig, 'push', (p) => p.type === 'favoritesChanged');
    expect(await d1.sig.request('favoritesAdd', { userId: asUserId('bob') })).toEqual({ user: { userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false }, added: true });
    await heard;
    expect(pushes).toEqual([{ user: { userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false }, favorite: true }]);
    expect(d1.heard).not.toContain('favoritesChanged');
    expect((await d1.sig.request('favoritesAdd', { userId: asUserId('bob') })).added).toBe(false);
    await d2.sig.request('favoritesAdd', { userId: asUserId('carol') });
    expect(ids(await d1.sig.request('favoritesList', {}))).toEqual(['bob', 'carol']);
    const p1 = await d2.sig.request('favoritesList', { limit: 1 });
    expect(ids(p1)).toEqual(['bob']);
    expect(ids(await d2.sig.request('favoritesList', { limit: 1, cursor: p1.nextCursor ?? '' }))).toEqual(['carol']);

    expect(await codeOf(d1.sig.request('favoritesAdd', { userId: asUserId('alice') }))).toBe('bad_request');
    expect(await codeOf(d1.sig.request('favoritesAdd', { userId: asUserId('nobody') }))).toBe('user_not_found');
    const removed = once(d2.sig, 'push', (p) => p.type === 'favoritesChanged' && !p.data.favorite);
    expect(await d1.sig.request('favoritesRemove', { userId: asUserId('bob') })).toEqual({ removed: true });
    await removed;
    expect(await d1.sig.request('favoritesRemove', { userId: asUserId('bob') })).toEqual({ removed: false });
    expect(ids(await d2.sig.request('favoritesList', {}))).toEqual(['carol']);
  });

  it('recents are the distinct people of the latest calls, newest first, with presence', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol', 'dave']);
    const a = await client('alice');
    await client('carol');
    const c1 = await a.calls.callInvite([asUserId('bob')]);
    await a.calls.callCancel(c1.call.callID);
    const c2 = await a.calls.callInvite([asUserId('carol'), asUserId('bob')]);
    await a.calls.callCancel(c2.call.callID);
    const c3 = await a.calls.callInvite([asUserId('carol')]);
    await a.calls.callCancel(c3.call.callID);
    const r = await a.sig.request('recentsList', {});
    expect(r.users).toEqual([
      { userId: 'carol', displayName: 'CAROL', presence: 'online', dnd: false },
      { userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false },
    ]);
    expect(r.nextCursor).toBeNull();
    const p1 = await a.sig.request('recentsList', { limit: 1 });
    expect(ids(p1)).toEqual(['carol']);
    expect(ids(await a.sig.request('recentsList', { limit: 1, cursor: p1.nextCursor ?? '' }))).toEqual(['bob']);
  });
});

describe('presence by subscription', () => {
  it('snapshot on subscribe; pushes only to subscribers; unsubscribe stops them; close cleans up', async () => {
    srv = await startTestServer(['alice', 'bob', 'carol', 'erin']);
    const alice = await client('alice');
    const carol = await client('carol');
    const erin = await client('erin');
    const snap = await alice.sig.request('presenceSubscribe', { userIds: [asUserId('bob'), asUserId('carol'), asUserId('nobody')] });
    expect(snap).toEqual({
      users: [
        { userId: 'bob', displayName: 'BOB', presence: 'offline', dnd: false },
        { userId: 'carol', displayName: 'CAROL', presence: 'online', dnd: false },
      ],
      unknown: ['nobody'],
      subscribed: 2,
    });
    await erin.sig.request('presenceSubscribe', { userIds: [asUserId('bob')] });
    const carolBefore = presencePushes(carol);

    const aliceSees = once(alice.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === 'bob' && u.presence === 'online'));
    const erinSees = once(erin.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === 'bob' && u.presence === 'online'));
    const bob = await client('bob');
    await Promise.all([aliceSees, erinSees]);

    // alice stops watching bob; erin still does: bob's DND reaches erin only.
    expect(await alice.sig.request('presenceUnsubscribe', { userIds: [asUserId('bob')] })).toEqual({ subscribed: 1 });
    const aliceBefore = presencePushes(alice);
    const erinDnd = once(erin.calls, 'presenceChanged', (d) => d.users.some((u) => u.userId === 'bob' && u.dnd));
    await bob.calls.setDNDStatus({ enabled: true, allowList: [] });
    await erinDnd;
    await sleep(250); // more than a flush interval: anything for alice or carol would have been sent
    expect(presencePushes(alice)).toBe(aliceBefore);
    expect(presencePushes(carol)).toBe(carolBefore); // carol never subscribed to anyone

    const presence = srv.server.services.presence;
    expect(presence.watchedUsers).toBe(2); // bob (erin), carol (alice)
    erin.sig.close();
    await until(() => presence.watchedUsers === 1, 4000, 'erin dropped from the index');
    alice.sig.close();
    await until(() => presence.watchedUsers === 0, 4000, 'alice dropped from the index');
  });

  it('caps subscriptions per connection at 500 with limit_exceeded naming the cap', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `p${i}`);
    srv = await startTestServer(['alice', ...many]);
    const a = await client('alice');
    const sub = (list: string[]) => a.sig.request('presenceSubscribe', { userIds: list.map(asUserId) });
    expect((await sub(many.slice(0, 200))).subscribed).toBe(200);
    expect((await sub(many.slice(200, 400))).subscribed).toBe(400);
    expect((await sub(many.slice(400, 500))).subscribed).toBe(500);
    expect((await sub(many.slice(0, 10))).subscribed).toBe(500); // already subscribed: free
    const err = await sub([many[500] ?? '']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'limit_exceeded', message: expect.stringContaining('at most 500') });
    expect(await codeOf(a.sig.request('presenceSubscribe', { userIds: many.slice(0, 201).map(asUserId) }))).toBe('bad_request');
    expect((await a.sig.request('presenceUnsubscribe', { userIds: [asUserId('p0')] })).subscribed).toBe(499);
    expect((await sub([many[500] ?? ''])).subscribed).toBe(500);
  });
});
