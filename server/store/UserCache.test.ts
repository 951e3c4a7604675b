import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { SqliteStore } from './sqliteStore.ts';
import { UserCache } from './UserCache.ts';

const alice = asUserId('alice');
let path: string;
let store: SqliteStore;
let t: number;
const now = () => t;

beforeEach(async () => {
  path = join(mkdtempSync(join(tmpdir(), 'ringdesk-usercache-')), 'db.sqlite');
  store = new SqliteStore(path);
  await store.createUser({ userId: alice, displayName: 'Alice', passwordHash: 'h1', disabled: false, createdAt: 1 });
  t = 1000;
});
afterEach(async () => {
  await store.close();
});

describe('UserCache', () => {
  it('serves repeated reads from memory within the TTL and concurrent reads share one store read', async () => {
    const cache = new UserCache(store, { ttlMs: 2000, now });
    const [a, b] = await Promise.all([cache.get(alice), cache.get(alice)]);
    expect(a).toBe(b);
    expect(await cache.get(alice)).toBe(a);
    expect(cache.stats).toMatchObject({ misses: 1, hits: 2 });
    expect(await cache.get(asUserId('nobody'))).toBeUndefined();
  });

  it('writes through the cache are seen at once (DND, disable, password)', async () => {
    const cache = new UserCache(store, { ttlMs: 60_000, now });
    expect((await cache.get(alice))?.dnd.enabled).toBe(false);
    await cache.setDnd(alice, { enabled: true, allowList: [] });
    expect((await cache.get(alice))?.dnd.enabled).toBe(true);
    await cache.setUserDisabled(alice, true);
    expect((await cache.get(alice))?.disabled).toBe(true);
    await cache.setPassword(alice, 'h2');
    expect((await cache.get(alice))?.passwordHash).toBe('h2');
  });

  it('a write by another process (the admin CLI) is seen after the TTL, or at once after invalidate(userId)', async () => {
    const cache = new UserCache(store, { ttlMs: 2000, now });
    expect((await cache.get(alice))?.disabled).toBe(false);
    const cli = new SqliteStore(path); // a second connection, as `node server/index.ts user disable` opens
    await cli.setUserDisabled(alice, true);
    await cli.close();
    t += 1999;
    expect((await cache.get(alice))?.disabled).toBe(false); // still trusted: the documented staleness window
    cache.invalidate(alice);
    expect((await cache.get(alice))?.disabled).toBe(true);
    await store.setUserDisabled(alice, false); // behind the cache's back
    t += 2000;
    expect((await cache.get(alice))?.disabled).toBe(false); // expired and re-read
  });

  it('an invalidation during a read in flight is not undone by that read; failed reads are not cached; ttl 0 never caches', async () => {
    let reads = 0;
    let fail = false;
    const slow = {
      getUser: async (id: typeof alice) => {
        reads++;
        if (fail) throw new Error('database is locked');
        return store.getUser(id);
      },
      setDnd: store.setDnd.bind(store),
      setUserDisabled: store.setUserDisabled.bind(store),
      setPassword: store.setPassword.bind(store),
    };
    const cache = new UserCache(slow, { ttlMs: 2000, now });
    const inFlight = cache.get(alice);
    cache.invalidate(alice);
    await inFlight;
    await cache.get(alice);
    expect(reads).toBe(2);
    cache.invalidate(alice);
    fail = true;
    await expect(cache.get(alice)).rejects.toThrow('database is locked');
    fail = false;
    expect((await cache.get(alice))?.userId).toBe('alice');
    const off = new UserCache(slow, { ttlMs: 0, now });
    const before = reads;
    await off.get(alice);
    await off.get(alice);
    expect(reads - before).toBe(2);
    expect(off.size).toBe(0);
  });

  it('expired entries leave memory as new users are read, not only at maxEntries', async () => {
    for (const u of ['b', 'c']) await store.createUser({ userId: asUserId(u), displayName: u, passwordHash: 'h', disabled: false, createdAt: 1 });
    const cache = new UserCache(store, { ttlMs: 2000, now });
    await cache.get(alice);
    await cache.get(asUserId('b'));
    expect(cache.size).toBe(2);
    t += 5000;
    await cache.get(asUserId('c'));
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    for (const u of ['b', 'c']) await store.createUser({ userId: asUserId(u), displayName: u, passwordHash: 'h', disabled: false, createdAt: 1 });
    const cache = new UserCache(store, { ttlMs: 60_000, maxEntries: 2, now });
    await cache.get(alice);
    await cache.get(asUserId('b'));
    await cache.get(asUserId('c'));
    expect(cache.size).toBe(2);
    const misses = cache.stats.misses;
    await cache.get(alice);
    expect(cache.stats.misses).toBe(misses + 1);
  });
});
