import { nextWakeAt, type Call } from '../../src/shared/call/index.ts';
import type { CallId, DeviceId, UserId } from '../../src/shared/protocol/index.ts';

/**
 * The members whose main device must stay connected, or their grace runs: the inviter and the
 * accepted invitees, once they have a main device. A node that loads or adopts a call starts the
 * grace of each of them whose device it cannot find connected.
 */
export function graceMembers(call: Call): { userId: UserId; mainDevice: DeviceId }[] {
  return call.members.flatMap((m) => (m.mainDevice && (m.state === 'accepted' || m.userId === call.inviter) ? [{ userId: m.userId, mainDevice: m.mainDevice }] : []));
}

export interface CallTimersOptions {
  now: () => number;
  /** How long a main device may be gone before its member counts as lost. */
  graceMs: number;
  /** The call's earliest stored deadline (timeout, NotYetReceived check) is due. */
  onDeadline: (callID: CallId) => void;
  /** A member's grace ran out. */
  onGraceOver: (callID: CallId, userId: UserId) => void;
}

/**
 * The timers of the calls a node runs: one per call at its earliest stored deadline, and one per
 * member whose main device went away (the grace). The deadlines live in the stored call, so a node
 * that adopts a call re-arms them from there and each fires once, on whichever node owns the call.
 */
export class CallTimers {
  readonly #o: CallTimersOptions;
  readonly #deadlines = new Map<CallId, NodeJS.Timeout>();
  readonly #grace = new Map<string, NodeJS.Timeout>();
  /** After stop() nothing is armed: sockets closing during shutdown must not touch a closed store. */
  #stopped = false;

  constructor(o: CallTimersOptions) {
    this.#o = o;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** (Re-)arms the call's deadline timer. `minDelay`: a retry after a failed save must not spin on a deadline already past. */
  arm(call: Call, minDelay = 0): void {
    if (this.#stopped) return;
    const old = this.#deadlines.get(call.callID);
    if (old) clearTimeout(old);
    this.#deadlines.delete(call.callID);
    const at = nextWakeAt(call);
    if (at === null) return;
    const t = setTimeout(() => {
      this.#deadlines.delete(call.callID);
      this.#o.onDeadline(call.callID);
    }, Math.max(minDelay, at - this.#o.now()));
    this.#deadlines.set(call.callID, t);
  }

  /** Starts a member's grace unless one runs already. */
  startGrace(callID: CallId, userId: UserId, delayMs = this.#o.graceMs): void {
    const key = `${callID}/${userId}`;
    if (this.#stopped || this.#grace.has(key)) return;
    this.#grace.set(
      key,
      setTimeout(() => {
        this.#grace.delete(key);
        this.#o.onGraceOver(callID, userId);
      }, delayMs),
    );
  }

  /** The member is back: its grace stops. */
  clearGrace(callID: CallId, userId: UserId): void {
    const key = `${callID}/${userId}`;
    const t = this.#grace.get(key);
    if (t) clearTimeout(t);
    this.#grace.delete(key);
  }

  hasGrace(callID: CallId, userId: UserId): boolean {
    return this.#grace.has(`${callID}/${userId}`);
  }

  /** Every timer of the call (it ended, or another node runs it now). */
  dropCall(callID: CallId): void {
    const t = this.#deadlines.get(callID);
    if (t) clearTimeout(t);
    this.#deadlines.delete(callID);
    for (const [key, g] of this.#grace) {
      if (!key.startsWith(`${callID}/`)) continue;
      clearTimeout(g);
      this.#grace.delete(key);
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const t of [...this.#deadlines.values(), ...this.#grace.values()]) clearTimeout(t);
    this.#deadlines.clear();
    this.#grace.clear();
  }
}
