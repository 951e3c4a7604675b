import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  callInfo,
  createCall,
  findMember,
  transition,
  type Call,
  type CallEvent,
  type Context,
  type Effect,
  type TransitionResult,
} from '../../src/shared/call/index.ts';
import { RingdeskError } from '../../src/shared/errors.ts';
import { TypedEmitter } from '../../src/shared/events.ts';
import {
  asCallId,
  type CallId,
  type CallInfo,
  type DeviceId,
  type RequestData,
  type RequestResult,
  type UserId,
} from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import { CallFencedError, GroupCommit } from '../store/GroupCommit.ts';
import type { CallFence, Store, UserLookup, UserRow } from '../store/Store.ts';
import { CallBackground } from './CallBackground.ts';
import { NotOwnerError, type CallOp, type CallPlacement } from './CallPlacement.ts';
import { CallIndex } from './CallIndex.ts';
import { CallOwnership } from './CallOwnership.ts';
import { CallTimers, graceMembers } from './CallTimers.ts';
import { deliverEffect } from './deliverEffect.ts';
import { KeyedQueue } from './KeyedQueue.ts';
import { screenInvitees, type Screened } from './screenInvitees.ts';

const log = new Logger('CallService');

export interface Actor {
  userId: UserId;
  deviceId: DeviceId;
}

export type CallServiceEvents = {
  /** A call changed (after it was stored and its pushes sent); an ended call is reported once more, ended. */
  changed: [call: Call];
  /** An invitation's push was written to an online invitee's socket, this long after the invite request was taken (metrics). */
  inviteDelivered: [seconds: number];
};

export interface CallServiceOptions {
  store: Store;
  sessions: SessionRegistry;
  /** How long a main device may be gone before its member counts as lost. */
  graceMs: number;
  now?: () => number;
  /** Invitees are screened through this (the server's UserCache); the store when not given. */
  users?: UserLookup;
  /** Batches saves into one transaction per tick; a GroupCommit over `store` when not given (tests and bench/commit.ts inject one). */
  commits?: Pick<GroupCommit, 'save' | 'stats'>;
  /** Cluster mode: which node runs each call (server/cluster/CallLeases.ts). Absent: every call is local. */
  placement?: CallPlacement;
}

/**
 * The thin shell around the pure machine: one queue per call, persist before anything is sent,
 * one timer per call at its earliest stored deadline, and grace timers for lost members.
 */
export class CallService extends TypedEmitter<CallServiceEvents> {
  readonly #store: Store;
  readonly #commits: Pick<GroupCommit, 'save' | 'stats'>;
  readonly #users: UserLookup;
  readonly #sessions: SessionRegistry;
  readonly #now: () => number;
  readonly #placement: CallPlacement | null;
  readonly #queue = new KeyedQueue();
  /** Started calls only; ended ones live in the store. */
  readonly #calls = new CallIndex();
  readonly #timers: CallTimers;
  readonly #ownership: CallOwnership;
  readonly #background: CallBackground;
  /** When each invite being handled was taken (performance.now()), to time its delivery. */
  readonly #inviteStart = new Map<CallId, number>();

