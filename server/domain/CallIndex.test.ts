import { describe, expect, it } from 'vitest';
import { alice, avail, bob, carol, dave, start } from '../../src/shared/call/testkit.ts';
import { asCallId } from '../../src/shared/protocol/index.ts';
import { CallIndex } from './CallIndex.ts';

describe('CallIndex', () => {
  it('holds started calls by id and by member, each once, and forgets an ended one everywhere', () => {
    const one = start('normal', avail(bob, carol)).call; // alice calls bob and carol
    const two = { ...start('normal', avail(dave)).call, callID: asCallId('call-two') }; // alice calls dave
    const idx = new CallIndex();
    idx.put(one);
    idx.put(two);
    expect(idx.size).toBe(2);
    expect(idx.ofUsers([alice, bob]).map((c) => c.callID)).toEqual([one.callID, two.callID]); // alice is in both: listed once
    expect(idx.ofUsers([carol])).toEqual([one]);

    const newer = { ...one, version: one.version + 1 };
    idx.put(newer); // the call as it is now replaces the old
    expect(idx.get(one.callID)).toBe(newer);

    idx.put({ ...newer, callState: 'ended' });
    expect(idx.has(one.callID)).toBe(false);
    expect(idx.ids()).toEqual([two.callID]);
    expect(idx.ofUsers([bob, carol])).toEqual([]);
    expect(idx.ofUsers([alice])).toEqual([two]);
    idx.put({ ...newer, callState: 'ended' }); // twice: no harm
    expect(idx.size).toBe(1);
  });
});
