import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/shared/call/index.ts';
import { start, ok, step, bob, b1, T0 } from '../../src/shared/call/testkit.ts';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { previousRows, previousSchema } from '../../test/support/previousSchema.ts';
import { SqliteStore } from './sqliteStore.ts';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqliteMigrations.ts';

const path = () => join(mkdtempSync(join(tmpdir(), 'ringdesk-store-')), 'db.sqlite');

describe('SqliteStore', () => {
  it('keeps accounts, DND and calls across reopening, in WAL mode', async () => {
    const p = path();
    let s = new SqliteStore(p);
    await s.createUser({ userId: asUserId('alice'), displayName: 'Alice', passwordHash: 'h', disabled: false, createdAt: 1 });
    await s.setDnd(asUserId('alice'), { enabled: true, allowList: [asUserId('bob')] });
    const { call } = start('normal');
    await s.saveCall(call, null);
    const ended = ok(step(call, { type: 'reject', by: bob, device: b1, extendedData: '' }, T0 + 10)).call;
    await s.saveCall(ended, null);
    await s.close();
    s = new SqliteStore(p);
    expect(await s.getUser(asUserId('alice'))).toMatchObject({ displayName: 'Alice', dnd: { enabled: true, allowList: ['bob'] } });
    expect(await s.startedCalls()).toHaveLength(1); // carol still ringing
    expect((await s.getCall(call.callID))?.members[1]?.state).toBe('rejected');
    await s.close();
    const raw = new DatabaseSync(p);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('saves the record with the call in one transaction, and a failing save leaves nothing half-written', async () => {
    const p = path();
    const s = new SqliteStore(p);
    const { call } = start('normal');
    await s.saveCall(call, null);
    const done = ok(step(call, { type: 'memberLost', userId: asUserId('alice') })).call;
    // The record insert fails inside the transaction (a trigger stands in for a full disk): the call update before it rolls back.
    const raw = new DatabaseSync(p);
    raw.exec(`CREATE TRIGGER no_records BEFORE INSERT ON call_records BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    await expect(s.saveCall(done, buildRecord(done))).rejects.toThrow(/disk full/);
    expect((await s.getCall(call.callID))?.callState).toBe('started');
    raw.exec('DROP TRIGGER no_records');
    raw.close();
    // A call our schema would not read back is refused before anything is written.
    const broken = { ...done, members: [{ ...done.members[0], userId: 'NOT VALID' }] } as unknown as typeof done; // simulates a bug elsewhere
    await expect(s.saveCall(broken, null)).rejects.toThrow(/invalid call/);
    await s.saveCall(done, buildRecord(done));
    expect((await s.getRecord(done.callID))?.endReason).toBe('callerLost');
    await s.close();
  });

  it('when SQLite already rolled the transaction back itself (as on SQLITE_FULL), the real error comes out, not "cannot rollback"', async () => {
    const p = path();
    const s = new SqliteStore(p);
    const { call } = start('normal');
    await s.saveCall(call, null);
    const done = ok(step(call, { type: 'memberLost', userId: asUserId('alice') })).call;
    // RAISE(ROLLBACK) ends the transaction inside the statement, which is what SQLite does on a full disk.
    const raw = new DatabaseSync(p);
    raw.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON call_records BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END;`);
    await expect(s.saveCall(done, buildRecord(done))).rejects.toThrow(/database or disk is full/);
    expect((await s.getCall(call.callID))?.callState).toBe('started');
    raw.exec('DROP TRIGGER full_disk');
    raw.close();
    await s.saveCall(done, buildRecord(done)); // and the store still works
    expect((await s.getCall(call.callID))?.callState).toBe('ended');
    await s.close();
  });

});

describe('SqliteStore migrations', () => {
  it('migrates an empty database to the latest schema and records the version', async () => {
    const p = path();
    await new SqliteStore(p).close();
    const raw = new DatabaseSync(p);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    raw.close();
  });

  it('upgrades a database written by the previous release step by step, keeping its rows', async () => {
    const p = path();
    const raw = new DatabaseSync(p);
    raw.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    raw.exec(SQLITE_MIGRATIONS[0]?.sql ?? '');
    raw.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    raw.prepare("INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('erin', 'Erin', 'h', 1)").run();
    raw.close();
    const s = new SqliteStore(p);
    expect(await s.getUser(asUserId('erin'))).toMatchObject({ displayName: 'Erin' });
    await s.close();
    const after = new DatabaseSync(p);
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    after.close();
  });

  it('upgrades a database at the previous release\'s schema: its calls, members, records and favorites kept, its calls claimable', async () => {
    const p = path();
    const before = previousSchema(SQLITE_MIGRATIONS);
    const rows = previousRows();
    const raw = new DatabaseSync(p);
    raw.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    raw.exec(before.sql);
    raw.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(before.version));
    raw.exec(rows.sql);
    raw.close();
    const s = new SqliteStore(p);
    try {
      expect(await s.getMeta('schema_version')).toBe(String(SQLITE_SCHEMA_VERSION));
      await rows.check(s);
    } finally {
      await s.close();
    }
  });

  it('refuses a database from a newer server, naming both versions', () => {
    const p = path();
    const raw = new DatabaseSync(p);
    raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '999')");
    raw.close();
    expect(() => new SqliteStore(p)).toThrow(/schema 999 is newer .*\(\d+\)/);
  });
});

describe('SqliteStore migration 2: revocations and token rotation', () => {
  it('a version-1 database keeps its devices (rotation columns start at 0) and gains an empty revocations table', async () => {
    const p = path();
    const raw = new DatabaseSync(p);
    raw.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    raw.exec(SQLITE_MIGRATIONS[0]?.sql ?? '');
    raw.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    raw.prepare("INSERT INTO users (user_id, display_name, password_hash, created_at) VALUES ('erin', 'Erin', 'h', 1)").run();
    raw.prepare("INSERT INTO devices (user_id, device_id, name, last_seen, tokens_after) VALUES ('erin', 'd1', 'Laptop', 5, 7)").run();
    raw.close();
    const s = new SqliteStore(p);
    const erin = asUserId('erin');
    const d1 = asDeviceId('d1');
    expect(await s.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 7, supersededBefore: 0, supersededAt: 0 });
    expect(await s.lastRevocationSeq()).toBe(0);
    await s.close();
  });
});
