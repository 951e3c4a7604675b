// The Store contract for the directory: search, browse, entries, favorites, recents, the index rebuild.
import { describe, expect, it } from 'vitest';
import { alice, bob, carol, dave } from '../../src/shared/call/testkit.ts';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { DIRECTORY_TERMS_VERSION, queryWords } from '../../server/domain/directoryTerms.ts';
import { DIRECTORY_META_KEY } from '../../server/store/directoryQueries.ts';
import type { CursorKey, DirectoryPage, Store } from '../../server/store/Store.ts';
import { newCall, user, withStore, type OpenFixture } from './storeContractKit.ts';

const PEOPLE: [string, string][] = [
  ['anna', 'Anna Andersen'],
  ['andrew', 'Andrew Zhu'],
  ['carol', 'Carol Díaz'],
  ['emile', 'Émile Zola'],
  ['erin', 'Érin Søby'],
  ['jl.picard', 'Jean-Luc Picard'],
  ['wei.zhang', '张伟'],
  ['zhang.min', '张敏'],
  ['zoe', 'Zoë Adams'],
];

async function seed(store: Store): Promise<void> {
  await store.createUsers(PEOPLE.map(([id, name]) => user(id, false, name)));
}
const ids = async (store: Store, q: string) => (await store.searchDirectory(queryWords(q), null, 50)).users.map((u) => u.userId);

/** Every page of a listing, one `limit` at a time, checking each cursor leads on. */
async function allPages(page: (after: CursorKey | null) => Promise<DirectoryPage>): Promise<string[]> {
  const seen: string[] = [];
  let after: CursorKey | null = null;
  for (let i = 0; i < 50; i++) {
    const p: DirectoryPage = await page(after);
    seen.push(...p.users.map((u) => u.userId));
    if (!p.next) return seen;
    after = p.next;
  }
  throw new Error('the cursor never ended');
}

