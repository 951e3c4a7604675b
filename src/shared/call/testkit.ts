// Test helpers for the call machine (imported by *.test.ts only).
import { asCallId, asDeviceId, asUserId, type CallMode, type CallUserState, type UserId } from '../protocol/common.ts';
import type { Effect, TransitionResult } from './effects.ts';
import { createCall, transition, type CallEvent, type Invitee } from './machine.ts';
import type { Call, Context } from './model.ts';

export const alice = asUserId('alice');
export const bob = asUserId('bob');
export const carol = asUserId('carol');
export const dave = asUserId('dave');
export const a1 = asDeviceId('a1');
export const b1 = asDeviceId('b1');
export const b2 = asDeviceId('b2');
export const c1 = asDeviceId('c1');
export const d1 = asDeviceId('d1');
export const T0 = 1_700_000_000_000;

export const ctxAt = (now: number, online: UserId[] = []): Context => ({ now, isOnline: (u) => online.includes(u) });
export const avail = (...users: UserId[]): Invitee[] => users.map((userId) => ({ userId, availability: 'available' }));

export function ok(r: TransitionResult): { call: Call; effects: Effect[] } {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r;
}

export function start(mode: CallMode, invitees: Invitee[] = avail(bob, carol), timeoutSec = 60): { call: Call; effects: Effect[] } {
  return ok(createCall({ callID: asCallId('call1'), inviter: alice, device: a1, invitees, mode, timeoutSec, extendedData: 'x' }, ctxAt(T0)));
}

export const step = (call: Call, ev: CallEvent, now = T0 + 1000): TransitionResult => transition(call, ev, ctxAt(now));

/** Puts Bob straight into `state` (Carol stays ringing so the call is still started). */
export function withBobIn(mode: CallMode, state: CallUserState): Call {
  const { call } = start(mode);
  const m = call.members.find((x) => x.userId === bob);
  if (!m) throw new Error('bob missing');
  m.state = state;
  const pending = state === 'inviting' || state === 'received' || state === 'notYetReceived';
  if (!pending) Object.assign(m, { deadline: null, receivedCheckAt: null });
  if (state === 'received') m.ackedDevices = [b1];
  if (state === 'accepted' || state === 'quit') Object.assign(m, { everAccepted: true, mainDevice: b1, handledBy: b1 });
  if (state === 'rejected') Object.assign(m, { reason: 'declined', mainDevice: b1, handledBy: b1 });
  return call;
}

/** The push types each user received, in order: `bob:callUserStateChanged`. */
export function pushesTo(effects: Effect[], user: UserId): string[] {
  return effects.flatMap((e) => (e.type === 'push' && e.userId === user ? [e.push.type] : []));
}
