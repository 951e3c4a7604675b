import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../shared/events.ts';
import { CallViewSchema } from '../../shared/ipc/model.ts';
import { asCallId, asUserId, REQUESTS, type CallInfo, type Push, type RequestInput, type RequestResult, type RequestType } from '../../shared/protocol/index.ts';
import { bindWakeSignals, type WakeSignal } from '../signaling/wakeSignals.ts';
import { CallingClient, type SignalingPort } from './CallingClient.ts';

type PortEvents = { push: [Push]; session: [RequestResult<'login'>, boolean] };

/** A fake signaling connection: records requests, answers from a table, and lets the test push. */
class FakePort extends TypedEmitter<PortEvents> implements SignalingPort {
  sent: { type: RequestType; data: unknown }[] = [];
  answers: Partial<Record<RequestType, unknown>> = { queryActiveCalls: { calls: [] } };
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<RequestResult<T>> {
    this.sent.push({ type, data });
    const a = this.answers[type];
    return a === undefined ? Promise.reject(new Error(`no answer for ${type}`)) : Promise.resolve(a as RequestResult<T>); // test table
  }
  fire<K extends keyof PortEvents>(event: K, ...args: PortEvents[K]): void {
    this.emit(event, ...args);
  }
}

const callID = asCallId('c1');
function call(bobState: CallInfo['users'][number]['state'], version = 1): CallInfo {
  return {
    callID,
    inviter: 'alice' as CallInfo['inviter'],
    mode: 'normal',
    timeout: 60,
    extendedData: '',
    callState: 'started',
    createdAt: 1,
    endedAt: null,
    endReason: null,
    users: [
      { userId: 'alice' as CallInfo['inviter'], state: 'accepted', extendedData: '', invitedBy: null, reason: null, delivery: null },
      { userId: 'bob' as CallInfo['inviter'], state: bobState, extendedData: '', invitedBy: 'alice' as CallInfo['inviter'], reason: null, delivery: { online: true, ringingDevices: 0 } },
    ],
    version,
  };
}
const session = REQUESTS.login.result.parse({ token: 't', expiresAt: 1, userId: 'bob', displayName: 'Bob', deviceId: 'd1', dnd: { enabled: false, allowList: [] }, serverTime: 1, heartbeatIntervalMs: 1000 });
const tick = () => new Promise((r) => setImmediate(r));

