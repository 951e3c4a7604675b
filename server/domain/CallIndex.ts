import type { Call } from '../../src/shared/call/index.ts';
import type { CallId, UserId } from '../../src/shared/protocol/index.ts';

/**
 * The started calls this process runs, by id and by member: the one owner of that state
 * (CallService writes it after each stored transition; ended calls live only in the store).
 */
export class CallIndex {
  readonly #calls = new Map<CallId, Call>();
  readonly #byUser = new Map<UserId, Set<CallId>>();

  get size(): number {
    return this.#calls.size;
  }

  get(callID: CallId): Call | undefined {
    return this.#calls.get(callID);
  }

  has(callID: CallId): boolean {
    return this.#calls.has(callID);
  }

  ids(): CallId[] {
    return [...this.#calls.keys()];
  }

  /** Keeps a started call (as it is now), forgets an ended one. */
  put(call: Call): void {
    const started = call.callState === 'started';
    if (started) this.#calls.set(call.callID, call);
    else this.#calls.delete(call.callID);
    for (const m of call.members) {
      let set = this.#byUser.get(m.userId);
      if (started) {
        if (!set) this.#byUser.set(m.userId, (set = new Set()));
        set.add(call.callID);
      } else if (set) {
        set.delete(call.callID);
        if (set.size === 0) this.#byUser.delete(m.userId);
      }
    }
  }

  /** The started calls any of these users is in, each once. */
  ofUsers(userIds: readonly UserId[]): Call[] {
    const ids = new Set(userIds.flatMap((u) => [...(this.#byUser.get(u) ?? [])]));
    return [...ids].flatMap((id) => this.#calls.get(id) ?? []);
  }
}
