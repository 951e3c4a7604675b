import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/shared/call/index.ts';
import { start, ok, step, bob, b1, T0 } from '../../src/shared/call/testkit.ts';
import { asCallId, asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
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

  it('lists a user\'s call records newest call first, paged, leaving out started calls', async () => {
    const s = new SqliteStore(path());
    for (let i = 0; i < 3; i++) {
      const { call } = start('normal');
      const c = { ...call, callID: asCallId(`c${i}`) };
      await s.saveCall(c, null);
      const done = ok(step(c, { type: 'memberLost', userId: asUserId('alice') })).call;
      await s.saveCall(done, buildRecord(done));
    }
    await s.saveCall({ ...start('normal').call, callID: asCallId('ringing') }, null);
    const p1 = await s.listRecordsFor(bob, 2, 0);
    expect(p1.records.map((r) => r.callID)).toEqual(['c2', 'c1']);
    const p2 = await s.listRecordsFor(bob, 2, p1.nextFlag);
    expect(p2).toMatchObject({ records: [{ callID: 'c0', participants: expect.arrayContaining([expect.objectContaining({ userId: 'bob', outcome: 'cancelled' })]) }], nextFlag: 0 });
    expect(await s.listRecordsFor(asUserId('zed'), 10, 0)).toEqual({ records: [], nextFlag: 0 });
    await s.close();
  });

  it('skips a damaged call row instead of failing the whole load', async () => {
    const p = path();
    const s = new SqliteStore(p);
    await s.saveCall(start('normal').call, null);
    await s.close();
    const raw = new DatabaseSync(p);
    raw.exec(`INSERT INTO calls (call_id, call_state, created_at, body) VALUES ('bad', 'started', 1, '{"nope":1}')`);
    raw.close();
    const again = new SqliteStore(p);
    expect(await again.startedCalls()).toHaveLength(1);
    await again.close();
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

  it('disable, passwd and revokeUserSessions each write one revocation in their transaction, with an increasing seq', async () => {
    const s = new SqliteStore(path());
    const erin = asUserId('erin');
    await s.createUser({ userId: erin, displayName: 'Erin', passwordHash: 'h', disabled: false, createdAt: 1 });
    expect(await s.setUserDisabled(erin, true)).toBe(true);
    expect(await s.setUserDisabled(erin, false)).toBe(true); // enabling revokes nothing new
    expect(await s.setPassword(erin, 'h2')).toBe(true);
    expect(await s.revokeUserSessions(erin, 'signout', asDeviceId('d1'), 123)).toBe(true);
    expect(await s.revokeUserSessions(asUserId('nobody'), 'signout', null, 123)).toBe(false);
    const rows = await s.revocationsAfter(0, 10);
    expect(rows.map((r) => [r.seq, r.reason, r.exceptDevice])).toEqual([
      [1, 'disabled', null],
      [2, 'password', null],
      [3, 'signout', 'd1'],
    ]);
    expect(await s.revocationsAfter(2, 10)).toHaveLength(1);
    expect(await s.lastRevocationSeq()).toBe(3);
    await s.close();
  });

  it('tokenUsed: a newer token supersedes, an older one never moves it back, and the previous generation is voided', async () => {
    const s = new SqliteStore(path());
    const [u, d] = [asUserId('erin'), asDeviceId('d1')];
    await s.tokenUsed(u, d, 100, 1000);
    expect(await s.deviceTokenState(u, d)).toEqual({ tokensAfter: 0, supersededBefore: 100, supersededAt: 1000 });
    await s.tokenUsed(u, d, 50, 2000); // an older token in its grace: no change
    expect(await s.deviceTokenState(u, d)).toEqual({ tokensAfter: 0, supersededBefore: 100, supersededAt: 1000 });
    await s.tokenUsed(u, d, 200, 3000);
    expect(await s.deviceTokenState(u, d)).toEqual({ tokensAfter: 99, supersededBefore: 200, supersededAt: 3000 });
    await s.close();
  });

  it('createUsers writes all rows or none', async () => {
    const s = new SqliteStore(path());
    const row = (id: string) => ({ userId: asUserId(id), displayName: id, passwordHash: 'h', disabled: false, createdAt: 1 });
    await s.createUsers([row('a1'), row('a2')]);
    await expect(s.createUsers([row('a3'), row('a1')])).rejects.toThrow(/UNIQUE/);
    expect((await s.listUsers()).map((u) => u.userId)).toEqual(['a1', 'a2']);
    await s.close();
  });
});
