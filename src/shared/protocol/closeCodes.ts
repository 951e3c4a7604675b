/**
 * WebSocket close codes the server sends on purpose, declared once: the server closes with them,
 * the Ringdesk client acts on them, and docs/protocol.md ("Close codes") is generated from them.
 */
export const CLOSE_CODES = {
  loggedOut: 4000,
  badFrameBeforeAuth: 4400,
  unauthenticated: 4401,
  accountDisabled: 4403,
  replaced: 4409,
  /** The session was revoked: a password change, or sign out everywhere (server/auth/RevocationWatcher.ts). */
  signedOut: 4410,
  rateLimited: 4429,
  /** Turned away by admission control before any work; the reason carries the retry hint (server/transport/AdmissionControl.ts). */
  serverBusy: 4503,
  /**
   * This node is draining (a rolling restart or a scale-down): reconnect elsewhere, at once with
   * jitter; the reason carries the jitter window as a retry hint (server/drain/Drain.ts). After
   * HTTP 307: the same thing again, somewhere else.
   */
  draining: 4307,
} as const;
export type CloseCodeName = keyof typeof CLOSE_CODES;

/** The hint in a close reason that carries one: "server busy; retry after 2000 ms" (4503), "server draining; reconnect elsewhere; retry after 1000 ms" (4307). */
export function closeRetryHint(code: number, reason: string): number | null {
  if (code !== CLOSE_CODES.serverBusy && code !== CLOSE_CODES.draining) return null;
  const m = /retry after (\d{1,7}) ms/.exec(reason);
  return m ? Number(m[1]) : null;
}