  constructor(o: CallServiceOptions) {
    super();
    this.#store = o.store;
    this.#commits = o.commits ?? new GroupCommit(o.store);
    this.#users = o.users ?? { get: (id) => o.store.getUser(id) };
    this.#sessions = o.sessions;
    this.#now = o.now ?? Date.now;
    this.#timers = new CallTimers({
      now: this.#now,
      graceMs: o.graceMs,
      onDeadline: (callID) => this.#background.deadline(callID),
      onGraceOver: (callID, userId) => this.#background.graceOver(callID, userId),
    });
    this.#placement = o.placement ?? null;
    // Both work on this service's queue, index and timers (lent, still owned here), so one call never runs twice.
    const shared = { queue: this.#queue, calls: this.#calls, timers: this.#timers, sessions: o.sessions };
    this.#ownership = new CallOwnership({ ...shared, placement: this.#placement, exec: (callID, op, fence) => this.#exec(callID, op, fence) });
    this.#background = new CallBackground({ ...shared, run: (callID, op) => this.#ownership.run(callID, op), startedOf: (ids) => this.#startedOf(ids) });
  }

  /** Reloads started calls and re-arms their timers from the stored deadlines. Nobody is connected yet, so every member starts its grace. */
  async start(): Promise<void> {
    // A cluster node owns nothing at start: calls whose owner is gone are adopted one by one (CallLeases).
    if (this.#placement) return;
    for (const call of await this.#store.startedCalls()) {
      this.#calls.put(call);
      this.#timers.arm(call);
      for (const m of graceMembers(call)) this.#timers.startGrace(call.callID, m.userId);
    }
    log.info('start() [started calls:%d]', this.#calls.size);
  }

  /** Cluster mode: another node holds this call's lease now (ClusterNode's renewal found it): stop running it here. */
  lost(callID: CallId): void {
    this.#ownership.lost(callID);
  }

  /** Cluster drain: stops running every call held here (each in its queue, after any op in flight); returns their ids. */
  dropAll(): Promise<CallId[]> {
    return this.#ownership.dropAll();
  }

  stop(): void {
    this.#timers.stop();
  }

  /** Group-commit counters (transactions and saves), for metrics and tests. */
  get commitStats(): GroupCommit['stats'] {
    return this.#commits.stats;
  }

  get activeCallCount(): number {
    return this.#calls.size;
  }

  #ctx(): Context {
    return { now: this.#now(), isOnline: (u) => this.#sessions.isOnline(u) };
  }
  info(call: Call): CallInfo {
    return callInfo(call, this.#ctx());
  }

  /** The started calls any of these users is in, each once: this node's own in one process, Postgres's in a cluster (any node may own them). */
  async #startedOf(userIds: readonly UserId[]): Promise<Call[]> {
    if (this.#placement) return (await this.#store.startedCallsOf(userIds)).map((c) => this.#calls.get(c.callID) ?? c);
    return this.#calls.ofUsers(userIds);
  }

  /**
   * Which of these users are busy: Accepted in a started call (an inviter is Accepted in their own
   * call). One read in a cluster: an invitation asks for the caller and every invitee at once.
   */
  async #busyOf(userIds: readonly UserId[]): Promise<Set<UserId>> {
    const calls = await this.#startedOf(userIds);
    const asked = new Set(userIds);
    return new Set(calls.flatMap((c) => c.members.filter((m) => m.state === 'accepted' && asked.has(m.userId)).map((m) => m.userId)));
  }

  async invite(actor: Actor, d: RequestData<'callInvite'>): Promise<RequestResult<'callInvite'>> {
    const t0 = performance.now();
    const callID = asCallId(randomUUID());
    // In a cluster the lease, the busy read, the invitees' rows and their routes are independent round
    // trips (Redis, Postgres, Postgres, Redis): waited for together, not one after the other.
    const claim = this.#placement?.claimNew(callID);
    claim?.catch(() => undefined); // awaited below; a failure before then must not count as unhandled
    let fence: CallFence | undefined;
    let screened: Screened;
    try {
      const [busy, users] = await Promise.all([
        this.#busyOf([actor.userId, ...d.invitees]),
        this.#usersOf(d.invitees),
        this.#sessions.prefetch(d.invitees),
      ]);
      if (busy.has(actor.userId)) throw new RingdeskError('already_in_call', 'you are already in a call; end it first');
      screened = screenInvitees(actor.userId, d.invitees, busy, users);
      if (d.invitees.length > 0 && screened.invitees.length === 0) {
        throw new RingdeskError('invitee_unknown', `nobody to call: ${screened.errorInvitees.map((e) => `${e.userId} (${e.reason})`).join(', ')}`);
      }
      fence = await claim;
    } catch (e) {
      // Refused (or a read failed) while the lease was being taken: once taken, it goes again.
      claim?.then(() => this.#placement?.release(callID), () => undefined);
      throw e;
    }
    const { invitees, errorInvitees } = screened;
    const call = await this.#timed(callID, t0, () => this.#queue.run(callID, () =>
      this.#commit(
        createCall(
          { callID, inviter: actor.userId, device: actor.deviceId, invitees, mode: d.mode, timeoutSec: d.timeout, extendedData: d.extendedData },
          this.#ctx(),
        ),
        fence,
      ),
    )).catch((e: unknown) => {
      this.#placement?.release(callID); // never stored: nothing to own
      throw e;
    });
    return { call: this.info(call), errorInvitees };
  }

  async callingInvite(actor: Actor, d: RequestData<'callingInvite'>): Promise<RequestResult<'callingInvite'>> {
    const t0 = performance.now();
    const [busy, users] = await Promise.all([this.#busyOf(d.invitees), this.#usersOf(d.invitees)]);
    const { invitees, errorInvitees } = screenInvitees(actor.userId, d.invitees, busy, users);
    if (invitees.length === 0) throw new RingdeskError('invitee_unknown', 'none of the invitees can be called');
    const call = await this.#timed(d.callID, t0, () => this.dispatch(d.callID, { type: 'callingInvite', by: actor.userId, device: actor.deviceId, invitees, extendedData: d.extendedData ?? '' }));
    return { call: this.info(call), errorInvitees };
  }

  /** Remembers when an invite was taken while `task` runs, so #timeDelivery can time its delivery. */
  #timed<T>(callID: CallId, t0: number, task: () => Promise<T>): Promise<T> {
    this.#inviteStart.set(callID, t0);
    return task().finally(() => this.#inviteStart.delete(callID));
  }

  /** The invitees' user rows, read together (each a cache hit or a store read). */
  async #usersOf(ids: readonly UserId[]): Promise<Map<UserId, UserRow | undefined>> {
    const rows = await Promise.all(ids.map((id) => this.#users.get(id)));
    return new Map(ids.map((id, i) => [id, rows[i]]));
  }

  /**
   * Runs one event through the machine for a call, in that call's queue, on the node that owns the
   * call. Throws the machine's refusal. `deviceName` names the acting device (cluster: it may be on another node).
   */
  dispatch(callID: CallId, ev: CallEvent, deviceName?: string): Promise<Call> {
    return this.#ownership.run(callID, { kind: 'event', ev, deviceName });
  }

  /** A request another node forwarded: runs only while this node still owns the call. */
  runForwarded(callID: CallId, op: CallOp): Promise<Call> {
    return this.#ownership.runForwarded(callID, op);
  }

  /** One op on a call this node runs (inside the call's queue). */
  async #exec(callID: CallId, op: CallOp, fence: CallFence | undefined): Promise<Call> {
    const call = this.#calls.get(callID) ?? (await this.#store.getCall(callID));
    if (!call) throw new RingdeskError('call_not_found', `no call ${callID}`);
    if (this.#placement) await this.#sessions.prefetch(call.members.map((m) => m.userId));
    switch (op.kind) {
      case 'event':
        if (op.deviceName && 'device' in op.ev && op.ev.device && 'by' in op.ev) this.#sessions.rememberName(op.ev.by, op.ev.device, op.deviceName);
        return this.#step(call, op.ev, fence);
      case 'deviceOnline': {
        if (findMember(call, op.userId)?.mainDevice === op.deviceId) this.#timers.clearGrace(callID, op.userId);
        // Nothing to deliver (not ringing for this user any more) is not an error for a sign-in.
        return this.#step(call, { type: 'deviceOnline', userId: op.userId, device: op.deviceId }, fence, true);
      }
      case 'deviceOffline': {
        const after = await this.#step(call, { type: 'deliveryChanged', userId: op.userId, goneDevice: op.deviceId }, fence, true);
        const m = findMember(after, op.userId);
        if (after.callState !== 'started' || !m || m.mainDevice !== op.deviceId || (m.state !== 'accepted' && m.userId !== after.inviter)) return after;
        if (!op.loggedOut) {
          this.#timers.startGrace(callID, op.userId);
          return after;
        }
        return this.#step(after, { type: 'memberLost', userId: op.userId }, fence);
      }
      default:
        throw new Error(`unknown call op ${String(op satisfies never)}`);
    }
  }

  /**
   * One event through the machine, committed. An ended call only answers: an event the machine lets
   * through there changes nothing, so it is neither saved nor pushed (a late timer, a sign-in).
   * `refusalIsNothing`: a refusal returns the call as it was (device comings and goings).
   */
  #step(call: Call, ev: CallEvent, fence: CallFence | undefined, refusalIsNothing = false): Promise<Call> {
    const r = transition(call, ev, this.#ctx());
    if (r.ok ? r.effects.length === 0 && call.callState === 'ended' : refusalIsNothing) return Promise.resolve(call);
    return this.#commit(r, fence);
  }

  async #commit(r: TransitionResult, fence?: CallFence): Promise<Call> {
    if (!r.ok) throw r.error;
    // In a cluster every save is fenced: an unfenced one would land whoever owns the call (#step
    // never gets here for an ended call, the only kind nobody can own).
    if (this.#placement && !fence) throw new NotOwnerError(`no fence for ${r.call.callID}`);
    const record = r.effects.find((e) => e.type === 'record');
    // Resolves once the tick's batch has committed: nothing below runs (no push) for a failed batch.
    try {
      await this.#commits.save(r.call, record?.type === 'record' ? record.record : null, fence);
    } catch (e) {
      // Refused under the fence this node holds now (or none): the call is another node's. Under an
      // older fence (this node claimed it again since), the newer claim stands.
      const now = this.#placement?.fenceOf(r.call.callID);
      if (e instanceof CallFencedError && (now === undefined || now === fence)) this.#ownership.drop(r.call.callID);
      throw e;
    }
    this.#calls.put(r.call);
    if (r.call.callState !== 'started') this.#placement?.release(r.call.callID); // an ended call's lease goes too
    this.#timers.arm(r.call);
    for (const e of r.effects) {
      deliverEffect(this.#sessions, e);
      this.#timeDelivery(e);
    }
    this.emit('changed', r.call);
    return r.call;
  }

  /** An invitation's push reached an online invitee: how long after the invite was taken (metrics). */
  #timeDelivery(e: Effect): void {
    if (e.type !== 'push' || e.push.type !== 'callInvitationReceived') return;
    const t0 = this.#inviteStart.get(e.push.data.call.callID);
    if (t0 !== undefined && (e.device === null ? this.#sessions.isOnline(e.userId) : this.#sessions.device(e.userId, e.device))) {
      this.emit('inviteDelivered', (performance.now() - t0) / 1000);
    }
  }

  /** A started call as it is now; undefined once it ended (or if it never existed). */
  startedCall(callID: CallId): Call | undefined {
    return this.#calls.get(callID);
  }

  /** Any call, started or ended. */
  async get(callID: CallId): Promise<Call | undefined> {
    return this.#calls.get(callID) ?? (await this.#store.getCall(callID));
  }

  /** The started calls run by this node that the user is in (synchronous: a single node's drain asks per connection). */
  localActiveCalls(userId: UserId): CallInfo[] {
    return this.#calls.ofUsers([userId]).map((c) => this.info(c));
  }

  /** The calls a user is in that are still started (what a reconnecting client re-reads). */
  async activeCalls(userId: UserId): Promise<CallInfo[]> {
    const calls = await this.#startedOf([userId]);
    await this.#sessions.prefetch(calls.flatMap((c) => c.members.map((m) => m.userId)));
    return calls.map((c) => this.info(c));
  }

  async list(userId: UserId, count: number, nextFlag: number): Promise<RequestResult<'queryCallInvitationList'>> {
    const page = await this.#store.listCallsFor(userId, count, nextFlag);
    return { calls: page.calls.map((c) => this.info(this.#calls.get(c.callID) ?? c)), nextFlag: page.nextFlag };
  }

  /** A device authenticated: stop its member's grace and deliver what is still ringing for it (on each call's owner). */
  deviceOnline(userId: UserId, deviceId: DeviceId): void {
    this.#background.forEachCall(userId, { kind: 'deviceOnline', userId, deviceId });
  }

  /** A device went away. A logout loses its member at once; a dropped connection gets the grace period. */
  deviceOffline(userId: UserId, deviceId: DeviceId, loggedOut: boolean): void {
    this.#background.forEachCall(userId, { kind: 'deviceOffline', userId, deviceId, loggedOut });
  }

  /** Cluster mode's adoption sweep: claims the call if nobody holds it (CallLeases found its owner gone). */
  adoptIfOrphaned(callID: CallId): Promise<boolean> {
    return this.#ownership.adoptIfOrphaned(callID);
  }
}
