import { describe, expect, it } from 'vitest';
import { alice, b1, bob, withBobIn } from '../../src/shared/call/testkit.ts';
import type { CallUserState } from '../../src/shared/protocol/index.ts';
import { graceMembers } from './CallTimers.ts';

describe('graceMembers: whose main device a loaded or adopted call must find connected', () => {
  // Bob in each state (Carol still ringing, with no main device): only the inviter and an accepted Bob count.
  const cases: [CallUserState, string[]][] = [
    ['accepted', ['alice/a1', 'bob/b1']],
    ['received', ['alice/a1']],
    ['rejected', ['alice/a1']], // handled on b1, but no longer in the call
    ['quit', ['alice/a1']],
  ];
  it.each(cases)('bob %s → %j', (state, want) => {
    expect(graceMembers(withBobIn('normal', state)).map((m) => `${m.userId}/${m.mainDevice}`)).toEqual(want);
  });

  it('an inviter without a main device is not counted', () => {
    const call = withBobIn('normal', 'accepted');
    const inviter = call.members.find((m) => m.userId === alice);
    if (inviter) inviter.mainDevice = null;
    expect(graceMembers(call)).toEqual([{ userId: bob, mainDevice: b1 }]);
  });
});