describe('CallingClient', () => {
  it('rings on an invitation, acks it, and keeps a view that survives JSON (it crosses IPC)', async () => {
    const port = new FakePort();
    port.answers.callAck = { call: call('received') };
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('inviting') } });
    await tick();
    expect(port.sent.map((s) => s.type)).toEqual(['queryActiveCalls', 'callAck']);
    const v = c.view(callID);
    expect(v).toMatchObject({ direction: 'incoming', myState: 'received', ringing: true });
    expect(JSON.parse(JSON.stringify(c.views))).toEqual(c.views);
  });

  it('a Received invitee hearing its own timeout through callUserStateChanged still gets callInvitationTimeout', async () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('received') } });
    const timeouts: string[] = [];
    c.on('callInvitationTimeout', (d) => timeouts.push(d.callID));
    const bob = call('timeout').users[1];
    if (!bob) throw new Error('fixture');
    port.fire('push', { type: 'callUserStateChanged', data: { callID, users: [bob], version: 2 } });
    expect(timeouts).toEqual(['c1']);
    expect(c.view(callID)?.ringing).toBe(false);
    // The same timeout told again, either way, is not a second event.
    port.fire('push', { type: 'callInvitationTimeout', data: { callID, version: 3 } });
    port.fire('push', { type: 'callUserStateChanged', data: { callID, users: [bob], version: 4 } });
    expect(timeouts).toEqual(['c1']);
  });

  it('handled on another device: stops ringing and remembers which device', () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('received') } });
    port.fire('push', { type: 'handledOnOtherDevice', data: { callID, deviceId: 'phone' as never, deviceName: 'Phone', action: 'accepted', version: 2 } });
    expect(c.view(callID)).toMatchObject({ ringing: false, handledElsewhere: { deviceName: 'Phone', action: 'accepted' } });
  });

  it('after a reconnect, a call that ended meanwhile is marked ended and one still ringing is announced once', async () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    const announced: string[] = [];
    c.on('callInvitationReceived', (d) => announced.push(d.call.callID));
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('received') } });
    const other = { ...call('inviting'), callID: asCallId('c2') };
    port.answers.queryActiveCalls = { calls: [other] };
    port.answers.callAck = { call: { ...other, users: other.users.map((u) => (u.userId === 'bob' ? { ...u, state: 'received' as const } : u)) } };
    port.fire('session', session, true);
    await tick();
    expect(c.view(callID)?.call.callState).toBe('ended');
    expect(announced).toEqual(['c1', 'c2']);
  });

  it('keeps the newest version when a result and pushes cross on the wire (an old ack result cannot make it ring again)', async () => {
    const port = new FakePort();
    let answerAck: (v: unknown) => void = () => undefined;
    const c = new CallingClient(port);
    port.request = (<T extends RequestType>(type: T): Promise<RequestResult<T>> =>
      type === 'callAck' ? new Promise((r) => (answerAck = r as (v: unknown) => void)) : Promise.resolve({ calls: [] } as unknown as RequestResult<T>)) as FakePort['request']; // only callAck and queryActiveCalls are asked here
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('inviting', 1) } });
    const accepted = call('accepted', 3).users[1];
    if (!accepted) throw new Error('fixture');
    port.fire('push', { type: 'callUserStateChanged', data: { callID, users: [accepted], version: 3 } });
    answerAck({ call: call('received', 2) });
    await tick();
    expect(c.view(callID)).toMatchObject({ myState: 'accepted', ringing: false, call: { version: 3 } });
    port.fire('push', { type: 'callDeliveryChanged', data: { callID, users: [{ userId: accepted.userId, delivery: { online: false, ringingDevices: 0 } }], version: 2 } });
    // Older than what we hold: dropped, so Bob does not turn offline.
    expect(c.view(callID)?.call.users[1]?.delivery).toEqual({ online: true, ringingDevices: 0 });
  });

  it('the end push says who ended the call: endedBy is in the view, fits the IPC contract and survives JSON', () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('accepted', 2) } });
    expect(c.view(callID)?.endedBy).toBeNull();
    port.fire('push', { type: 'callInvitationEnded', data: { callID, caller: asUserId('alice'), extendedData: '', endedAt: 5, reason: 'ended', version: 3 } });
    const v = c.view(callID);
    expect(v).toMatchObject({ endedBy: 'alice', call: { callState: 'ended', endReason: 'ended', version: 3 } });
    expect(CallViewSchema.parse(v)).toEqual(v);
    expect(JSON.parse(JSON.stringify(c.views))).toEqual(c.views);
    // A whole call of the same version (a late result) keeps it: only the push knows who ended.
    port.fire('push', { type: 'callInvitationCreated', data: { call: { ...call('accepted', 3), callState: 'ended', endReason: 'ended', endedAt: 5 } } });
    expect(c.view(callID)?.endedBy).toBe('alice');
  });

  it('connectedAt: stamped from main\'s clock the first time the call is in progress, kept through later versions and the end; null while it only rang', () => {
    const port = new FakePort();
    let t = 1000;
    const c = new CallingClient(port, () => t);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('inviting', 1) } });
    expect(c.view(callID)?.connectedAt).toBeNull();
    t = 2000;
    const accepted = call('accepted', 2).users[1];
    if (!accepted) throw new Error('fixture');
    port.fire('push', { type: 'callUserStateChanged', data: { callID, users: [accepted], version: 2 } });
    expect(c.view(callID)?.connectedAt).toBe(2000);
    t = 9000;
    port.fire('push', { type: 'callInvitationEnded', data: { callID, caller: asUserId('alice'), extendedData: '', endedAt: 9000, reason: 'ended', version: 3 } });
    const v = c.view(callID);
    expect(v).toMatchObject({ connectedAt: 2000, call: { callState: 'ended' } });
    expect(CallViewSchema.parse(v)).toEqual(v);
    // A call that ends while it still rings here never connected.
    const other = asCallId('c-other');
    port.fire('push', { type: 'callInvitationReceived', data: { call: { ...call('inviting', 1), callID: other } } });
    port.fire('push', { type: 'callInvitationCancelled', data: { callID: other, inviter: asUserId('alice'), extendedData: '', version: 2 } });
    expect(c.view(other)?.connectedAt).toBeNull();
  });

  it('a server-ended call has no endedBy, and an older end push is dropped', () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('accepted', 4) } });
    port.fire('push', { type: 'callInvitationEnded', data: { callID, caller: asUserId('alice'), extendedData: '', endedAt: 5, reason: 'ended', version: 3 } });
    expect(c.view(callID)).toMatchObject({ endedBy: null, call: { callState: 'started' } });
    port.fire('push', { type: 'callInvitationEnded', data: { callID, caller: null, extendedData: '', endedAt: 6, reason: 'everyoneLeft', version: 5 } });
    expect(c.view(callID)).toMatchObject({ endedBy: null, call: { callState: 'ended', endReason: 'everyoneLeft' } });
  });

  it('this device\'s callEnd marks the user as the ender even when its result comes before the push', async () => {
    const port = new FakePort();
    const c = new CallingClient(port);
    port.fire('session', session, false);
    port.fire('push', { type: 'callInvitationReceived', data: { call: call('accepted', 2) } });
    port.answers.callEnd = { call: { ...call('accepted', 3), callState: 'ended', endReason: 'ended', endedAt: 5 } };
    await c.callEnd(callID);
    expect(c.view(callID)).toMatchObject({ endedBy: 'bob', call: { callState: 'ended' } });
    // The push that follows says the same.
    port.fire('push', { type: 'callInvitationEnded', data: { callID, caller: asUserId('bob'), extendedData: '', endedAt: 5, reason: 'ended', version: 3 } });
    expect(c.view(callID)?.endedBy).toBe('bob');
  });

  it('wake signals nudge the connection', () => {
    let listener: ((s: WakeSignal) => void) | null = null;
    let nudges = 0;
    const off = bindWakeSignals({ on: (fn) => ((listener = fn), () => (listener = null)) }, { nudge: () => nudges++ });
    (listener as ((s: WakeSignal) => void) | null)?.('resumed');
    (listener as ((s: WakeSignal) => void) | null)?.('network-changed');
    off();
    expect([nudges, listener]).toEqual([2, null]);
  });
});
