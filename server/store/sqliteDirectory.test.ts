import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { queryWords } from '../domain/directoryTerms.ts';
import { SQLITE_MIGRATIONS } from './sqliteMigrations.ts';
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
