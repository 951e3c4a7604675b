import { describe, expect, it } from 'vitest';
import { REQUESTS, isRequestType } from '../../src/shared/protocol/index.ts';
import { SIGN_IN_STEPS, SIGN_IN_STEPS_NAMES, parseSignInSteps, shownUsers } from '../../bench/signin.ts';

describe('the benchmark clients do the app\'s sign-in work', () => {
  it('every step is a real request whose data the protocol accepts', () => {
    for (const step of SIGN_IN_STEPS) {
      expect(isRequestType(step.type), step.type).toBe(true);
      if (!isRequestType(step.type)) continue;
      const r = REQUESTS[step.type].data.safeParse(step.data('u000500'));
      expect(r.success, `${step.name}: ${r.success ? '' : r.error.message}`).toBe(true);
    }
    expect(SIGN_IN_STEPS.map((s) => s.type)).toEqual(
      expect.arrayContaining(['queryCallInvitationList', 'queryActiveCalls', 'favoritesList', 'recentsList', 'directorySearch', 'presenceSubscribe']),
    );
  });

  it('subscribes to 100 existing users, never to itself', () => {
    expect(shownUsers('u000500')).toHaveLength(100);
    expect(shownUsers('u000500')).toContain('u000400');
    expect(shownUsers('u000500')).not.toContain('u000500');
    const first = shownUsers('u000003');
    expect(first).toHaveLength(100);
    expect(first.slice(0, 3)).toEqual(['u000000', 'u000001', 'u000002']);
    expect(first).not.toContain('u000003');
  });

  it('--sign-in-steps picks known steps in the app\'s order, "none" is the resume alone, absent is everything', () => {
    expect(parseSignInSteps(undefined)).toBeNull();
    expect(parseSignInSteps('none')).toEqual([]);
    expect(parseSignInSteps('presenceSubscribe,favoritesList')).toEqual(['favoritesList', 'presenceSubscribe']);
    expect(parseSignInSteps(SIGN_IN_STEPS_NAMES.join(','))).toEqual([...SIGN_IN_STEPS_NAMES]);
    expect(() => parseSignInSteps('favoritesList,bogus')).toThrow(/unknown step\(s\) "bogus".*favoritesList/);
    expect(() => parseSignInSteps('')).toThrow(/unknown step/);
  });
});
