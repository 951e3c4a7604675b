import type { Invitee } from '../../src/shared/call/index.ts';
import type { RequestResult, UserId } from '../../src/shared/protocol/index.ts';
import type { UserRow } from '../store/Store.ts';

type ErrorInvitee = RequestResult<'callInvite'>['errorInvitees'][number];

export interface Screened {
  invitees: Invitee[];
  errorInvitees: ErrorInvitee[];
}

/**
 * Who an invitation rings, from what was read for it: unknown, disabled and self invitees are
 * reported back (ZIM's errorInvitees); busy and DND are rung as such and answered by the machine.
 */
export function screenInvitees(inviter: UserId, ids: readonly UserId[], busy: ReadonlySet<UserId>, users: ReadonlyMap<UserId, UserRow | undefined>): Screened {
  const invitees: Invitee[] = [];
  const errorInvitees: ErrorInvitee[] = [];
  for (const userId of ids) {
    if (userId === inviter) {
      errorInvitees.push({ userId, reason: 'self' });
      continue;
    }
    const u = users.get(userId);
    if (!u || u.disabled) errorInvitees.push({ userId, reason: 'unknown' });
    else if (u.dnd.enabled && !u.dnd.allowList.includes(inviter)) invitees.push({ userId, availability: 'dnd' });
    else invitees.push({ userId, availability: busy.has(userId) ? 'busy' : 'available' });
  }
  return { invitees, errorInvitees };
}
