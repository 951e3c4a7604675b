import { describe, expect, it } from 'vitest';
import type { CallView, MediaKind } from '../../shared/ipc/model.ts';
import { asCallId, asDeviceId, asUserId, type CallId, type CallUserState, type UserId } from '../../shared/protocol/index.ts';
import type { AttentionPort, IncomingCallActions, IncomingCallAlert, NotifierPort, RingingWindowPort } from '../platform/ports.ts';
import { NotificationNonces } from './NotificationNonces.ts';
import { Ringer, type RingAction } from './Ringer.ts';

const ME = asUserId('bob');
const NAMES: Record<string, string> = { alice: 'Alice A.', carol: 'Carol C.' };

/** A call as this device sees it; `ringing` follows myState unless the test says otherwise. */
function view(
  id: string,
  o: { inviter?: string; createdAt?: number; myState?: CallUserState; media?: MediaKind; others?: string[]; ended?: boolean; elsewhere?: boolean; ringing?: boolean } = {},
): CallView {
  const inviter = asUserId(o.inviter ?? 'alice');
  const myState = o.myState ?? 'received';
  const ringing = o.ringing ?? (myState === 'received' && !o.ended && !o.elsewhere);
  const user = (userId: UserId, state: CallUserState) => ({ userId, state, extendedData: '', invitedBy: userId === inviter ? null : inviter, reason: null, delivery: null });
  return {
    call: {
      callID: asCallId(id),
      inviter,
      mode: 'normal',
      timeout: 60,
      extendedData: '',
      callState: o.ended ? 'ended' : 'started',
      createdAt: o.createdAt ?? 1000,
      endedAt: o.ended ? 2000 : null,
      endReason: o.ended ? 'cancelled' : null,
      users: [user(inviter, 'accepted'), user(ME, myState), ...(o.others ?? []).map((u) => user(asUserId(u), 'received'))],
      version: 1,
    },
    direction: 'incoming',
    myState,
    ringing,
    media: o.media ?? 'audio',
    handledElsewhere: o.elsewhere ? { deviceId: asDeviceId('d-phone'), deviceName: 'Phone', action: 'accepted' } : null,
    endedBy: null,
    connectedAt: null,
  };
}

function setup() {
  const log: string[] = [];
  const alerts: { alert: IncomingCallAlert; actions: IncomingCallActions; closed: boolean }[] = [];
  const notifier: NotifierPort = {
    showIncomingCall(alert, actions) {
      const entry = { alert, actions, closed: false };
      alerts.push(entry);
      log.push(`notify ${alert.callID}`);
      return {
        close: () => {
          entry.closed = true;
          log.push(`unnotify ${alert.callID}`);
        },
      };
    },
    showMissedCall: () => undefined,
    setLocale: () => undefined,
    selfTest: () => Promise.resolve({ ok: true, problems: [] }),
  };
  const ringingWindow: RingingWindowPort = { open: (id) => log.push(`window ${id}`), close: () => log.push('window closed') };
  const attention: AttentionPort = { request: () => log.push('attention'), cancel: () => log.push('attention cancelled'), setBadge: () => undefined };
  const actions: [CallId, RingAction][] = [];
  const ringingChanges: boolean[] = [];
  const nonces = new NotificationNonces(() => asDeviceId('d-desk'));
  const ringer = new Ringer({
    notifier,
    ringingWindow,
    attention,
    nonces,
    nameOf: (u) => NAMES[u] ?? u,
    onAction: (id, a) => actions.push([id, a]),
    onRingingChanged: (r) => ringingChanges.push(r),
  });
  return { ringer, log, alerts, actions, ringingChanges, nonces };
}

