// The Store contract for accounts and sign-in state: bulk create, revocations, token rotation, meta.
import { describe, expect, it } from 'vitest';
import { T0 } from '../../src/shared/call/testkit.ts';
import { asDeviceId, asUserId } from '../../src/shared/protocol/index.ts';
import { user, withStore, type OpenFixture } from './storeContractKit.ts';

const erin = asUserId('erin');
const d1 = asDeviceId('d1');

export function accountsContract(open: OpenFixture): void {
  describe('accounts', () => {
    it('createUsers writes all rows or none, and the rows it writes are found in the directory', () =>
      withStore(open, async ({ store }) => {
        await store.createUsers([user('a1', false, 'Ada Lovelace'), user('a2')]);
        await expect(store.createUsers([user('a3'), user('a1')])).rejects.toThrow();
        await expect(store.createUsers([user('a4'), user('a4')])).rejects.toThrow();
        expect((await store.listUsers()).map((u) => u.userId)).toEqual(['a1', 'a2']);
        expect(await store.getUser(asUserId('a1'))).toEqual({ ...user('a1', false, 'Ada Lovelace'), tokensAfter: 0, dnd: { enabled: false, allowList: [] } });
        expect((await store.searchDirectory(['love'], null, 10)).users.map((u) => u.userId)).toEqual(['a1']);
        await store.createUsers([]);
        expect(await store.listUsers()).toHaveLength(2);
      }));

    it('disable, passwd and revokeUserSessions each write one revocation with its reason, seq increasing; enabling writes none', () =>
      withStore(open, async ({ store }) => {
        await store.createUser(user('erin'));
        expect(await store.lastRevocationSeq()).toBe(0);
        expect(await store.revocationsAfter(0, 10)).toEqual([]);
        const before = Date.now();
        expect(await store.setUserDisabled(erin, true)).toBe(true);
        expect(await store.setUserDisabled(erin, false)).toBe(true);
        expect(await store.setPassword(erin, 'h2')).toBe(true);
        expect(await store.revokeUserSessions(erin, 'signout', d1, T0)).toBe(true);
        expect(await store.revokeUserSessions(erin, 'signout', null, T0 + 1)).toBe(true); // each call is its own row
        expect(await store.revokeUserSessions(asUserId('nobody'), 'signout', null, T0)).toBe(false);
        expect(await store.setUserDisabled(asUserId('nobody'), true)).toBe(false);
        expect(await store.setPassword(asUserId('nobody'), 'x')).toBe(false);
        const rows = await store.revocationsAfter(0, 10);
        expect(rows.map((r) => [r.userId, r.reason, r.exceptDevice])).toEqual([
          ['erin', 'disabled', null],
          ['erin', 'password', null],
          ['erin', 'signout', 'd1'],
          ['erin', 'signout', null],
        ]);
        const seqs = rows.map((r) => r.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(4);
        expect(rows[0]?.at).toBeGreaterThanOrEqual(before);
        expect(rows.slice(2).map((r) => r.at)).toEqual([T0, T0 + 1]);
        expect(await store.lastRevocationSeq()).toBe(seqs[3]);
        // Oldest first after the given seq, at most `limit`.
        expect((await store.revocationsAfter(seqs[0] ?? 0, 2)).map((r) => r.seq)).toEqual(seqs.slice(1, 3));
        expect(await store.revocationsAfter(seqs[3] ?? 0, 10)).toEqual([]);
      }));

    it('revokeUserSessions only moves tokensAfter forward', () =>
      withStore(open, async ({ store }) => {
        await store.createUser(user('erin'));
        await store.revokeUserSessions(erin, 'signout', null, T0 + 100);
        expect((await store.getUser(erin))?.tokensAfter).toBe(T0 + 100);
        expect(await store.revokeUserSessions(erin, 'signout', null, T0 + 50)).toBe(true);
        expect((await store.getUser(erin))?.tokensAfter).toBe(T0 + 100);
      }));

    it('deviceTokenState: zeros for an unknown device, then logout and rotation as AuthService reads them', () =>
      withStore(open, async ({ store }) => {
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 0, supersededBefore: 0, supersededAt: 0 });
        // A token used on a device never upserted creates its row.
        await store.deviceResumed(erin, d1, 'Laptop', 100, 1000);
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 0, supersededBefore: 100, supersededAt: 1000 });
        await store.deviceResumed(erin, d1, 'Laptop', 50, 2000); // an older token in its grace: no change
        await store.deviceResumed(erin, d1, 'Laptop', 100, 2500); // the same token again: no change either
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 0, supersededBefore: 100, supersededAt: 1000 });
        await store.deviceResumed(erin, d1, 'Laptop', 200, 3000); // the generation before 100 is void at once
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 99, supersededBefore: 200, supersededAt: 3000 });
        await store.revokeDeviceTokens(erin, d1, 5000);
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 5000, supersededBefore: 200, supersededAt: 3000 });
        expect(await store.deviceTokensAfter(erin, d1)).toBe(5000);
        await store.deviceResumed(erin, d1, 'Laptop', 6000, 7000); // never moves a logout back
        expect((await store.deviceTokenState(erin, d1)).tokensAfter).toBe(5000);
        expect(await store.deviceTokenState(erin, asDeviceId('d2'))).toEqual({ tokensAfter: 0, supersededBefore: 0, supersededAt: 0 });
        expect(await store.deviceTokenState(asUserId('frank'), d1)).toEqual({ tokensAfter: 0, supersededBefore: 0, supersededAt: 0 });
      }));

    it('upsertDevice keeps the rotation state of a device that signs in again', () =>
      withStore(open, async ({ store }) => {
        await store.upsertDevice(erin, d1, 'Laptop', T0);
        await store.deviceResumed(erin, d1, 'Laptop', 100, 1000);
        await store.upsertDevice(erin, d1, 'Laptop', T0 + 1);
        expect(await store.deviceTokenState(erin, d1)).toEqual({ tokensAfter: 0, supersededBefore: 100, supersededAt: 1000 });
      }));

    it('deleteMeta removes one key and is quiet about a missing one', () =>
      withStore(open, async ({ store }) => {
        await store.setMeta('a', '1');
        await store.setMeta('b', '2');
        await store.deleteMeta('a');
        await store.deleteMeta('never-set');
        expect(await store.getMeta('a')).toBeUndefined();
        expect(await store.getMeta('b')).toBe('2');
      }));

    it('setDisplayName renames (the directory follows); an unknown user reports false', () =>
      withStore(open, async ({ store }) => {
        await store.createUser(user('carol', false, 'Carol Díaz'));
        expect(await store.setDisplayName(asUserId('carol'), 'Carol Ng')).toBe(true);
        expect((await store.getUser(asUserId('carol')))?.displayName).toBe('Carol Ng');
        expect((await store.searchDirectory(['diaz'], null, 10)).users).toEqual([]);
        expect((await store.searchDirectory(['ng'], null, 10)).users).toEqual([{ userId: 'carol', displayName: 'Carol Ng', dnd: false }]);
        expect((await store.searchDirectory(['carol'], null, 10)).users.map((u) => u.userId)).toEqual(['carol']); // the id stays a term
        expect(await store.setDisplayName(asUserId('nobody'), 'X')).toBe(false);
        expect(await store.listUsers()).toHaveLength(1);
      }));
  });
}