export function directoryContract(open: OpenFixture): void {
  describe('directory', () => {
    it('matches prefixes of the id and of name words, ignoring case and accents, and Chinese at every character', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        expect(await ids(store, 'dia')).toEqual(['carol']);
        expect(await ids(store, 'DÍAZ')).toEqual(['carol']);
        expect(await ids(store, 'emi')).toEqual(['emile']);
        expect(await ids(store, 'zoe')).toEqual(['zoe']);
        expect(await ids(store, 'luc')).toEqual(['jl.picard']);
        expect(await ids(store, 'jl.p')).toEqual(['jl.picard']);
        expect(await ids(store, '伟')).toEqual(['wei.zhang']);
        expect(await ids(store, '张')).toEqual(['wei.zhang', 'zhang.min']);
        expect(await ids(store, '张伟')).toEqual(['wei.zhang']);
        expect(await ids(store, 'ann and')).toEqual(['anna']);
        expect(await ids(store, 'xyz')).toEqual([]);
        // ø has no decomposition: the rule folds it to o on both sides, so "so" finds "Søby" as "sø" does.
        expect(await ids(store, 'sø')).toEqual(['erin']);
        expect(await ids(store, 'so')).toEqual(['erin']);
        expect((await store.searchDirectory(['anna'], null, 5)).users).toEqual([{ userId: 'anna', displayName: 'Anna Andersen', dnd: false }]);
      }));

    it('pages a search with a cursor, never repeating a user that matches on two words', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        // "a": anna (anna, andersen), andrew, zoe (adams); one a page.
        const seen = await allPages((after) => store.searchDirectory(['a'], after, 1));
        expect(seen).toHaveLength(3);
        expect([...seen].sort()).toEqual(['andrew', 'anna', 'zoe']);
        const two = await store.searchDirectory(['a'], null, 2);
        expect(two.next).not.toBeNull();
        expect((await store.searchDirectory(['a'], null, 3)).next).toBeNull();
      }));

    it('browses everyone by folded display name in byte order, paged; disabled users are left out of search and browse', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        const all = await ids(store, '');
        expect(all).toEqual(['andrew', 'anna', 'carol', 'emile', 'erin', 'jl.picard', 'zoe', 'wei.zhang', 'zhang.min']);
        expect(await allPages((after) => store.searchDirectory([], after, 2))).toEqual(all);
        await store.setDnd(asUserId('zoe'), { enabled: true, allowList: [] });
        expect((await store.searchDirectory(['zoe'], null, 5)).users).toEqual([{ userId: 'zoe', displayName: 'Zoë Adams', dnd: true }]);
        await store.setUserDisabled(asUserId('carol'), true);
        expect(await ids(store, '')).toEqual(all.filter((u) => u !== 'carol'));
        expect(await ids(store, 'carol')).toEqual([]);
        expect(await ids(store, 'd')).toEqual([]); // díaz was carol's only d-word
      }));

    it('directoryEntries returns the users that exist, disabled ones flagged', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        await store.setUserDisabled(asUserId('carol'), true);
        await store.setDnd(asUserId('anna'), { enabled: true, allowList: [] });
        const got = await store.directoryEntries([asUserId('anna'), asUserId('carol'), asUserId('nobody')]);
        expect([...got].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
          { userId: 'anna', displayName: 'Anna Andersen', dnd: true, disabled: false },
          { userId: 'carol', displayName: 'Carol Díaz', dnd: false, disabled: true },
        ]);
        expect(await store.directoryEntries([])).toEqual([]);
      }));

    it('keeps favorites per user, ordered by id, paged, capped; a disabled favorite is neither listed nor counted', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        const me = asUserId('anna');
        expect(await store.addFavorite(me, asUserId('zoe'), 3, 1)).toBe('added');
        expect(await store.addFavorite(me, asUserId('zoe'), 3, 1)).toBe('exists');
        expect(await store.addFavorite(me, asUserId('carol'), 3, 1)).toBe('added');
        expect(await store.addFavorite(me, asUserId('emile'), 3, 1)).toBe('added');
        expect(await store.addFavorite(me, asUserId('erin'), 3, 1)).toBe('full');
        expect(await store.addFavorite(me, asUserId('zoe'), 3, 1)).toBe('exists'); // present wins over full
        expect(await allPages((after) => store.listFavorites(me, after, 2))).toEqual(['carol', 'emile', 'zoe']);
        const p1 = await store.listFavorites(me, null, 1);
        expect(p1.users.map((u) => u.userId)).toEqual(['carol']);
        expect((await store.listFavorites(me, p1.next, 1)).users.map((u) => u.userId)).toEqual(['emile']);
        await store.setUserDisabled(asUserId('emile'), true);
        expect((await store.listFavorites(me, null, 10)).users.map((u) => u.userId)).toEqual(['carol', 'zoe']);
        expect(await store.removeFavorite(me, asUserId('zoe'))).toBe(true);
        expect(await store.removeFavorite(me, asUserId('zoe'))).toBe(false);
        expect(await store.addFavorite(me, asUserId('erin'), 3, 1)).toBe('added');
        // carol and erin are what the list shows: emile, disabled and hidden, does not fill the third place.
        expect(await store.addFavorite(me, asUserId('zoe'), 3, 1)).toBe('added');
        expect(await store.addFavorite(me, asUserId('anna'), 3, 1)).toBe('full');
        expect((await store.listFavorites(me, null, 10)).users.map((u) => u.userId)).toEqual(['carol', 'erin', 'zoe']);
        expect((await store.listFavorites(asUserId('zoe'), null, 50)).users).toEqual([]);
      }));

    it('two devices adding favorites at once cannot pass the cap together', () =>
      withStore(open, async ({ store }) => {
        await seed(store);
        const me = asUserId('anna');
        const adds = await Promise.all(PEOPLE.slice(1).map(([id]) => store.addFavorite(me, asUserId(id), 3, 1)));
        expect(adds.filter((a) => a === 'added')).toHaveLength(3);
        expect(adds.filter((a) => a === 'full')).toHaveLength(PEOPLE.length - 4);
        expect((await store.listFavorites(me, null, 50)).users).toHaveLength(3);
      }));

    it('lists recents: the other members of the newest calls, latest first, paged, within the window', () =>
      withStore(open, async ({ store }) => {
        await store.createUsers(['alice', 'bob', 'carol', 'dave'].map((id) => user(id)));
        await store.saveCall(newCall(bob), null);
        await store.saveCall(newCall(carol, dave), null);
        await store.saveCall(newCall(bob), null);
        const recents = (u: typeof alice, window: number) => allPages((after) => store.listRecents(u, window, after, 1));
        expect(await recents(alice, 10)).toEqual(['bob', 'carol', 'dave']);
        expect(await recents(alice, 2)).toEqual(['bob', 'carol', 'dave']);
        expect(await recents(alice, 1)).toEqual(['bob']);
        expect(await recents(carol, 10)).toEqual(['alice', 'dave']);
        expect(await recents(asUserId('nobody'), 10)).toEqual([]);
        await store.setUserDisabled(dave, true);
        expect((await store.listRecents(alice, 10, null, 10)).users.map((u) => u.userId)).toEqual(['bob', 'carol']);
      }));

    it('rebuilds the index when it was built by an older rule version, and only then', () =>
      withStore(open, async (f) => {
        await seed(f.store);
        await f.exec('DELETE FROM user_search; DELETE FROM user_directory;');
        let store = await f.reopen();
        expect(await ids(store, 'zo')).toEqual([]); // same rule version: left alone
        // A newer release's index (a rolling upgrade, this node not yet upgraded): left alone too.
        await store.setMeta(DIRECTORY_META_KEY, String(DIRECTORY_TERMS_VERSION + 1));
        store = await f.reopen();
        expect(await ids(store, 'zo')).toEqual([]);
        await store.setMeta(DIRECTORY_META_KEY, '0');
        store = await f.reopen();
        expect(await ids(store, 'zo')).toEqual(['zoe', 'emile']);
        expect(await ids(store, '')).toHaveLength(PEOPLE.length);
      }));
  });
}
