import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  callInfo,
  createCall,
  findMember,
  nextWakeAt,
  transition,
  type Call,
  type CallEvent,
  type Context,
  type Effect,
  type Invitee,
  type TransitionResult,
} from '../../src/shared/call/index.ts';
import { RingdeskError, isRingdeskError } from '../../src/shared/errors.ts';
import { TypedEmitter } from '../../src/shared/events.ts';
import {
  asCallId,
  type CallId,
  type CallInfo,
  type DeviceId,
  type Push,
  type RequestData,
  type RequestResult,
  type UserId,
} from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';
import { GroupCommit } from '../store/GroupCommit.ts';
import type { Store, UserLookup } from '../store/Store.ts';
import { KeyedQueue } from './KeyedQueue.ts';

const log = new Logger('CallService');
/** A timer's step that could not be stored (storage_unavailable) is tried again after this long. */
const STORAGE_RETRY_MS = 1_000;
const storageDown = (e: unknown): boolean => isRingdeskError(e) && e.code === 'storage_unavailable';

export interface Actor {
  userId: UserId;
  deviceId: DeviceId;
}
type ErrorInvitee = RequestResult<'callInvite'>['errorInvitees'][number];

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
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #queue = new KeyedQueue();
  /** Started calls only; ended ones live in the store. */
  readonly #calls = new Map<CallId, Call>();
  readonly #byUser = new Map<UserId, Set<CallId>>();
  readonly #timers = new Map<CallId, NodeJS.Timeout>();
  readonly #grace = new Map<string, NodeJS.Timeout>();
  /** When each invite being handled was taken (performance.now()), to time its delivery. */
  readonly #inviteStart = new Map<CallId, number>();
  /** After stop() no timer is armed: sockets closing during shutdown must not touch a closed store. */
  #stopped = false;

  constructor(o: CallServiceOptions) {
    super();
    this.#store = o.store;
    this.#commits = o.commits ?? new GroupCommit(o.store);
    this.#users = o.users ?? { get: (id) => o.store.getUser(id) };
    this.#sessions = o.sessions;
    this.#graceMs = o.graceMs;
    this.#now = o.now ?? Date.now;
  }

  /** Reloads started calls and re-arms their timers from the stored deadlines. Nobody is connected yet, so every member starts its grace. */
  async start(): Promise<void> {
    for (const call of await this.#store.startedCalls()) {
      this.#index(call);
      this.#arm(call);
      for (const m of call.members) if (m.mainDevice && (m.state === 'accepted' || m.userId === call.inviter)) this.#startGrace(call.callID, m.userId);
    }
    log.info('start() [started calls:%d]', this.#calls.size);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of [...this.#timers.values(), ...this.#grace.values()]) clearTimeout(t);
    this.#timers.clear();
    this.#grace.clear();
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

  /** Busy: Accepted in a started call (an inviter is Accepted in their own call). */
  isBusy(userId: UserId): boolean {
    for (const id of this.#byUser.get(userId) ?? []) {
      if (this.#calls.get(id)?.members.some((m) => m.userId === userId && m.state === 'accepted')) return true;
    }
    return false;
  }

  async invite(actor: Actor, d: RequestData<'callInvite'>): Promise<RequestResult<'callInvite'>> {
    const t0 = performance.now();
    if (this.isBusy(actor.userId)) throw new RingdeskError('already_in_call', 'you are already in a call; end it first');
    const { invitees, errorInvitees } = await this.#screen(actor.userId, d.invitees);
    if (d.invitees.length > 0 && invitees.length === 0) {
      throw new RingdeskError('invitee_unknown', `nobody to call: ${errorInvitees.map((e) => `${e.userId} (${e.reason})`).join(', ')}`);
    }
    const callID = asCallId(randomUUID());
    const call = await this.#timed(callID, t0, () => this.#queue.run(callID, () =>
      this.#commit(
        createCall(
          { callID, inviter: actor.userId, device: actor.deviceId, invitees, mode: d.mode, timeoutSec: d.timeout, extendedData: d.extendedData },
          this.#ctx(),
        ),
      ),
    ));
    return { call: this.info(call), errorInvitees };
  }

  async callingInvite(actor: Actor, d: RequestData<'callingInvite'>): Promise<RequestResult<'callingInvite'>> {
    const t0 = performance.now();
    const { invitees, errorInvitees } = await this.#screen(actor.userId, d.invitees);
    if (invitees.length === 0) throw new RingdeskError('invitee_unknown', 'none of the invitees can be called');
    const call = await this.#timed(d.callID, t0, () => this.dispatch(d.callID, { type: 'callingInvite', by: actor.userId, device: actor.deviceId, invitees, extendedData: d.extendedData ?? '' }));
    return { call: this.info(call), errorInvitees };
  }

  /** Remembers when an invite was taken while `task` runs, so #apply can time its delivery. */
  #timed<T>(callID: CallId, t0: number, task: () => Promise<T>): Promise<T> {
    this.#inviteStart.set(callID, t0);
    return task().finally(() => this.#inviteStart.delete(callID));
  }

  /** Unknown, disabled and self invitees are reported back (ZIM's errorInvitees); busy and DND are answered by the machine. */
  async #screen(inviter: UserId, ids: UserId[]): Promise<{ invitees: Invitee[]; errorInvitees: ErrorInvitee[] }> {
    const invitees: Invitee[] = [];
    const errorInvitees: ErrorInvitee[] = [];
    for (const userId of ids) {
      if (userId === inviter) {
        errorInvitees.push({ userId, reason: 'self' });
        continue;
      }
      const u = await this.#users.get(userId);
      if (!u || u.disabled) errorInvitees.push({ userId, reason: 'unknown' });
      else if (u.dnd.enabled && !u.dnd.allowList.includes(inviter)) invitees.push({ userId, availability: 'dnd' });
      else invitees.push({ userId, availability: this.isBusy(userId) ? 'busy' : 'available' });
    }
    return { invitees, errorInvitees };
  }

  /** Runs one event through the machine for a call, in that call's queue. Throws the machine's refusal. */
  dispatch(callID: CallId, ev: CallEvent): Promise<Call> {
    return this.#queue.run(callID, async () => {
      const call = this.#calls.get(callID) ?? (await this.#store.getCall(callID));
      if (!call) throw new RingdeskError('call_not_found', `no call ${callID}`);
      return this.#commit(transition(call, ev, this.#ctx()));
    });
  }

  async #commit(r: TransitionResult): Promise<Call> {
    if (!r.ok) throw r.error;
    const record = r.effects.find((e) => e.type === 'record');
    // Resolves once the tick's batch has committed: nothing below runs (no push) for a failed batch.
    await this.#commits.save(r.call, record?.type === 'record' ? record.record : null);
    this.#index(r.call);
    this.#arm(r.call);
    for (const e of r.effects) this.#apply(e);
    this.emit('changed', r.call);
    return r.call;
  }

  #apply(e: Effect): void {
    switch (e.type) {
      case 'push': {
        this.#sessions.push(e.userId, e.device, e.push);
        const t0 = e.push.type === 'callInvitationReceived' ? this.#inviteStart.get(e.push.data.call.callID) : undefined;
        if (t0 !== undefined && (e.device === null ? this.#sessions.isOnline(e.userId) : this.#sessions.device(e.userId, e.device))) {
          this.emit('inviteDelivered', (performance.now() - t0) / 1000);
        }
        return;
      }
      case 'handledElsewhere': {
        const deviceName = this.#sessions.device(e.userId, e.device)?.deviceName ?? e.device;
        for (const c of this.#sessions.devices(e.userId)) {
          if (c.deviceId === e.device) continue;
          this.#sessions.push(e.userId, c.deviceId, {
            type: 'handledOnOtherDevice',
            data: { callID: e.callID, deviceId: e.device, deviceName, action: e.action, version: e.version },
          });
        }
        return;
      }
      case 'record': {
        const push: Push = { type: 'callRecord', data: { record: e.record } }; // one object: serialised once for all participants
        for (const p of e.record.participants) this.#sessions.push(p.userId, null, push);
        return;
      }
      default:
        log.error('unknown effect %o', e satisfies never);
    }
  }

  #index(call: Call): void {
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

  /** `minDelay`: a retry after a failed save must not spin on a deadline that is already past. */
  #arm(call: Call, minDelay = 0): void {
    if (this.#stopped) return;
    const old = this.#timers.get(call.callID);
    if (old) clearTimeout(old);
    this.#timers.delete(call.callID);
    const at = nextWakeAt(call);
    if (at === null) return;
    const t = setTimeout(() => {
      this.#timers.delete(call.callID);
      this.dispatch(call.callID, { type: 'tick' }).catch((e: unknown) => {
        // The deadline is still due: keep trying until the disk is back, or the call would ring forever.
        const now = this.#calls.get(call.callID);
        if (storageDown(e) && now) this.#arm(now, STORAGE_RETRY_MS);
        else if (!storageDown(e)) log.child({ callID: call.callID }).error('tick failed: %s', String(e));
      });
    }, Math.max(minDelay, at - this.#now()));
    this.#timers.set(call.callID, t);
  }

  #startGrace(callID: CallId, userId: UserId, delayMs = this.#graceMs): void {
    const key = `${callID}/${userId}`;
    if (this.#stopped || this.#grace.has(key)) return;
    this.#grace.set(
      key,
      setTimeout(() => {
        this.#grace.delete(key);
        const m = this.#calls.get(callID) && findMember(this.#calls.get(callID) as Call, userId);
        // Back on the main device in time (or moved to another one that is connected): not lost.
        if (!m || (m.mainDevice && this.#sessions.device(userId, m.mainDevice))) return;
        this.dispatch(callID, { type: 'memberLost', userId }).catch((e: unknown) => {
          if (storageDown(e)) this.#startGrace(callID, userId, STORAGE_RETRY_MS);
          else log.child({ callID, userId }).warn('memberLost refused: %s', String(e));
        });
      }, delayMs),
    );
  }

  /** A started call as it is now; undefined once it ended (or if it never existed). */
  startedCall(callID: CallId): Call | undefined {
    return this.#calls.get(callID);
  }

  /** Any call, started or ended. */
  async get(callID: CallId): Promise<Call | undefined> {
    return this.#calls.get(callID) ?? (await this.#store.getCall(callID));
  }

  /** The calls a user is in that are still started (what a reconnecting client re-reads). */
  activeCalls(userId: UserId): CallInfo[] {
    return [...(this.#byUser.get(userId) ?? [])].flatMap((id) => {
      const c = this.#calls.get(id);
      return c ? [this.info(c)] : [];
    });
  }

  async list(userId: UserId, count: number, nextFlag: number): Promise<RequestResult<'queryCallInvitationList'>> {
    const page = await this.#store.listCallsFor(userId, count, nextFlag);
    return { calls: page.calls.map((c) => this.info(this.#calls.get(c.callID) ?? c)), nextFlag: page.nextFlag };
  }

  /** A device authenticated: stop its member's grace and deliver what is still ringing for it. */
  deviceOnline(userId: UserId, deviceId: DeviceId): void {
    for (const id of this.#byUser.get(userId) ?? []) {
      const t = this.#grace.get(`${id}/${userId}`);
      const m = this.#calls.get(id) && findMember(this.#calls.get(id) as Call, userId);
      if (t && m?.mainDevice === deviceId) {
        clearTimeout(t);
        this.#grace.delete(`${id}/${userId}`);
      }
      this.#background(id, { type: 'deviceOnline', userId, device: deviceId });
    }
  }

  /** A device went away. A logout loses its member at once; a dropped connection gets the grace period. */
  deviceOffline(userId: UserId, deviceId: DeviceId, loggedOut: boolean): void {
    for (const id of this.#byUser.get(userId) ?? []) {
      const call = this.#calls.get(id);
      const m = call && findMember(call, userId);
      this.#background(id, { type: 'deliveryChanged', userId, goneDevice: deviceId });
      if (!call || !m || m.mainDevice !== deviceId) continue;
      if (m.state !== 'accepted' && m.userId !== call.inviter) continue;
      if (loggedOut) this.#background(id, { type: 'memberLost', userId });
      else this.#startGrace(id, userId);
    }
  }

  #background(callID: CallId, ev: CallEvent): void {
    if (this.#stopped) return;
    this.dispatch(callID, ev).catch((e: unknown) => {
      // A logout's loss must not be dropped with the write: retry it like a grace that ran out.
      if (storageDown(e) && ev.type === 'memberLost') this.#startGrace(callID, ev.userId, STORAGE_RETRY_MS);
      else log.child({ callID }).debug('%s ignored: %s', ev.type, String(e));
    });
  }
}
