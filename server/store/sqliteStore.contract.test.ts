import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { storeContract } from '../../test/support/storeContract.ts';
import { SqliteStore } from './sqliteStore.ts';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringdesk-contract-'));
  const path = join(dir, 'db.sqlite');
  let store = new SqliteStore(path);
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteStore(path);
      return store;
    },
    async exec(sql) {
      const raw = new DatabaseSync(path);
      try {
        raw.exec(sql);
      } finally {
        raw.close();
      }
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
