import { assertNever } from '../../shared/assertNever.ts';
import { RingdeskError } from '../../shared/errors.ts';
import { TypedEmitter } from '../../shared/events.ts';
import type {
  CallId,
  CallInfo,
  CallMode,
  DndStatus,
  Push,
  PushData,
  RequestInput,
  RequestResult,
  RequestType,
  SfuPush,
  UserId,
} from '../../shared/protocol/index.ts';
import { isSfuPush } from '../../shared/protocol/index.ts';
import { makeView, withDelivery, withMyState, withUsers, type CallView } from './callView.ts';

/** The narrow part of SignalingClient the calling layer needs (Signal-style `Pick`), so tests can fake it. */
export interface SignalingPort {
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<RequestResult<T>>;
  on(event: 'push', fn: (push: Push) => void): () => void;
  on(event: 'session', fn: (session: RequestResult<'login'>, resumed: boolean) => void): () => void;
}

export type CallingEvents = {
  callInvitationReceived: [data: PushData<'callInvitationReceived'>];
  callInvitationCreated: [data: PushData<'callInvitationCreated'>];
  callInvitationCancelled: [data: PushData<'callInvitationCancelled'>];
  callInvitationTimeout: [data: PushData<'callInvitationTimeout'>];
  callInvitationEnded: [data: PushData<'callInvitationEnded'>];
  callUserStateChanged: [data: PushData<'callUserStateChanged'>];
  callDeliveryChanged: [data: PushData<'callDeliveryChanged'>];
  handledOnOtherDevice: [data: PushData<'handledOnOtherDevice'>];
  callRecord: [data: PushData<'callRecord'>];
  presenceChanged: [data: PushData<'presenceChanged'>];
  /** Every SFU push, as it came: the room client (renderer) interprets them. */
  sfu: [push: SfuPush];
  /** The local view of all calls changed: what the UI renders. */
  viewChanged: [views: CallView[]];
  /** A background step (auto-ack, resync) failed; reported, never thrown. */
  error: [error: RingdeskError];
};

/** Ended calls kept in the view for the UI's "call ended" state before they drop off. */
const KEEP_ENDED = 20;

/**
 * ZIM's call-invitation API over the signaling connection, plus a local, serializable view of
 * current calls. Acks invitations as they arrive (that is what makes the caller see Received)
 * and re-reads active calls after every (re)connect, so nothing is lost across a drop.
 */
export class CallingClient extends TypedEmitter<CallingEvents> {
  readonly #sig: SignalingPort;
  #me: UserId | null = null;
  readonly #views = new Map<CallId, CallView>();
  /** When each view last changed (a counter): a resync answer must not overwrite what pushes said after it was asked. */
  readonly #touched = new Map<CallId, number>();
  #clock = 0;
  /** Wall time, for CallView.connectedAt (tests pass their own). */
  readonly #now: () => number;

