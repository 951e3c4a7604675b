import { findMember, type Call } from '../../src/shared/call/index.ts';
import { isRingdeskError } from '../../src/shared/errors.ts';
import type { CallId, UserId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import type { CallIndex } from './CallIndex.ts';
import type { CallOp } from './CallPlacement.ts';
import type { CallTimers } from './CallTimers.ts';

const log = new Logger('CallService');
/** A timer's step that could not be stored (storage_unavailable) is tried again after this long. */
const STORAGE_RETRY_MS = 1_000;
const storageDown = (e: unknown): boolean => isRingdeskError(e) && (e.code === 'storage_unavailable' || e.code === 'unavailable');

export interface CallBackgroundOptions {
  calls: Pick<CallIndex, 'get'>;
  timers: CallTimers;
  sessions: Pick<SessionRegistry, 'isConnected'>;
  /** Runs an op on the node that owns the call (CallOwnership.run). */
  run: (callID: CallId, op: CallOp) => Promise<Call>;
  /** The started calls any of these users is in (CallService's view: this node's, or the cluster's). */
  startedOf: (userIds: readonly UserId[]) => Promise<Call[]>;
}

/**
 * The call work no request waits for: a deadline due, a grace run out, a device come or gone.
 * Nobody is there to hear an error, so storage being down is retried (or the call would ring
 * forever, or keep a member who left), and anything else is logged.
 */
export class CallBackground {
  readonly #o: CallBackgroundOptions;

  constructor(o: CallBackgroundOptions) {
    this.#o = o;
  }

  /** A stored deadline is due: tick the call; keep trying while storage is down, or the call would ring forever. */
  deadline(callID: CallId): void {
    this.#o.run(callID, { kind: 'event', ev: { type: 'tick' } }).catch((e: unknown) => {
      const now = this.#o.calls.get(callID);
      if (storageDown(e) && now) this.#o.timers.arm(now, STORAGE_RETRY_MS);
      else if (!storageDown(e)) log.child({ callID }).error('tick failed: %s', String(e));
    });
  }

  /** A member's grace ran out: lost, unless back on the main device (on any node) in time. */
  graceOver(callID: CallId, userId: UserId): void {
    const call = this.#o.calls.get(callID);
    const m = call && findMember(call, userId);
    if (!m) return;
    void (m.mainDevice ? this.#o.sessions.isConnected(userId, m.mainDevice) : Promise.resolve(false))
      .then((back) => (back ? undefined : this.#o.run(callID, { kind: 'event', ev: { type: 'memberLost', userId } })))
      .catch((e: unknown) => {
        if (storageDown(e)) this.#o.timers.startGrace(callID, userId, STORAGE_RETRY_MS);
        else log.child({ callID, userId }).warn('memberLost refused: %s', String(e));
      });
  }

  /** A device came or went: the op runs on each started call the user is in, on that call's owner. */
  forEachCall(userId: UserId, op: CallOp): void {
    if (this.#o.timers.stopped) return;
    this.#o.startedOf([userId]).then(
      (calls) => {
        for (const c of calls) this.#background(c.callID, op);
      },
      (e: unknown) => log.child({ userId }).warn('%s not applied: %s', op.kind, String(e)),
    );
  }

  #background(callID: CallId, op: CallOp): void {
    if (this.#o.timers.stopped) return;
    this.#o.run(callID, op).catch((e: unknown) => {
      // A logout's loss must not be dropped with the write: retry it like a grace that ran out.
      if (storageDown(e) && op.kind === 'deviceOffline' && op.loggedOut) this.#o.timers.startGrace(callID, op.userId, STORAGE_RETRY_MS);
      else log.child({ callID }).debug('%s ignored: %s', op.kind, String(e));
    });
  }
}
