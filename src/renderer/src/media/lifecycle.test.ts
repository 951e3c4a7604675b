import { describe, expect, it } from 'vitest';
import { SESSION_EVENTS, SESSION_STATES, nextSessionState, type SessionEvent, type SessionState } from './lifecycle.ts';

// The expected grid, written out cell by cell (null: ignored). Kept apart from the table it checks.
const GRID: Record<SessionState, Record<SessionEvent, SessionState | null>> = {
  idle: { prewarm: 'prewarming', join: 'joining', connected: null, lost: null, leave: null, left: null, close: 'closed' },
  prewarming: { prewarm: null, join: 'joining', connected: null, lost: null, leave: 'leaving', left: null, close: 'closed' },
  joining: { prewarm: null, join: null, connected: 'joined', lost: 'reconnecting', leave: 'leaving', left: null, close: 'closed' },
  joined: { prewarm: null, join: null, connected: null, lost: 'reconnecting', leave: 'leaving', left: null, close: 'closed' },
  reconnecting: { prewarm: null, join: null, connected: 'joined', lost: null, leave: 'leaving', left: null, close: 'closed' },
  leaving: { prewarm: null, join: null, connected: null, lost: null, leave: null, left: 'idle', close: 'closed' },
  closed: { prewarm: null, join: null, connected: null, lost: null, leave: null, left: null, close: null },
};

describe('media session lifecycle', () => {
  for (const s of SESSION_STATES) {
    for (const e of SESSION_EVENTS) {
      it(`${s} + ${e} → ${GRID[s][e] ?? 'ignored'}`, () => {
        expect(nextSessionState(s, e)).toBe(GRID[s][e]);
      });
    }
  }

  it('a whole call: pre-warm, answer, a server restart, rejoin, hang up, and the next call', () => {
    const path: SessionEvent[] = ['prewarm', 'join', 'connected', 'lost', 'connected', 'leave', 'left', 'join'];
    const seen: SessionState[] = [];
    let s: SessionState = 'idle';
    for (const e of path) {
      const n = nextSessionState(s, e);
      if (!n) throw new Error(`${e} refused in ${s}`);
      seen.push((s = n));
    }
    expect(seen).toEqual(['prewarming', 'joining', 'joined', 'reconnecting', 'joined', 'leaving', 'idle', 'joining']);
  });

  it('closed is final: nothing leaves it', () => {
    for (const e of SESSION_EVENTS) expect(nextSessionState('closed', e)).toBeNull();
  });
});
