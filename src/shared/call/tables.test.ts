import { describe, expect, it } from 'vitest';
import type { CallMode, CallUserState } from '../protocol/common.ts';
import type { CallEvent } from './machine.ts';
import { a1, alice, avail, b1, b2, bob, c1, carol, d1, dave, pushesTo, step, T0, withBobIn } from './testkit.ts';

/** Parses a ✔/✖ grid copied from the seed. */
function grid(text: string): { cols: string[]; rows: Map<string, Map<string, boolean>> } {
  const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const [header, ...body] = lines;
  if (!header) throw new Error('empty grid');
  const rows = new Map<string, Map<string, boolean>>();
  for (const [name, ...cells] of body) {
    if (!name) continue;
    rows.set(name, new Map(header.map((c, i) => [c, cells[i] === '✔'])));
  }
  return { cols: header, rows };
}

// zim-call-invitation-*.md, 各状态可调用接口, the state-dependent columns (callInvite/callCancel are state-independent).
// The seed's second "callInvite" column is callingInvite. NotYetReceived is ZIM's split of Inviting.
const API = grid(`
                callAccept callReject callingInvite callQuit callEnd
  inviting           ✔          ✔          ✖           ✖        ✖
  notYetReceived     ✔          ✔          ✖           ✖        ✖
  accepted           ✖          ✖          ✔           ✔        ✔
  rejected           ✖          ✖          ✖           ✖        ✖
  cancelled          ✖          ✖          ✖           ✖        ✖
  received           ✔          ✔          ✖           ✖        ✖
  timeout            ✖          ✖          ✖           ✖        ✖
  quit               ✖          ✖          ✖           ✖        ✖
`);

// 各状态可监听事件.
const EVENTS = grid(`
                callInvitationReceived callInvitationTimeout callInvitationCancelled callInvitationEnded callUserStateChanged
  inviting               ✔                      ✔                     ✔                        ✔                   ✔
  notYetReceived         ✔                      ✔                     ✔                        ✔                   ✔
  accepted               ✖                      ✖                     ✖                        ✔                   ✔
  rejected               ✖                      ✖                     ✖                        ✖                   ✖
  cancelled              ✖                      ✖                     ✖                        ✖                   ✖
  received               ✖                      ✖                     ✔                        ✔                   ✔
  timeout                ✖                      ✖                     ✖                        ✖                   ✖
  quit                   ✖                      ✖                     ✖                        ✖                   ✔
`);

const MODES: CallMode[] = ['normal', 'advanced'];
const ADVANCED_ONLY = new Set(['callingInvite', 'callQuit']);

function apiEvent(api: string): CallEvent {
  const actor = { by: bob, device: b1 };
  switch (api) {
    case 'callAccept':
      return { type: 'accept', extendedData: '', ...actor };
    case 'callReject':
      return { type: 'reject', extendedData: '', ...actor };
    case 'callingInvite':
      return { type: 'callingInvite', invitees: avail(dave), extendedData: '', ...actor };
    case 'callQuit':
      return { type: 'quit', extendedData: '', ...actor };
    case 'callEnd':
      return { type: 'end', extendedData: '', ...actor };
    default:
      throw new Error(`no event for ${api}`);
  }
}

describe('API × state table (every cell, both modes)', () => {
  for (const mode of MODES) {
    for (const [state, cells] of API.rows) {
      for (const [api, allowed] of cells) {
        // The mode is checked before the state: in normal mode an advanced-only API is refused for the mode.
        const modeOk = mode === 'advanced' || !ADVANCED_ONLY.has(api);
        const expected = !modeOk ? 'advanced_only' : allowed ? 'ok' : 'state_forbids';
        it(`${mode}: ${api} by a user in ${state} → ${expected}`, () => {
          const r = step(withBobIn(mode, state as CallUserState), apiEvent(api));
          expect(r.ok ? 'ok' : r.error.code).toBe(expected);
        });
      }
    }
  }
});

describe('callCancel column: only the inviter, only while nobody answered', () => {
  for (const mode of MODES) {
    for (const state of API.rows.keys()) {
      const s = state as CallUserState;
      it(`${mode}: the inviter cancels Bob while Bob is ${s}`, () => {
        const r = step(withBobIn(mode, s), { type: 'cancel', by: alice, device: a1, invitees: [bob], extendedData: '' });
        if (s === 'inviting' || s === 'notYetReceived' || s === 'received') expect(r.ok).toBe(true);
        else if (s === 'accepted' || s === 'quit') expect(!r.ok && r.error.code).toBe('already_answered');
        else expect(!r.ok && r.error.code).toBe('state_forbids');
      });
    }
    it(`${mode}: somebody who invited nobody cannot cancel`, () => {
      const r = step(withBobIn(mode, 'received'), { type: 'cancel', by: carol, device: c1, invitees: null, extendedData: '' });
      expect(!r.ok && r.error.code).toBe('not_inviter');
    });
    it(`${mode}: somebody outside the call cannot cancel, and is told they are not a member`, () => {
      const r = step(withBobIn(mode, 'received'), { type: 'cancel', by: dave, device: d1, invitees: null, extendedData: '' });
      expect(!r.ok && r.error.code).toBe('not_a_member');
    });
    it(`${mode}: somebody outside the call naming an invitee is still not a member`, () => {
      const r = step(withBobIn(mode, 'received'), { type: 'cancel', by: dave, device: d1, invitees: [bob], extendedData: '' });
      expect(!r.ok && r.error.code).toBe('not_a_member');
    });
  }
});

/** Triggers `event` with Bob (in some state) as a bystander or as its subject, and reports whether Bob heard it. */
function bobHears(mode: CallMode, state: CallUserState, event: string): boolean {
  const call = withBobIn(mode, state);
  let r;
  switch (event) {
    case 'callInvitationReceived': // Bob signs in on another device while the call goes on
      r = step(call, { type: 'deviceOnline', userId: bob, device: b2 });
      break;
    case 'callInvitationTimeout':
      r = step(call, { type: 'tick' }, T0 + 61_000);
      break;
    case 'callInvitationCancelled':
      r = step(call, { type: 'cancel', by: alice, device: a1, invitees: null, extendedData: '' });
      break;
    case 'callInvitationEnded':
      r = step(call, { type: 'end', by: alice, device: a1, extendedData: '' });
      break;
    case 'callUserStateChanged':
      r = step(call, { type: 'reject', by: carol, device: c1, extendedData: '' });
      break;
    default:
      throw new Error(event);
  }
  return r.ok && pushesTo(r.effects, bob).includes(event);
}

describe('event × state table (every cell, both modes)', () => {
  for (const mode of MODES) {
    for (const [state, cells] of EVENTS.rows) {
      for (const [event, expected] of cells) {
        it(`${mode}: Bob in ${state} ${expected ? 'hears' : 'does not hear'} ${event}`, () => {
          expect(bobHears(mode, state as CallUserState, event)).toBe(expected);
        });
      }
    }
  }
});

describe('callInvitationReceived also reaches a re-invited former member', () => {
  for (const state of ['rejected', 'cancelled', 'timeout', 'quit'] as const) {
    it(`Bob in ${state} is invited again in advanced mode and hears it`, () => {
      const r = step(withBobIn('advanced', state), { type: 'callingInvite', by: alice, device: a1, invitees: avail(bob), extendedData: '' });
      // Bob in Quit also hears the state change itself (the Quit row of callUserStateChanged is ✔).
      expect(r.ok && pushesTo(r.effects, bob)).toEqual(state === 'quit' ? ['callInvitationReceived', 'callUserStateChanged'] : ['callInvitationReceived']);
    });
  }
});
