import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { queryWords } from '../domain/directoryTerms.ts';
import { SQLITE_MIGRATIONS } from './sqliteMigrations.ts';
import { SqliteStore } from './sqliteStore.ts';
import type { CursorKey } from './Store.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'ringdesk-dir-')), 'db.sqlite');
const PEOPLE: [string, string][] = [
  ['anna', 'Anna Andersen'],
  ['andrew', 'Andrew Zhu'],
  ['carol', 'Carol Díaz'],
  ['emile', 'Émile Zola'],
  ['jl.picard', 'Jean-Luc Picard'],
  ['wei.zhang', '张伟'],
  ['zhang.min', '张敏'],
  ['zoe', 'Zoë Adams'],
];
let s: SqliteStore;
afterEach(() => s.close());

async function seeded(): Promise<SqliteStore> {
  s = new SqliteStore(path());
  for (const [id, name] of PEOPLE) await s.createUser({ userId: asUserId(id), displayName: name, passwordHash: 'h', disabled: false, createdAt: 1 });
  return s;
}
const ids = async (q: string, limit = 50, after: CursorKey | null = null) => (await s.searchDirectory(queryWords(q), after, limit)).users.map((u) => u.userId);

describe('SqliteStore directory', () => {
  it('matches prefixes of the id and of name words, ignoring case and accents, and Chinese at every character', async () => {
    await seeded();
    expect(await ids('dia')).toEqual(['carol']);
    expect(await ids('DÍAZ')).toEqual(['carol']);
    expect(await ids('emi')).toEqual(['emile']);
    expect(await ids('zoe')).toEqual(['zoe']);
    expect(await ids('luc')).toEqual(['jl.picard']);
    expect(await ids('jl.p')).toEqual(['jl.picard']);
    expect(await ids('伟')).toEqual(['wei.zhang']);
    expect(await ids('张')).toEqual(['wei.zhang', 'zhang.min']);
    expect(await ids('张伟')).toEqual(['wei.zhang']);
    expect(await ids('ann and')).toEqual(['anna']);
    expect(await ids('xyz')).toEqual([]);
  });

  it('pages with a cursor, never repeating a user that matches on two words', async () => {
    await seeded();
    // "an": anna (anna, andersen), andrew; "a": also adams (zoe). Page by one.
    const seen: string[] = [];
    let after: CursorKey | null = null;
    for (let i = 0; i < 10; i++) {
      const p = await s.searchDirectory(['a'], after, 1);
      seen.push(...p.users.map((u) => u.userId));
      if (!p.next) break;
      after = p.next;
    }
    expect(seen.sort()).toEqual(['andrew', 'anna', 'zoe']);
  });

  it('browses everyone by folded display name; disabled users are left out everywhere', async () => {
    await seeded();
    const all = await ids('');
    expect(all.slice(0, 4)).toEqual(['andrew', 'anna', 'carol', 'emile']);
    expect(all).toHaveLength(PEOPLE.length);
    const page1 = await s.searchDirectory([], null, 3);
    const page2 = await s.searchDirectory([], page1.next, 3);
    expect([...page1.users, ...page2.users].map((u) => u.userId)).toEqual(all.slice(0, 6));
    await s.setUserDisabled(asUserId('carol'), true);
    expect(await ids('')).not.toContain('carol');
    expect(await ids('carol')).toEqual([]);
  });

  it('follows a rename', async () => {
    await seeded();
    expect(await s.setDisplayName(asUserId('carol'), 'Carol Ng')).toBe(true);
    expect(await ids('diaz')).toEqual([]);
    expect(await ids('ng')).toEqual(['carol']);
    expect(await s.setDisplayName(asUserId('nobody'), 'X')).toBe(false);
  });

  it('keeps favorites per user, ordered by id, capped', async () => {
    await seeded();
    const me = asUserId('anna');
    expect(await s.addFavorite(me, asUserId('zoe'), 2, 1)).toBe('added');
    expect(await s.addFavorite(me, asUserId('zoe'), 2, 1)).toBe('exists');
    expect(await s.addFavorite(me, asUserId('carol'), 2, 1)).toBe('added');
    expect(await s.addFavorite(me, asUserId('emile'), 2, 1)).toBe('full');
    const p1 = await s.listFavorites(me, null, 1);
    expect(p1.users.map((u) => u.userId)).toEqual(['carol']);
    expect((await s.listFavorites(me, p1.next, 1)).users.map((u) => u.userId)).toEqual(['zoe']);
    expect(await s.removeFavorite(me, asUserId('zoe'))).toBe(true);
    expect(await s.removeFavorite(me, asUserId('zoe'))).toBe(false);
    expect((await s.listFavorites(asUserId('zoe'), null, 50)).users).toEqual([]);
  });

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
