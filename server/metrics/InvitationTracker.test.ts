import { describe, expect, it } from 'vitest';
import { a1, alice, avail, b1, bob, c1, carol, dave, ok, start, step, T0 } from '../../src/shared/call/testkit.ts';
import type { Call } from '../../src/shared/call/index.ts';
import { InvitationTracker } from './InvitationTracker.ts';

function tracked(): { t: InvitationTracker; invited: () => number; outcomes: string[] } {
  let n = 0;
  const outcomes: string[] = [];
  const t = new InvitationTracker(
    () => n++,
    (o, r) => outcomes.push(r ? `${o}/${r}` : o),
  );
  return { t, invited: () => n, outcomes };
}

describe('InvitationTracker', () => {
  it('counts each invitation once, and its outcome once, with the reason of a rejection', () => {
    const { t, invited, outcomes } = tracked();
    let call: Call = start('advanced', [...avail(bob, carol), { userId: dave, availability: 'busy' }]).call;
    t.changed(call);
    expect(invited()).toBe(2); // bob and carol ring; dave is busy at once
    expect(outcomes).toEqual(['rejected/busy']);
    call = ok(step(call, { type: 'ack', by: bob, device: b1 })).call; // received: still pending, nothing new
    t.changed(call);
    t.changed(call); // the same state reported twice counts once
    expect([invited(), outcomes.length]).toEqual([2, 1]);
    call = ok(step(call, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
    t.changed(call);
    call = ok(step(call, { type: 'reject', by: carol, device: c1, extendedData: '' })).call;
    t.changed(call);
    expect(outcomes).toEqual(['rejected/busy', 'accepted', 'rejected/declined']);
    // Carol invited again: a second invitation with its own outcome.
    call = ok(step(call, { type: 'callingInvite', by: alice, device: a1, invitees: avail(carol), extendedData: '' })).call;
    t.changed(call);
    expect(invited()).toBe(3);
    call = ok(step(call, { type: 'tick' }, T0 + 10 * 60_000)).call;
    t.changed(call);
    expect(outcomes).toEqual(['rejected/busy', 'accepted', 'rejected/declined', 'timeout']);
    expect(t.size).toBe(1);
    call = ok(step(call, { type: 'end', by: alice, device: a1, extendedData: '' }, T0 + 11 * 60_000)).call;
    t.changed(call);
    expect(outcomes).toHaveLength(4); // bob quitting an accepted call is no invitation outcome
    expect(t.size).toBe(0); // an ended call is forgotten
  });

  it('a call first seen after a restart counts only what changes from then on', () => {
    const { t, invited, outcomes } = tracked();
    let call: Call = start('normal', avail(bob, carol)).call;
    call = ok(step(call, { type: 'reject', by: carol, device: c1, extendedData: '' })).call; // happened before the restart
    t.changed(call);
    expect([invited(), outcomes]).toEqual([0, []]);
    call = ok(step(call, { type: 'accept', by: bob, device: b1, extendedData: '' })).call;
    t.changed(call);
    expect([invited(), outcomes]).toEqual([0, ['accepted']]);
  });
});
