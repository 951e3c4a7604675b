import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../test/support/postgres.ts';
import { storeContract } from '../../test/support/storeContract.ts';
import { PgStore } from './pgStore.ts';

// A real PostgreSQL from Debian's package, started for this file (scripts/test.sh installs it).
let server: TestPostgres;
let n = 0;
beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** Each test gets its own empty database on the one server. */
async function freshDatabase(): Promise<string> {
  const name = `contract_${process.pid}_${++n}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/ringdesk$/, `/${name}`);
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
    async dispose() {
      await store.close();
    },
  };
});
