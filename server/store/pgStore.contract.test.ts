import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { startTestPostgres, type TestPostgres } from '../../test/support/postgres.ts';
import { previousRows, previousSchema } from '../../test/support/previousSchema.ts';
import { storeContract } from '../../test/support/storeContract.ts';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './pgMigrations.ts';
import { PgStore } from './pgStore.ts';
import { errorMessage } from '../../src/shared/errors.ts';

// A real PostgreSQL from Debian's package, started for this file (scripts/test.sh installs it).
let server: TestPostgres;
let n = 0;
beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/**
 * Each test gets its own empty database on the one server, with a locale's collation (ICU) as its
 * default, as a production database has: a query that needs byte order and does not ask for it fails here.
 */
async function freshDatabase(): Promise<string> {
  const name = `contract_${process.pid}_${++n}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/ringdesk$/, `/${name}`);
}

/** Runs SQL on a database as an older server or an operator would have left it. */
async function rawSql(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

storeContract('PostgreSQL', async () => {
  const url = await freshDatabase();
  let store = await PgStore.open(url);
  return {
    store,
    async reopen() {
      await store.close();
      store = await PgStore.open(url);
      return store;
    },
    exec: (sql) => rawSql(url, sql),
    async dispose() {
      await store.close();
    },
  };
});

describe('PgStore migrations', () => {
  it('upgrades a version-1 database step by step: rows kept, rotation columns at 0, users indexed for the directory', async () => {
    const url = await freshDatabase();
    await rawSql(
      url,
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); ${PG_MIGRATIONS[0]?.sql ?? ''}
       INSERT INTO meta (key, value) VALUES ('schema_version', '1');
       INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('erin', 'Érin Søby', 'h', 1);
       INSERT INTO devices (user_id, device_id, name, last_seen, tokens_after) VALUES ('erin', 'd1', 'Laptop', 5, 7);`,
    );
    const store = await PgStore.open(url);
    try {
      const erin = asUserId('erin');
      expect(await store.getMeta('schema_version')).toBe(String(PG_SCHEMA_VERSION));
      expect(await store.deviceTokenState(erin, asDeviceId('d1'))).toEqual({ tokensAfter: 7, supersededBefore: 0, supersededAt: 0 });
      expect(await store.lastRevocationSeq()).toBe(0);
      expect((await store.searchDirectory(['soby'], null, 10)).users).toEqual([{ userId: 'erin', displayName: 'Érin Søby', dnd: false }]);
    } finally {
      await store.close();
    }
  });

  it('upgrades a database at the previous release\'s schema: its calls, members, records and favorites kept, its calls claimable by a node', async () => {
    const url = await freshDatabase();
    const before = previousSchema(PG_MIGRATIONS);
    const rows = previousRows();
    await rawSql(url, `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); ${before.sql}
       INSERT INTO meta (key, value) VALUES ('schema_version', '${before.version}');
       ${rows.sql}
       SELECT setval('calls_seq_seq', 2);`);
    const store = await PgStore.open(url);
    try {
      expect(await store.getMeta('schema_version')).toBe(String(PG_SCHEMA_VERSION));
      await rows.check(store);
    } finally {
      await store.close();
    }
  });

  it('two nodes opening a new database together both come up on the latest schema', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
    try {
      expect(await a.getMeta('schema_version')).toBe(String(PG_SCHEMA_VERSION));
      await a.createUser({ userId: asUserId('zed'), displayName: 'Zed', passwordHash: 'h', disabled: false, createdAt: 1 });
      expect((await b.searchDirectory(['zed'], null, 10)).users.map((u) => u.userId)).toEqual(['zed']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a database from a newer server, naming both versions', async () => {
    const url = await freshDatabase();
    await rawSql(url, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '999')");
    await expect(PgStore.open(url)).rejects.toThrow(/schema 999 is newer .*\(\d+\)/);
  });
});

describe('PgStore connection lost inside a transaction', () => {
  it('the transaction fails with the storage error, nothing crashes, and the next write works', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Hold the table so the store's transaction is checked out and waiting when its backend is killed.
      await admin.query('BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const write = store.createUser({ userId: asUserId('kim'), displayName: 'Kim', passwordHash: 'h', disabled: false, createdAt: 1 });
      const settled = write.then(
        () => 'resolved',
        (e: unknown) => (errorMessage(e)),
      );
      let pid: number | undefined;
      while (pid === undefined) {
        const r = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        pid = r.rows[0]?.pid;
        if (pid === undefined) await new Promise((ok) => setTimeout(ok, 20));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await settled).not.toBe('resolved');
      await admin.query('ROLLBACK');
      await store.createUser({ userId: asUserId('kim'), displayName: 'Kim', passwordHash: 'h', disabled: false, createdAt: 1 });
      expect((await store.searchDirectory(['kim'], null, 10)).users.map((u) => u.userId)).toEqual(['kim']);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});
