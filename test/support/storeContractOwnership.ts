// The Store contract for call ownership (cluster mode's fencing, migration step 5): both stores keep it,
// though only a cluster of PostgreSQL nodes ever has two writers of one call.
import { describe, expect, it } from 'vitest';
import { bob, carol, dave } from '../../src/shared/call/testkit.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { newCall, withStore as withStoreOf, type OpenFixture, type StoreFixture } from './storeContractKit.ts';

const ended = (c: Call): Call => ({ ...c, callState: 'ended', endedAt: c.createdAt + 1, endReason: 'allAnswered', version: c.version + 1 });
const bumped = (c: Call): Call => ({ ...c, extendedData: `v${c.version + 1}`, version: c.version + 1 });

export function ownershipContract(open: OpenFixture): void {
  describe('call ownership and fencing', () => {
    const withStore = (fn: (f: StoreFixture) => Promise<void>): Promise<void> => withStoreOf(open, fn);

    it('a new call is stored with its owner; a claim raises the epoch; the old epoch is refused, the new one lands', () =>
      withStore(async ({ store }) => {
        const c = newCall(bob, carol);
        expect(await store.saveCalls([{ call: c, record: null, fence: { epoch: 1, node: 'n1' } }])).toEqual({ fenced: [] });
        expect(await store.orphanedCalls(['n1'], 10)).toEqual([]);
        expect(await store.orphanedCalls(['n2'], 10)).toEqual([{ callID: c.callID, ownerNode: 'n1' }]);

        const claimed = await store.claimCall(c.callID, 'n2');
        expect(claimed?.epoch).toBe(2);
        expect(claimed?.call).toEqual(c);
        const other = newCall(dave);
        // One batch: the stale save is skipped and reported, the other call of the batch lands.
        expect(await store.saveCalls([{ call: bumped(c), record: null, fence: { epoch: 1, node: 'n1' } }, { call: other, record: null, fence: { epoch: 1, node: 'n1' } }])).toEqual({ fenced: [c.callID] });
        expect(await store.getCall(c.callID)).toEqual(c);
        expect(await store.getCall(other.callID)).toEqual(other);
        expect(await store.saveCalls([{ call: bumped(c), record: null, fence: { epoch: 2, node: 'n2' } }])).toEqual({ fenced: [] });
        expect((await store.getCall(c.callID))?.version).toBe(c.version + 1);
        expect(await store.orphanedCalls(['n2'], 10)).toEqual([{ callID: other.callID, ownerNode: 'n1' }]);
      }));

    it('one batch with a stale and a current save of the same call: the stale one is refused and reported, the current one lands', () =>
      withStore(async ({ store }) => {
        const c = newCall(bob, carol);
        await store.saveCalls([{ call: c, record: null, fence: { epoch: 1, node: 'n1' } }]);
        expect((await store.claimCall(c.callID, 'n2'))?.epoch).toBe(2);
        const stale = { ...bumped(c), extendedData: 'stale' };
        const current = { ...bumped(c), extendedData: 'current' };
        // A merge of the two would let the stale transition ride on the current fence (a timer fired twice in the kill -9 test).
        expect(await store.saveCalls([{ call: stale, record: null, fence: { epoch: 1, node: 'n1' } }, { call: current, record: null, fence: { epoch: 2, node: 'n2' } }])).toEqual({ fenced: [c.callID] });
        expect((await store.getCall(c.callID))?.extendedData).toBe('current');
      }));

    it('an ended or unknown call cannot be claimed; a save without a fence is not checked', () =>
      withStore(async ({ store }) => {
        const c = newCall(bob);
        await store.saveCalls([{ call: c, record: null, fence: { epoch: 1, node: 'n1' } }]);
        await store.saveCalls([{ call: ended(c), record: null }]);
        expect(await store.claimCall(c.callID, 'n2')).toBeUndefined();
        expect(await store.claimCall(newCall(bob).callID, 'n2')).toBeUndefined();
        expect(await store.orphanedCalls([], 10)).toEqual([]);
      }));

    it('lists the started calls a user is a member of', () =>
      withStore(async ({ store }) => {
        const a = newCall(bob, carol);
        const b = newCall(carol);
        const c = newCall(dave);
        await store.saveCalls([a, b, c].map((call) => ({ call, record: null })));
        await store.saveCall(ended(b), null);
        expect((await store.startedCallsOf([carol])).map((x) => x.callID)).toEqual([a.callID]);
        expect((await store.startedCallsOf([dave])).map((x) => x.callID)).toEqual([c.callID]);
        expect(await store.startedCallsOf([bob])).toHaveLength(1);
        // Several users in one read: each call once, oldest first; nobody, nothing.
        expect((await store.startedCallsOf([dave, carol, bob])).map((x) => x.callID)).toEqual([a.callID, c.callID]);
        expect(await store.startedCallsOf([])).toEqual([]);
      }));
  });
}
