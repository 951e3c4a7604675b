import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { queryWords } from '../domain/directoryTerms.ts';
import { SQLITE_MIGRATIONS } from './sqliteMigrations.ts';
import { DIRECTORY_PAGE_CACHE_MS } from './sqliteDirectory.ts';
import { SqliteStore } from './sqliteStore.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'ringdesk-dir-')), 'db.sqlite');
let s: SqliteStore;
afterEach(() => s.close());
const ids = async (q: string) => (await s.searchDirectory(queryWords(q), null, 50)).users.map((u) => u.userId);

// The directory's behaviour is in the Store contract (test/support/storeContractDirectory.ts), run against both stores.
describe('SqliteStore directory', () => {
  it('indexes the users of a database written before the directory existed', async () => {
    const p = path();
    const raw = new DatabaseSync(p);
    raw.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    raw.exec(SQLITE_MIGRATIONS[0]?.sql ?? '');
    raw.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    raw.prepare("INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('erin', 'Érin Søby', 'h', 1)").run();
    raw.close();
    s = new SqliteStore(p);
    expect(await ids('eri')).toEqual(['erin']);
    expect(await s.directoryEntries([asUserId('erin'), asUserId('nobody')])).toEqual([{ userId: 'erin', displayName: 'Érin Søby', dnd: false, disabled: false }]);
  });
});

describe('SqliteStore directory page cache', () => {
  const seed = async (now: () => number) => {
    const p = path();
    s = new SqliteStore(p, { now });
    for (const u of ['ann', 'bob', 'cat']) await s.createUser({ userId: asUserId(u), displayName: u.toUpperCase(), passwordHash: 'h', disabled: false, createdAt: 1 });
    return p;
  };

  it('reuses a page for DIRECTORY_PAGE_CACHE_MS: another process’s write shows once it expires', async () => {
    let t = 1_000_000;
    const p = await seed(() => t);
    expect(await ids('')).toEqual(['ann', 'bob', 'cat']);
    const other = new DatabaseSync(p); // the admin CLI in another process
    other.prepare("UPDATE users SET disabled = 1 WHERE user_id = 'bob'").run();
    other.close();
    t += DIRECTORY_PAGE_CACHE_MS - 1;
    expect(await ids('')).toEqual(['ann', 'bob', 'cat']); // still the cached page
    t += 1;
    expect(await ids('')).toEqual(['ann', 'cat']);
  });

  it('this store’s own writes show at once: disable, DND, rename and new users', async () => {
    const t = 1_000_000;
    await seed(() => t);
    expect(await ids('')).toEqual(['ann', 'bob', 'cat']);
    await s.setUserDisabled(asUserId('bob'), true);
    expect(await ids('')).toEqual(['ann', 'cat']);
    await s.setDnd(asUserId('cat'), { enabled: true, allowList: [] });
    expect((await s.searchDirectory([], null, 50)).users.find((u) => u.userId === 'cat')?.dnd).toBe(true);
    await s.setDisplayName(asUserId('ann'), 'Zed');
    expect(await ids('')).toEqual(['cat', 'ann']);
    await s.createUser({ userId: asUserId('abe'), displayName: 'ABE', passwordHash: 'h', disabled: false, createdAt: 1 });
    expect(await ids('')).toEqual(['abe', 'cat', 'ann']);
  });
});

describe('SqliteStore directory entries cache (presence snapshots)', () => {
  const bob = asUserId('bob');
  const entry = async (id = bob) => (await s.directoryEntries([id]))[0];

  it('reuses entries for DIRECTORY_PAGE_CACHE_MS; this store’s own writes show at once, another process’s once they expire', async () => {
    let t = 1_000_000;
    const p = path();
    s = new SqliteStore(p, { now: () => t });
    for (const u of ['ann', 'bob']) await s.createUser({ userId: asUserId(u), displayName: u.toUpperCase(), passwordHash: 'h', disabled: false, createdAt: 1 });
    expect(await s.directoryEntries([bob, asUserId('ann'), bob, asUserId('nobody')])).toEqual([
      { userId: 'ann', displayName: 'ANN', dnd: false, disabled: false }, // each once; the unknown id left out
      { userId: 'bob', displayName: 'BOB', dnd: false, disabled: false },
    ]);

    const other = new DatabaseSync(p); // the admin CLI in another process
    other.prepare("UPDATE users SET display_name = 'Robert' WHERE user_id = 'bob'").run();
    t += DIRECTORY_PAGE_CACHE_MS - 1;
    expect((await entry())?.displayName).toBe('BOB'); // still the cached entry
    t += 1;
    expect((await entry())?.displayName).toBe('Robert');

    await s.setDnd(bob, { enabled: true, allowList: [] });
    expect((await entry())?.dnd).toBe(true);
    await s.setUserDisabled(bob, true);
    expect((await entry())?.disabled).toBe(true);
    await s.setDisplayName(bob, 'Bobby');
    expect((await entry())?.displayName).toBe('Bobby');

    // A user created by another process is found at once: unknown ids are never cached.
    other.prepare("INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('cy', 'CY', 'h', 1)").run();
    other.close();
    expect((await entry(asUserId('cy')))?.displayName).toBe('CY');
  });
});
