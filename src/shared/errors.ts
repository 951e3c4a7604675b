/**
 * The few named errors Ringdesk uses, with codes that are stable on the wire.
 * Codes are part of the protocol (docs/protocol.md); never rename one.
 */
export const ERROR_CODES = [
  // envelope and transport
  'malformed_json',
  'frame_too_large',
  'bad_request',
  'unknown_type',
  'rate_limited',
  'unsupported_version',
  'limit_exceeded',
  // authentication
  'unauthenticated',
  'already_authenticated',
  'auth_failed',
  'account_disabled',
  'token_invalid',
  'auth_throttled',
  // calls
  'call_not_found',
  'call_ended',
  'not_a_member',
  'state_forbids',
  'advanced_only',
  'already_in_call',
  'already_answered',
  'not_inviter',
  'invitee_unknown',
  'invalid_invitee',
  'too_many_participants',
  // directory
  'user_not_found',
  // media (the SFU)
  'sfu_unavailable',
  'media_forbidden',
  'media_not_found',
  'media_limit',
  'media_rejected',
  // the server's own resources
  /** The database cannot be written (disk full, read-only, I/O error): nothing was changed; retry later. */
  'storage_unavailable',
  /** Cluster mode: the coordinator (Redis) or a call's owning node cannot be reached. Nothing was changed; retry shortly. */
  'unavailable',
  // client side (IPC and the main process)
  'forbidden',
  'not_signed_in',
  /** The server ended every session of the user (password changed, sign out everywhere): close 4410. */
  'session_revoked',
  'request_timeout',
  'disconnected',
  'insecure_server',
  /** Sign-in: the server's host name does not resolve (DNS: ENOTFOUND, EAI_AGAIN). */
  'server_not_found',
  /** Sign-in: nothing listens at that address and port, or the network path is down (ECONNREFUSED, EHOSTUNREACH). */
  'server_refused',
  /** Sign-in: the wss:// server's certificate is not trusted (self-signed, expired, wrong host name) or TLS failed. */
  'server_tls',
  /** Sign-in: the server accepted the connection but never answered in time. */
  'server_timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  /** Only on errors that say when to try again (`auth_throttled`): wait at least this long. */
  retryAfterMs?: number;
}

/** An error that crosses a boundary: the code is for programs, the message for people. */
export class RingdeskError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RingdeskError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
  toWire(): WireError {
    return this.retryAfterMs === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

export function isRingdeskError(e: unknown): e is RingdeskError {
  return e instanceof RingdeskError;
}

/** What to log or show of something thrown: an Error's message, or the thrown value as text (a string, a number, a rejected non-Error). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