  constructor(sig: SignalingPort, now: () => number = Date.now) {
    super();
    this.#sig = sig;
    this.#now = now;
    sig.on('push', (p) => this.#onPush(p));
    sig.on('session', (s) => {
      this.#me = s.userId;
      void this.resync();
    });
  }

  get views(): CallView[] {
    return [...this.#views.values()];
  }
  view(callID: CallId): CallView | undefined {
    return this.#views.get(callID);
  }

  async callInvite(invitees: UserId[], opts: { mode?: CallMode; timeout?: number; extendedData?: string } = {}): Promise<RequestResult<'callInvite'>> {
    const r = await this.#sig.request('callInvite', { invitees, ...opts });
    this.#upsert(r.call);
    return r;
  }
  async callCancel(callID: CallId, invitees?: UserId[], extendedData?: string): Promise<RequestResult<'callCancel'>> {
    const r = await this.#sig.request('callCancel', { callID, ...(invitees ? { invitees } : {}), ...(extendedData !== undefined ? { extendedData } : {}) });
    this.#upsert(r.call);
    return r;
  }
  async callingInvite(callID: CallId, invitees: UserId[], extendedData?: string): Promise<RequestResult<'callingInvite'>> {
    const r = await this.#sig.request('callingInvite', { callID, invitees, ...(extendedData !== undefined ? { extendedData } : {}) });
    this.#upsert(r.call);
    return r;
  }
  callAccept(callID: CallId, extendedData?: string): Promise<CallInfo> {
    return this.#simple('callAccept', callID, extendedData);
  }
  callReject(callID: CallId, extendedData?: string): Promise<CallInfo> {
    return this.#simple('callReject', callID, extendedData);
  }
  callJoin(callID: CallId, extendedData?: string): Promise<CallInfo> {
    return this.#simple('callJoin', callID, extendedData);
  }
  callQuit(callID: CallId, extendedData?: string): Promise<CallInfo> {
    return this.#simple('callQuit', callID, extendedData);
  }
  callEnd(callID: CallId, extendedData?: string): Promise<CallInfo> {
    return this.#simple('callEnd', callID, extendedData);
  }
  queryCallInvitationList(count: number, nextFlag = 0): Promise<RequestResult<'queryCallInvitationList'>> {
    return this.#sig.request('queryCallInvitationList', { count, nextFlag });
  }
  /** Records of ended calls, newest first: outcomes and durations, also of calls that ended while this device was away. */
  queryCallRecords(count: number, nextFlag = 0): Promise<RequestResult<'queryCallRecords'>> {
    return this.#sig.request('queryCallRecords', { count, nextFlag });
  }
  setDNDStatus(dnd: DndStatus): Promise<DndStatus> {
    return this.#sig.request('setDNDStatus', dnd);
  }

  /** Forgets an ended call's view (the UI dismissed it). */
  dismiss(callID: CallId): void {
    this.#touched.delete(callID);
    if (this.#views.delete(callID)) this.#changed();
  }

  async #simple(type: 'callAccept' | 'callReject' | 'callJoin' | 'callQuit' | 'callEnd', callID: CallId, extendedData?: string): Promise<CallInfo> {
    const r = await this.#sig.request(type, { callID, ...(extendedData !== undefined ? { extendedData } : {}) });
    const v = this.#views.get(callID);
    // Answering here clears any "handled elsewhere" mark: this device is now the main one.
    if (v) v.handledElsewhere = null;
    // The end push says the same, but the result may arrive first: the card should not flash "Call ended" before "You ended".
    if (v && type === 'callEnd' && this.#me) v.endedBy = this.#me;
    this.#upsert(r.call);
    return r.call;
  }

  /** Re-reads the calls still started; incoming ones that ring and were unknown here are announced and acked. */
  async resync(): Promise<void> {
    const asked = this.#clock;
    const stale = (id: CallId): boolean => (this.#touched.get(id) ?? -1) <= asked;
    try {
      const { calls } = await this.#sig.request('queryActiveCalls', {});
      const live = new Set(calls.map((c) => c.callID));
      for (const [id, v] of this.#views) {
        if (v.call.callState === 'started' && !live.has(id) && stale(id)) this.#views.set(id, { ...v, call: { ...v.call, callState: 'ended' }, ringing: false });
      }
      for (const call of calls) {
        if (!stale(call.callID)) continue;
        const known = this.#views.has(call.callID);
        const v = this.#upsert(call, false);
        if (!known && v.ringing) {
          this.emit('callInvitationReceived', { call });
          this.#ack(call.callID);
        }
      }
      this.#changed();
    } catch (e) {
      this.emit('error', e instanceof RingdeskError ? e : new RingdeskError('internal', String(e)));
    }
  }

  #ack(callID: CallId): void {
    this.#sig.request('callAck', { callID }).then(
      (r) => this.#upsert(r.call),
      (e: unknown) => {
        // Answered elsewhere or cancelled meanwhile: the push that says so is on its way.
        if (!(e instanceof RingdeskError && (e.code === 'state_forbids' || e.code === 'call_ended'))) {
          this.emit('error', e instanceof RingdeskError ? e : new RingdeskError('internal', String(e)));
        }
      },
    );
  }

  /**
   * Takes a whole call (a result or a push that carries one) unless we already hold a newer
   * version: results and pushes of different requests may cross on the wire.
   */
  #upsert(call: CallInfo, notify = true): CallView {
    const prev = this.#views.get(call.callID);
    if (prev && prev.call.version > call.version) return prev;
    const v = makeView(call, this.#me ?? call.inviter, prev, this.#now);
    this.#views.set(call.callID, v);
    this.#touched.set(call.callID, ++this.#clock);
    this.#prune();
    if (notify) this.#changed();
    return v;
  }

  /** Applies a push that changes part of a call, when it is not older than what we hold. */
  #patch(callID: CallId, version: number, f: (c: CallInfo) => CallInfo, mark?: Partial<Pick<CallView, 'handledElsewhere' | 'endedBy'>>): void {
    const v = this.#views.get(callID);
    if (!v || v.call.version > version) return;
    if (mark) Object.assign(v, mark);
    this.#upsert({ ...f(v.call), version });
  }

  #prune(): void {
    const ended = [...this.#views.values()].filter((v) => v.call.callState === 'ended');
    for (const v of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      this.#views.delete(v.call.callID);
      this.#touched.delete(v.call.callID);
    }
  }

  #changed(): void {
    this.emit('viewChanged', this.views);
  }

