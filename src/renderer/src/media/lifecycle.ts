/**
 * The media session's lifecycle as data, so every cell is tested (lifecycle.test.ts) and the
 * session class only asks "may I?". `prewarming`: the call rings and this device already sits in
 * the room with paused producers; `reconnecting`: the signaling or the media path dropped and the
 * room is being restored; `closed` is the end of the window's session (a new one starts fresh).
 */
export type SessionState = 'idle' | 'prewarming' | 'joining' | 'joined' | 'reconnecting' | 'leaving' | 'closed';

export type SessionEvent =
  /** An incoming call rings and pre-warm is on. */
  | 'prewarm'
  /** The call is in progress on this device (answered, placed, or a pre-warm answered). */
  | 'join'
  /** The room says media flows. */
  | 'connected'
  /** The signaling connection or the room's media dropped. */
  | 'lost'
  /** The call is over here, or the ringing stopped. */
  | 'leave'
  /** The room is closed and the tracks stopped. */
  | 'left'
  /** The window's session stops. */
  | 'close';

export const SESSION_STATES: readonly SessionState[] = ['idle', 'prewarming', 'joining', 'joined', 'reconnecting', 'leaving', 'closed'];
export const SESSION_EVENTS: readonly SessionEvent[] = ['prewarm', 'join', 'connected', 'lost', 'leave', 'left', 'close'];

/** Every allowed move; a missing cell means the event is ignored in that state. */
export const SESSION_TRANSITIONS: Record<SessionState, Partial<Record<SessionEvent, SessionState>>> = {
  idle: { prewarm: 'prewarming', join: 'joining', close: 'closed' },
  prewarming: { join: 'joining', leave: 'leaving', close: 'closed' },
  joining: { connected: 'joined', lost: 'reconnecting', leave: 'leaving', close: 'closed' },
  joined: { lost: 'reconnecting', leave: 'leaving', close: 'closed' },
  reconnecting: { connected: 'joined', leave: 'leaving', close: 'closed' },
  leaving: { left: 'idle', close: 'closed' },
  closed: {},
};

/** The state after `event`, or null when `event` means nothing in `state`. */
export function nextSessionState(state: SessionState, event: SessionEvent): SessionState | null {
  return SESSION_TRANSITIONS[state][event] ?? null;
}