describe('Ringer', () => {
  it('one ringing view: one notification, window, attention, ringing on', () => {
    const t = setup();
    t.ringer.update([view('c1', { media: 'video', others: ['carol', 'dave'] })]);
    expect(t.alerts).toHaveLength(1);
    expect(t.alerts[0]?.alert).toEqual({ callID: 'c1', callerId: 'alice', callerName: 'Alice A.', media: 'video', others: 2, linkNonce: expect.stringMatching(/^[\w-]{22}$/) });
    expect(t.log).toEqual(['notify c1', 'window c1', 'attention']);
    expect(t.ringingChanges).toEqual([true]);
    expect(t.ringer.ringing).toBe(true);
    expect(t.ringer.current).toBe('c1');
  });

  it('counts no others for a one-to-one call and falls back to the user id for an unknown name', () => {
    const t = setup();
    t.ringer.update([view('c1', { inviter: 'zed' })]);
    expect(t.alerts[0]?.alert).toMatchObject({ callerId: 'zed', callerName: 'zed', others: 0, media: 'audio' });
  });

  it('ignores views that are not ringing', () => {
    const t = setup();
    t.ringer.update([view('c1', { myState: 'accepted' })]);
    expect(t.log).toEqual([]);
    expect(t.ringingChanges).toEqual([]);
    expect(t.ringer.current).toBeNull();
  });

  const stops: [string, CallView][] = [
    ['accepted here', view('c1', { myState: 'accepted' })],
    ['handled on another device', view('c1', { myState: 'accepted', elsewhere: true })],
    ['declined here', view('c1', { myState: 'rejected' })],
    ['cancelled by the caller', view('c1', { myState: 'cancelled', ended: true })],
    ['timed out', view('c1', { myState: 'timeout', ended: true })],
    ['ended', view('c1', { myState: 'received', ended: true })],
  ];
  it.each(stops)('stops when the call was %s', (_name, after) => {
    const t = setup();
    t.ringer.update([view('c1')]);
    t.log.length = 0;
    expect(after.ringing).toBe(false);
    t.ringer.update([after]);
    expect(t.alerts[0]?.closed).toBe(true);
    expect(t.log).toEqual(['unnotify c1', 'window closed', 'attention cancelled']);
    expect(t.ringingChanges).toEqual([true, false]);
    expect(t.ringer.ringing).toBe(false);
    expect(t.ringer.current).toBeNull();
  });

  it('stops when the view disappears altogether', () => {
    const t = setup();
    t.ringer.update([view('c1')]);
    t.ringer.update([]);
    expect(t.alerts[0]?.closed).toBe(true);
    expect(t.ringingChanges).toEqual([true, false]);
  });

  it('two ringing calls: two notifications, the window shows the newest, one attention request', () => {
    const t = setup();
    const older = view('c1', { createdAt: 1000 });
    const newer = view('c2', { inviter: 'carol', createdAt: 2000 });
    t.ringer.update([older]);
    t.ringer.update([newer, older]);
    expect(t.alerts.map((a) => a.alert.callID)).toEqual(['c1', 'c2']);
    expect(t.log).toEqual(['notify c1', 'window c1', 'attention', 'notify c2', 'window c2']);
    expect(t.ringer.current).toBe('c2');
    expect(t.ringingChanges).toEqual([true]);
  });

  it('picks the newest by createdAt whatever the order of the views', () => {
    const t = setup();
    t.ringer.update([view('c2', { createdAt: 2000 }), view('c1', { createdAt: 1000 })]);
    expect(t.ringer.current).toBe('c2');
    expect(t.log.filter((l) => l.startsWith('window'))).toEqual(['window c2']);
  });

  it('stopping the newest keeps ringing the other and moves the window to it', () => {
    const t = setup();
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })]);
    t.log.length = 0;
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000, myState: 'accepted' })]);
    expect(t.log).toEqual(['unnotify c2', 'window c1']);
    expect(t.alerts.find((a) => a.alert.callID === 'c1')?.closed).toBe(false);
    expect(t.ringer.ringing).toBe(true);
    expect(t.ringingChanges).toEqual([true]);
  });

  it('stopping the older one leaves the window alone', () => {
    const t = setup();
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })]);
    t.log.length = 0;
    t.ringer.update([view('c2', { createdAt: 2000 })]);
    expect(t.log).toEqual(['unnotify c1']);
    expect(t.ringer.current).toBe('c2');
  });

  it('notification buttons call onAction with their own callID and action', () => {
    const t = setup();
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })]);
    const [a1, a2] = t.alerts;
    a1?.actions.accept('video');
    a2?.actions.decline();
    a1?.actions.open();
    a2?.actions.accept('audio');
    expect(t.actions).toEqual([
      ['c1', { kind: 'accept', media: 'video' }],
      ['c2', { kind: 'decline' }],
      ['c1', { kind: 'open' }],
      ['c2', { kind: 'accept', media: 'audio' }],
    ]);
  });

  it('each notification gets its own nonce for its call, which expires when that call stops ringing', () => {
    const t = setup();
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })]);
    const [a1, a2] = t.alerts.map((a) => a.alert.linkNonce);
    expect(a1).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a2).not.toBe(a1);
    expect(t.nonces.size).toBe(2);
    t.ringer.update([view('c2', { createdAt: 2000 })]);
    expect(t.nonces.consume(asCallId('c1'), a1 ?? null)).toEqual({ ok: false, reason: 'unknown' });
    expect(t.nonces.consume(asCallId('c2'), a2 ?? null)).toEqual({ ok: true });
    t.ringer.update([view('c2', { createdAt: 2000 })]);
    t.ringer.stopAll();
    expect(t.nonces.size).toBe(0);
  });

  it('update() with the same views twice does not notify, open or request again', () => {
    const t = setup();
    const views = [view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })];
    t.ringer.update(views);
    const before = [...t.log];
    t.ringer.update(views);
    t.ringer.update(views.map((v) => ({ ...v, call: { ...v.call, version: 2 } })));
    expect(t.log).toEqual(before);
    expect(t.alerts).toHaveLength(2);
    expect(t.ringingChanges).toEqual([true]);
  });

  it('a call that rings again after stopping gets a fresh notification', () => {
    const t = setup();
    t.ringer.update([view('c1')]);
    t.ringer.update([]);
    t.ringer.update([view('c1')]);
    expect(t.alerts).toHaveLength(2);
    expect(t.alerts[0]?.closed).toBe(true);
    expect(t.alerts[1]?.closed).toBe(false);
    expect(t.ringingChanges).toEqual([true, false, true]);
  });

  it('stopAll closes everything once, and a second stopAll does nothing', () => {
    const t = setup();
    t.ringer.update([view('c1', { createdAt: 1000 }), view('c2', { createdAt: 2000 })]);
    t.log.length = 0;
    t.ringer.stopAll();
    expect(t.log.toSorted()).toEqual(['attention cancelled', 'unnotify c1', 'unnotify c2', 'window closed']);
    expect(t.alerts.every((a) => a.closed)).toBe(true);
    expect(t.ringingChanges).toEqual([true, false]);
    t.log.length = 0;
    t.ringer.stopAll();
    expect(t.log).toEqual([]);
    expect(t.ringingChanges).toEqual([true, false]);
  });
});