  #onPush(p: Push): void {
    if (isSfuPush(p)) {
      this.emit('sfu', p);
      return;
    }
    const me = this.#me;
    switch (p.type) {
      case 'callInvitationReceived':
        this.#upsert(p.data.call);
        this.emit('callInvitationReceived', p.data);
        this.#ack(p.data.call.callID);
        return;
      case 'callInvitationCreated':
        this.#upsert(p.data.call);
        this.emit('callInvitationCreated', p.data);
        return;
      case 'callInvitationCancelled':
        if (me) this.#patch(p.data.callID, p.data.version, (c) => withMyState(c, me, 'cancelled'));
        this.emit('callInvitationCancelled', p.data);
        return;
      case 'callInvitationTimeout': {
        const was = this.#views.get(p.data.callID)?.myState;
        if (me) this.#patch(p.data.callID, p.data.version, (c) => withMyState(c, me, 'timeout'));
        if (was !== 'timeout') this.emit('callInvitationTimeout', p.data);
        return;
      }
      case 'callInvitationEnded':
        this.#patch(p.data.callID, p.data.version, (c) => ({ ...c, callState: 'ended', endedAt: p.data.endedAt, endReason: p.data.reason }), { endedBy: p.data.caller });
        this.emit('callInvitationEnded', p.data);
        return;
      case 'callUserStateChanged': {
        const was = this.#views.get(p.data.callID)?.myState;
        this.#patch(p.data.callID, p.data.version, (c) => withUsers(c, p.data.users));
        this.emit('callUserStateChanged', p.data);
        // A Received invitee learns of its own timeout only here (event × state table); keep the client
        // API uniform, but once: the same timeout may also arrive as callInvitationTimeout.
        if (was !== 'timeout' && p.data.users.some((u) => u.userId === me && u.state === 'timeout')) {
          this.emit('callInvitationTimeout', { callID: p.data.callID, version: p.data.version });
        }
        return;
      }
      case 'callDeliveryChanged':
        this.#patch(p.data.callID, p.data.version, (c) => withDelivery(c, p.data.users));
        this.emit('callDeliveryChanged', p.data);
        return;
      case 'handledOnOtherDevice':
        this.#patch(p.data.callID, p.data.version, (c) => c, { handledElsewhere: { deviceId: p.data.deviceId, deviceName: p.data.deviceName, action: p.data.action } });
        this.emit('handledOnOtherDevice', p.data);
        return;
      case 'callRecord':
        this.emit('callRecord', p.data);
        return;
      case 'presenceChanged':
        this.emit('presenceChanged', p.data);
        return;
      case 'sessionClosed':
        return; // SignalingClient acts on it
      case 'favoritesChanged':
        return; // DirectoryClient acts on it
      default:
        assertNever(p, 'push');
    }
  }
}
