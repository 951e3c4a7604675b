// One contract every Store implementation must meet, run against SQLite and against a real PostgreSQL
// (server/store/*.contract.test.ts). A behaviour the server relies on belongs here, not in one store's tests.
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/shared/call/index.ts';
import { alice, b1, bob, carol, dave, ok, step, T0 } from '../../src/shared/call/testkit.ts';
import { asCallId, asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { accountsContract } from './storeContractAccounts.ts';
import { directoryContract } from './storeContractDirectory.ts';
import { ownershipContract } from './storeContractOwnership.ts';
import { newCall, user, withStore as withStoreOf, type OpenFixture, type StoreFixture } from './storeContractKit.ts';

export type { StoreFixture } from './storeContractKit.ts';

export function storeContract(name: string, open: OpenFixture): void {
  describe(`Store contract: ${name}`, () => {
    const withStore = (fn: (f: StoreFixture) => Promise<void>): Promise<void> => withStoreOf(open, fn);

    it('creates, reads and lists users in id order; a duplicate id is refused', () =>
      withStore(async ({ store }) => {
        for (const id of ['carol', 'alice', 'bob']) await store.createUser(user(id));
        expect(await store.getUser(asUserId('alice'))).toEqual({ ...user('alice'), tokensAfter: 0, dnd: { enabled: false, allowList: [] } });
        expect(await store.getUser(asUserId('nobody'))).toBeUndefined();
        expect((await store.listUsers()).map((u) => u.userId)).toEqual(['alice', 'bob', 'carol']);
        await expect(store.createUser(user('alice'))).rejects.toThrow();
      }));

    it('disabling and a new password void earlier tokens; unknown users report false', () =>
      withStore(async ({ store }) => {
        await store.createUser(user('alice'));
        const before = Date.now();
        expect(await store.setUserDisabled(alice, true)).toBe(true);
        const u = await store.getUser(alice);
        expect(u?.disabled).toBe(true);
        expect(u?.tokensAfter).toBeGreaterThanOrEqual(before);
        expect(await store.setPassword(alice, 'h2')).toBe(true);
        expect((await store.getUser(alice))?.passwordHash).toBe('h2');
        expect(await store.setUserDisabled(asUserId('ghost'), true)).toBe(false);
        expect(await store.setPassword(asUserId('ghost'), 'x')).toBe(false);
      }));

    it('keeps DND, devices, per-device revocation and meta across a reopen', () =>
      withStore(async (f) => {
        await f.store.createUser(user('alice'));
        await f.store.setDnd(alice, { enabled: true, allowList: [bob] });
        await f.store.upsertDevice(alice, asDeviceId('a1'), 'Laptop', T0);
        await f.store.upsertDevice(alice, asDeviceId('a1'), 'Laptop (renamed)', T0 + 1);
        await f.store.revokeDeviceTokens(alice, asDeviceId('a1'), T0 + 5);
        await f.store.setMeta('k', 'v1');
        await f.store.setMeta('k', 'v2');
        const again = await f.reopen();
        expect((await again.getUser(alice))?.dnd).toEqual({ enabled: true, allowList: ['bob'] });
        expect(await again.deviceTokensAfter(alice, asDeviceId('a1'))).toBe(T0 + 5);
        expect(await again.deviceTokensAfter(alice, asDeviceId('unknown'))).toBe(0);
        expect(await again.getMeta('k')).toBe('v2');
        expect(await again.getMeta('missing')).toBeUndefined();
      }));

    it('saves calls whole: started calls reload, ended ones do not, and the record lands with the end', () =>
      withStore(async (f) => {
        const ringing = newCall(bob, carol);
        await f.store.saveCall(ringing, null);
        const other = newCall(dave);
        await f.store.saveCall(other, null);
        const rejected = ok(step(ringing, { type: 'reject', by: bob, device: b1, extendedData: '' }, T0 + 10)).call;
        await f.store.saveCall(rejected, null);
        const ended = ok(step(other, { type: 'memberLost', userId: alice })).call;
        expect(ended.callState).toBe('ended');
        await f.store.saveCall(ended, buildRecord(ended));
        const again = await f.reopen();
        expect((await again.startedCalls()).map((c) => c.callID)).toEqual([ringing.callID]);
        expect(await again.getCall(rejected.callID)).toEqual(rejected);
        expect((await again.getRecord(ended.callID))?.callID).toBe(ended.callID);
        expect(await again.getRecord(ringing.callID)).toBeUndefined();
        expect(await again.getCall(asCallId('never-saved'))).toBeUndefined();
      }));

    it('pages a member\'s calls newest first with a nextFlag, 0 at the end', () =>
      withStore(async ({ store }) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const c = newCall(bob, carol);
          ids.push(c.callID);
          await store.saveCall(c, null);
        }
        await store.saveCall(newCall(dave), null); // bob is not in this one
        const first = await store.listCallsFor(bob, 2, 0);
        expect(first.calls.map((c) => c.callID)).toEqual([ids[4], ids[3]]);
        expect(first.nextFlag).toBeGreaterThan(0);
        const second = await store.listCallsFor(bob, 2, first.nextFlag);
        expect(second.calls.map((c) => c.callID)).toEqual([ids[2], ids[1]]);
        const last = await store.listCallsFor(bob, 2, second.nextFlag);
        expect(last.calls.map((c) => c.callID)).toEqual([ids[0]]);
        expect(last.nextFlag).toBe(0);
        expect((await store.listCallsFor(asUserId('nobody'), 10, 0)).calls).toEqual([]);
      }));

    it('pages a member\'s call records newest first, skipping calls still started', () =>
      withStore(async ({ store }) => {
        const ended: string[] = [];
        for (let i = 0; i < 3; i++) {
          const c = newCall(bob);
          const done = ok(step(c, { type: 'memberLost', userId: alice })).call;
          await store.saveCall(c, null);
          await store.saveCall(done, buildRecord(done));
          ended.push(done.callID);
        }
        await store.saveCall(newCall(bob), null); // still ringing: no record yet
        const first = await store.listRecordsFor(bob, 2, 0);
        expect(first.records.map((r) => r.callID)).toEqual([ended[2], ended[1]]);
        const rest = await store.listRecordsFor(bob, 2, first.nextFlag);
        expect(rest.records.map((r) => r.callID)).toEqual([ended[0]]);
        expect(rest.nextFlag).toBe(0);
        expect((await store.listRecordsFor(carol, 10, 0)).records).toEqual([]);
      }));

    it('one call saved several times in one batch (a tick\'s transitions): the last state lands, with the record an earlier save gave', () =>
      withStore(async ({ store }) => {
        const c = newCall(bob);
        const done = ok(step(c, { type: 'memberLost', userId: alice })).call;
        const other = newCall(carol);
        await store.saveCalls([
          { call: c, record: null },
          { call: done, record: buildRecord(done) },
          { call: other, record: null },
          { call: { ...done, extendedData: 'later' }, record: null },
        ]);
        expect(await store.getCall(c.callID)).toEqual({ ...done, extendedData: 'later' });
        expect(await store.getCall(other.callID)).toEqual(other);
        expect((await store.listRecordsFor(bob, 10, 0)).records.map((r) => r.callID)).toEqual([c.callID]);
        expect((await store.listCallsFor(bob, 10, 0)).calls.map((x) => x.callID)).toEqual([c.callID]);
      }));

    it('saves a batch in one transaction (group commit): all of it lands, or none', () =>
      withStore(async ({ store }) => {
        const a = newCall(bob);
        const b = newCall(carol);
        await store.saveCalls([
          { call: a, record: null },
          { call: b, record: null },
        ]);
        expect((await store.startedCalls()).map((c) => c.callID).sort()).toEqual([a.callID, b.callID].sort());
        const c = newCall(dave);
        const broken = { ...newCall(bob), members: [{ ...a.members[0], userId: 'NOT VALID' }] } as unknown as typeof a; // simulates a bug elsewhere
        await expect(store.saveCalls([{ call: c, record: null }, { call: broken, record: null }])).rejects.toThrow(/invalid call/);
        expect(await store.getCall(c.callID)).toBeUndefined();
      }));

    it('a save that fails leaves nothing half-written, and a call the schema would not read back is refused', () =>
      withStore(async ({ store }) => {
        const c = newCall(bob);
        await store.saveCall(c, null);
        const broken = { ...c, members: [{ ...c.members[0], userId: 'NOT VALID' }] } as unknown as typeof c; // simulates a bug elsewhere
        await expect(store.saveCall(broken, null)).rejects.toThrow(/invalid call/);
        expect(await store.getCall(c.callID)).toEqual(c);
      }));

    it('skips a damaged call row instead of failing the whole load', () =>
      withStore(async (f) => {
        const good = newCall(bob);
        await f.store.saveCall(good, null);
        await f.exec(`INSERT INTO calls (call_id, call_state, created_at, body) VALUES ('bad', 'started', 1, '{"nope":1}')`);
        const again = await f.reopen();
        expect((await again.startedCalls()).map((c) => c.callID)).toEqual([good.callID]);
        expect(await again.getCall(asCallId('bad'))).toBeUndefined();
      }));

    it('reads asked for at once (a batch on Postgres) each get their own answer: users, and the started calls of some users', () =>
      withStore(async ({ store }) => {
        for (const id of ['alice', 'bob', 'carol', 'dave']) await store.createUser(user(id));
        const withBob = newCall(bob, carol);
        const withDave = newCall(dave);
        await store.saveCalls([{ call: withBob, record: null }, { call: withDave, record: null }]);
        const ended = ok(step(newCall(carol), { type: 'memberLost', userId: alice })).call;
        await store.saveCall(ended, buildRecord(ended));
        const ids = (cs: { callID: string }[]): string[] => cs.map((c) => c.callID);
        const [a, b, ghost, callsOfBob, callsOfDave, callsOfAlice, callsOfNobody, callsOfBoth] = await Promise.all([
          store.getUser(alice),
          store.getUser(bob),
          store.getUser(asUserId('ghost')),
          store.startedCallsOf([bob]),
          store.startedCallsOf([dave]),
          store.startedCallsOf([alice]),
          store.startedCallsOf([asUserId('ghost')]),
          store.startedCallsOf([bob, dave, carol]),
        ]);
        expect([a?.userId, b?.userId, ghost]).toEqual(['alice', 'bob', undefined]);
        expect(ids(callsOfBob)).toEqual([withBob.callID]);
        expect(ids(callsOfDave)).toEqual([withDave.callID]);
        expect(ids(callsOfAlice)).toEqual([withBob.callID, withDave.callID]); // in the order they were stored, the ended one left out
        expect(callsOfNobody).toEqual([]);
        expect(ids(callsOfBoth)).toEqual([withBob.callID, withDave.callID]);
        expect(await store.startedCallsOf([])).toEqual([]);
      }));

    accountsContract(open);
    directoryContract(open);
    ownershipContract(open);
  });
}
