import type { Call } from '../../src/shared/call/index.ts';
import type { CallId, CallUserState, UserId } from '../../src/shared/protocol/index.ts';

const PENDING: ReadonlySet<CallUserState> = new Set(['inviting', 'received', 'notYetReceived']);

/** How one invitation ended: the state the invitee reached, and for `rejected` why (declined, busy, dnd; else ''). */
export type OutcomeListener = (outcome: CallUserState, reason: string) => void;

/**
 * Derives invitation outcomes from CallService's `changed` events: an invitee that leaves a pending
 * state (or is answered at once, e.g. busy) counts once with the state it reached. It remembers the
 * members of started calls only, and forgets a call when it ends.
 */
export class InvitationTracker {
  readonly #last = new Map<CallId, Map<UserId, CallUserState>>();
  readonly #onInvited: () => void;
  readonly #onOutcome: OutcomeListener;

  constructor(onInvited: () => void, onOutcome: OutcomeListener) {
    this.#onInvited = onInvited;
    this.#onOutcome = onOutcome;
  }

  changed(call: Call): void {
    const seen = this.#last.get(call.callID);
    // A call first seen past its creation was reloaded after a restart: its earlier outcomes were counted by the last process.
    const fresh = seen === undefined && call.version <= 1;
    const states = seen ?? new Map<UserId, CallUserState>();
    for (const m of call.members) {
      if (m.invitedBy === null) continue; // the inviter is no invitation
      const prev = states.get(m.userId);
      states.set(m.userId, m.state);
      if (prev === m.state || (seen === undefined && !fresh)) continue;
      if (PENDING.has(m.state)) {
        if (prev === undefined || !PENDING.has(prev)) this.#onInvited();
        continue;
      }
      if (prev === undefined || PENDING.has(prev)) this.#onOutcome(m.state, m.state === 'rejected' ? (m.reason ?? '') : '');
    }
    if (call.callState === 'ended') this.#last.delete(call.callID);
    else this.#last.set(call.callID, states);
  }

  /** Calls remembered (bounded by the started calls). */
  get size(): number {
    return this.#last.size;
  }
}
