import { describe, expect, it } from 'vitest';
import { asUserId, type UserId } from '../../src/shared/protocol/index.ts';
import type { UserRow } from '../store/Store.ts';
import { screenInvitees } from './screenInvitees.ts';

const [alice, bob, carol, dave, erin, ghost] = ['alice', 'bob', 'carol', 'dave', 'erin', 'ghost'].map(asUserId) as [UserId, UserId, UserId, UserId, UserId, UserId];
const row = (userId: UserId, o: Partial<UserRow> = {}): UserRow => ({
  userId,
  displayName: userId,
  passwordHash: 'h',
  disabled: false,
  createdAt: 1,
  tokensAfter: 0,
  dnd: { enabled: false, allowList: [] },
  ...o,
});

describe('screenInvitees', () => {
  const users = new Map<UserId, UserRow | undefined>([
    [bob, row(bob)],
    [carol, row(carol, { dnd: { enabled: true, allowList: [] } })],
    [dave, row(dave, { dnd: { enabled: true, allowList: [alice] } })],
    [erin, row(erin, { disabled: true })],
    [ghost, undefined],
  ]);

  it.each([
    ['available', bob, new Set<UserId>(), { userId: bob, availability: 'available' }],
    ['busy', bob, new Set([bob]), { userId: bob, availability: 'busy' }],
    ['in DND', carol, new Set<UserId>(), { userId: carol, availability: 'dnd' }],
    ['in DND, the caller on the allow list', dave, new Set<UserId>(), { userId: dave, availability: 'available' }],
  ])('%s: rung as such', (_, id, busy, expected) => {
    expect(screenInvitees(alice, [id], busy, users)).toEqual({ invitees: [expected], errorInvitees: [] });
  });

  it.each([
    ['unknown', ghost, 'unknown'],
    ['disabled', erin, 'unknown'],
    ['the caller', alice, 'self'],
  ])('%s: reported back, not rung', (_, id, reason) => {
    expect(screenInvitees(alice, [id], new Set(), users)).toEqual({ invitees: [], errorInvitees: [{ userId: id, reason }] });
  });

  it('keeps the order asked for', () => {
    expect(screenInvitees(alice, [carol, ghost, bob], new Set(), users).invitees.map((i) => i.userId)).toEqual([carol, bob]);
  });
});
