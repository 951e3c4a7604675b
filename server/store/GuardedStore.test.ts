import { describe, expect, it } from 'vitest';
import { asUserId } from '../../src/shared/protocol/index.ts';
import { GuardedStore } from './GuardedStore.ts';
import { SqliteStore } from './sqliteStore.ts';
import { StorageHealth, type StorageState } from './StorageHealth.ts';
import { sqliteFault } from './storageFaults.ts';

/** An error shaped like node:sqlite's (ERR_SQLITE_ERROR with errcode/errstr). */
function sqliteError(errcode: number, message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: message });
}

describe('sqliteFault', () => {
  it.each([
    [13, 'SQLITE_FULL', false],
    [8, 'SQLITE_READONLY', true],
    [10, 'SQLITE_IOERR', false],
    [778, 'SQLITE_IOERR', false], // SQLITE_IOERR_WRITE: extended codes keep the primary one in the low byte
    [14, 'SQLITE_CANTOPEN', true],
    [5, 'SQLITE_BUSY', false],
  ])('errcode %d is %s', (errcode, code, reopen) => {
    expect(sqliteFault(sqliteError(errcode, 'x'))).toEqual({ code, message: 'x', reopen });
  });
  it.each([
    ['a constraint violation', sqliteError(19, 'UNIQUE constraint failed')],
    ['a plain error', new Error('bug')],
    ['not an error', 'text'],
  ])('%s is not a storage fault', (_what, e) => {
    expect(sqliteFault(e)).toBeNull();
  });
});

describe('GuardedStore', () => {
  /** The real store, with setDnd made to fail on demand. */
  class FlakyStore extends SqliteStore {
    failWith: Error | null = null;
    override async setDnd(...a: Parameters<SqliteStore['setDnd']>): Promise<void> {
      if (this.failWith) throw this.failWith;
      return super.setDnd(...a);
    }
  }
  function setup() {
    const inner = new FlakyStore(':memory:');
    const health = new StorageHealth(() => 1000);
    const changes: StorageState[] = [];
    health.on('changed', (s) => changes.push(s));
    return { store: new GuardedStore(inner, health, sqliteFault), health, changes, fail: (e: Error | null) => (inner.failWith = e) };
  }
  const alice = asUserId('alice');

  it('a storage fault becomes storage_unavailable, flips health once, and the next good write flips it back', async () => {
    const { store, health, changes, fail } = setup();
    await store.createUser({ userId: alice, displayName: 'A', passwordHash: 'h', disabled: false, createdAt: 1 });
    fail(sqliteError(13, 'database or disk is full'));
    for (let i = 0; i < 3; i++) await expect(store.setDnd(alice, { enabled: true, allowList: [] })).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(health.state).toEqual({ ready: false, lastError: { code: 'SQLITE_FULL', message: 'database or disk is full', at: 1000 }, since: 1000 });
    expect(changes.map((c) => c.ready)).toEqual([false]);
    // Reads still work and do not count as recovery.
    expect((await store.getUser(alice))?.displayName).toBe('A');
    expect(health.ready).toBe(false);
    fail(null);
    await store.setDnd(alice, { enabled: true, allowList: [] });
    expect(changes.map((c) => c.ready)).toEqual([false, true]);
    expect(health.lastError?.code).toBe('SQLITE_FULL'); // kept: what the last outage was
  });

  it('other errors pass through unchanged and do not touch health', async () => {
    const { store, health, fail } = setup();
    const bug = new Error('a bug');
    fail(bug);
    await expect(store.setDnd(alice, { enabled: false, allowList: [] })).rejects.toBe(bug);
    expect(health.ready).toBe(true);
  });

  it('the probe writes through the store and reports recovery', async () => {
    const { store, health, fail } = setup();
    fail(sqliteError(13, 'full'));
    await expect(store.setDnd(alice, { enabled: false, allowList: [] })).rejects.toMatchObject({ code: 'storage_unavailable' });
    expect(await store.probe(5)).toBe(true); // setMeta is not made to fail
    expect(health.ready).toBe(true);
    expect(await store.getMeta('storage_probe')).toBe('5');
  });
});
