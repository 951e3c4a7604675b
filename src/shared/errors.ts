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
  // client side (IPC and the main process)
  'forbidden',
  'not_signed_in',
  'request_timeout',
  'disconnected',
  'insecure_server',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** An error that crosses a boundary: the code is for programs, the message for people. */
export class RingdeskError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RingdeskError';
    this.code = code;
  }
  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

export function isRingdeskError(e: unknown): e is RingdeskError {
  return e instanceof RingdeskError;
}
