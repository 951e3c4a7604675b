import type { Call } from '../../src/shared/call/index.ts';
import { RingdeskError } from '../../src/shared/errors.ts';
import type { CallId } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import { CallFencedError } from '../store/GroupCommit.ts';
import type { CallFence } from '../store/Store.ts';
import type { CallIndex } from './CallIndex.ts';
import { NotOwnerError, type CallOp, type CallPlacement } from './CallPlacement.ts';
import { graceMembers, type CallTimers } from './CallTimers.ts';
import type { KeyedQueue } from './KeyedQueue.ts';

const log = new Logger('CallService');
/** A request bounced between nodes (an owner that just lost the call) is tried this many times. */
const MAX_ROUTES = 3;

export interface CallOwnershipOptions {
  /** Cluster mode: which node runs each call. Null: every call is local. */
  placement: CallPlacement | null;
  /** CallService's own: the one queue per call, the started calls and their timers. */
  queue: KeyedQueue;
  calls: CallIndex;
  timers: CallTimers;
  sessions: Pick<SessionRegistry, 'isConnected'>;
  /** One op on a call this node runs, inside the call's queue (CallService's step and commit). */
  exec: (callID: CallId, op: CallOp, fence: CallFence | undefined) => Promise<Call>;
}

/**
 * Which node runs a call, seen from this one: an op runs here under the fence held now, or goes to
 * the owner; a call whose owner died is adopted, and one another node took is dropped. In one
 * process every call is local and only the queue is left of it.
 */
export class CallOwnership {
  readonly #o: CallOwnershipOptions;

  constructor(o: CallOwnershipOptions) {
    this.#o = o;
  }

  /** In a cluster, finds the call's owner: runs the op here if that is this node (claiming it if nobody holds it), else forwards it. */
  async run(callID: CallId, op: CallOp): Promise<Call> {
    const { placement, queue, calls, exec } = this.#o;
    if (!placement) return queue.run(callID, () => exec(callID, op, undefined));
    for (let attempt = 1; ; attempt++) {
      try {
        // The fence as held now, not when the queue gets to it: a lease lost meanwhile must leave a stale
        // (refused) epoch behind, never no fence at all, or the save would go unfenced and run the call twice.
        const held = calls.has(callID) ? placement.fenceOf(callID) : undefined;
        if (held) return await queue.run(callID, () => exec(callID, op, held));
        const where = await placement.locate(callID);
        if (!where.here) return await placement.forward(where.node, callID, op);
        const { fence, claimed } = where;
        if (fence && claimed) await queue.run(callID, () => this.#adopt(claimed, fence));
        return await queue.run(callID, async () => {
          // Nobody can own the call (it ended): a copy still held here is stale, and must not be run.
          if (!fence && calls.has(callID)) this.drop(callID);
          return exec(callID, op, fence ?? undefined);
        });
      } catch (e) {
        // The owner changed under us (our save was fenced, or the node we asked let go): ask again.
        if (!(e instanceof CallFencedError || e instanceof NotOwnerError) || attempt >= MAX_ROUTES) {
          if (e instanceof CallFencedError || e instanceof NotOwnerError) throw new RingdeskError('unavailable', 'the call moved between servers; try again');
          throw e;
        }
        // A node that just claimed the call may still be loading it: give it a moment before asking again.
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  /** A request another node forwarded: runs only while this node still owns the call. */
  runForwarded(callID: CallId, op: CallOp): Promise<Call> {
    const fence = this.#o.placement?.fenceOf(callID);
    if (!fence || !this.#o.calls.has(callID)) return Promise.reject(new NotOwnerError(`not the owner of ${callID}`));
    return this.#o.queue.run(callID, () => this.#o.exec(callID, op, fence));
  }

  /**
   * Cluster mode: this node just claimed a call (its owner died, or nobody held it): index it, arm
   * its stored deadlines and start the grace of members whose main device is connected nowhere.
   */
  async #adopt(claimed: Call, fence: CallFence): Promise<void> {
    const { calls, timers } = this.#o;
    // Superseded: this node dropped the call since, or claimed it again (that claim adopts it).
    if (this.#o.placement?.fenceOf(claimed.callID) !== fence) return;
    // A request that waited on this claim may have run its op first: keep the newer state.
    const held = calls.get(claimed.callID);
    const call = held && held.version >= claimed.version ? held : claimed;
    calls.put(call);
    timers.arm(call);
    for (const m of graceMembers(call)) {
      if (!(await this.#o.sessions.isConnected(m.userId, m.mainDevice).catch(() => false))) timers.startGrace(call.callID, m.userId);
    }
    log.child({ callID: call.callID }).info('adopted');
  }

  /** Cluster mode's adoption sweep: claims the call if nobody holds it (CallLeases found its owner gone). */
  async adoptIfOrphaned(callID: CallId): Promise<boolean> {
    const placement = this.#o.placement;
    if (!placement || this.#o.calls.has(callID)) return false;
    const where = await placement.locate(callID);
    if (!where.here || !where.claimed) return false;
    const claimed = where.claimed;
    const fence = where.fence;
    await this.#o.queue.run(callID, () => this.#adopt(claimed, fence));
    return true;
  }

  /** Cluster mode: another node holds this call's lease now: stop running it here (after any op in flight). */
  lost(callID: CallId): void {
    void this.#o.queue.run(callID, async () => this.drop(callID));
  }

  /** Cluster drain: stops running every call held here (each in its queue, after any op in flight); returns their ids. */
  async dropAll(): Promise<CallId[]> {
    const ids = this.#o.calls.ids();
    await Promise.all(ids.map((id) => this.#o.queue.run(id, async () => this.drop(id))));
    return ids;
  }

  /** Cluster mode: another node claimed this call (a newer fence): stop running it here. */
  drop(callID: CallId): void {
    const call = this.#o.calls.get(callID);
    if (call) this.#o.calls.put({ ...call, callState: 'ended' });
    this.#o.timers.dropCall(callID);
    this.#o.placement?.release(callID);
  }
}
